/**
 * grafana-datasource-secrets: a Grafana data source keeps its credentials in secureJsonData, never in
 * jsonData.
 *
 * Severity: critical. jsonData is returned by Grafana's API to every viewer of the data source and
 * stored in plain text in the Pulumi state; secureJsonData is encrypted and write-only.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asObj } from "../lib/k8s";
import { parseJson } from "../lib/parse";
import { isReference, isSecretName, secretValueKind } from "../lib/secrets";

export const GRAFANA_DATASOURCE_TYPE = "grafana:oss/dataSource:DataSource";

/** "path: finding" for every credential in a JSON value. */
function findInJson(value: unknown, path: string, out: string[]): void {
  const o = asObj(value);
  if (Array.isArray(value)) value.forEach((v, i) => findInJson(v, `${path}[${i}]`, out));
  else if (o) for (const [k, v] of Object.entries(o)) findInJson(v, path ? `${path}.${k}` : k, out);
  else if (typeof value === "string" && value !== "") {
    const key = path.split(".").pop() ?? path;
    const kind = secretValueKind(value);
    if (kind) out.push(`jsonData.${path} holds ${kind}`);
    else if (isSecretName(key) && !isReference(value)) out.push(`jsonData.${path} is a credential`);
  }
}

export const grafanaDatasourceSecrets: ResourceValidationPolicy = {
  name: "grafana-datasource-secrets",
  description: "No Grafana data source carries a credential in jsonData; credentials go in secureJsonData.",
  severity: "critical",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== GRAFANA_DATASOURCE_TYPE && args.type !== "grafana:index/dataSource:DataSource") return;
    const text = args.props.jsonDataEncoded;
    if (typeof text !== "string" || text === "") return;
    const parsed = parseJson(text);
    if (!parsed.ok) {
      reportViolation(`jsonDataEncoded is not valid JSON: ${parsed.error}`);
      return;
    }
    const found: string[] = [];
    findInJson(parsed.value, "", found);
    for (const f of found) reportViolation(`${f} in plain JSON; put it in secureJsonDataEncoded`);
  },
};

/**
 * elasticsearch-security: Elasticsearch authenticates its users and speaks TLS on HTTP and transport.
 *
 * Severity: critical. Without security, any pod that reaches Elasticsearch (Kibana's Dev Tools, for
 * one) can read and delete every index, the seven-year audit and security logs included; without TLS,
 * passwords and logs cross the network in clear text. Mandatory in prod; advisory in dev, where
 * `elasticsearch.security.enabled: false` is the one documented way to relax it.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { configMapData, labelsOf } from "../lib/k8s";
import { at, parseYaml } from "../lib/parse";

export interface ElasticsearchSecurityConfig {
  /** app.kubernetes.io/name of Elasticsearch's ConfigMap. */
  appName: string;
  /** The ConfigMap key of elasticsearch.yml. */
  configKey: string;
}

export const elasticsearchSecurityDefaults: ElasticsearchSecurityConfig = { appName: "elasticsearch", configKey: "elasticsearch.yml" };

/** A setting of elasticsearch.yml, written flat ("a.b.c: x") or nested. */
function setting(yml: Record<string, unknown>, key: string): unknown {
  return key in yml ? yml[key] : at(yml, key);
}

const isTrue = (v: unknown) => v === true || v === "true";

export const elasticsearchSecurity: ResourceValidationPolicy = {
  name: "elasticsearch-security",
  description: "Elasticsearch has security on (authentication) with TLS on HTTP and on transport, and verifies certificates.",
  severity: "critical",
  configSchema: {
    properties: {
      appName: { type: "string", default: elasticsearchSecurityDefaults.appName },
      configKey: { type: "string", default: elasticsearchSecurityDefaults.configKey },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "kubernetes:core/v1:ConfigMap") return;
    const cfg = readConfig(args, elasticsearchSecurityDefaults);
    if (labelsOf(args.props)["app.kubernetes.io/name"] !== cfg.appName) return;
    const text = configMapData(args.props)[cfg.configKey];
    if (text === undefined) return;
    const parsed = parseYaml<Record<string, unknown>>(text);
    if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null) {
      reportViolation(`${cfg.configKey}: not valid YAML${parsed.ok ? "" : `: ${parsed.error}`}`);
      return;
    }
    const yml = parsed.value;
    if (!isTrue(setting(yml, "xpack.security.enabled"))) {
      reportViolation(`${cfg.configKey}: xpack.security.enabled is not true; any pod that reaches Elasticsearch can read and delete every index`);
      return;
    }
    const scopes: [string, string][] = [
      ["http", "passwords and logs cross the network in clear text"],
      ["transport", "the nodes replicate every index in clear text"],
    ];
    for (const [scope, why] of scopes) {
      const prefix = `xpack.security.${scope}.ssl`;
      if (!isTrue(setting(yml, `${prefix}.enabled`))) reportViolation(`${cfg.configKey}: ${prefix}.enabled is not true; ${why}`);
      else if (setting(yml, `${prefix}.verification_mode`) === "none") reportViolation(`${cfg.configKey}: ${prefix}.verification_mode is "none"; a peer's certificate is never checked`);
    }
  },
};

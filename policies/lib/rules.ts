/** Alert and recording rules as the stack ships them: Prometheus rule files in ConfigMaps, PrometheusRule objects, Grafana rule groups. */
import { asArray, asObj, configMapData, labelsOf } from "./k8s";
import { parseYaml } from "./parse";

export const GRAFANA_RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface RuleRef {
  /** "alerts.rules.yaml", "PrometheusRule": where the rule was found, for messages. */
  file: string;
  group: string;
  rule: Record<string, any>;
}

export interface RuleFiles {
  rules: RuleRef[];
  /** Files that do not parse, with the parser's message. */
  errors: { file: string; error: string }[];
}

/** The rules of a resource, if it carries any. */
export function rulesOf(type: string, props: Record<string, any>, appName: string, suffix: string): RuleFiles | undefined {
  const files: { file: string; groups: unknown }[] = [];
  const errors: { file: string; error: string }[] = [];
  if (type === "kubernetes:core/v1:ConfigMap") {
    if (labelsOf(props)["app.kubernetes.io/name"] !== appName) return undefined;
    const data = configMapData(props);
    const keys = Object.keys(data).filter((k) => k.endsWith(suffix)).sort();
    if (keys.length === 0) return undefined;
    for (const k of keys) {
      const p = parseYaml(data[k]);
      if (p.ok) files.push({ file: k, groups: asObj(p.value)?.groups });
      else errors.push({ file: k, error: p.error });
    }
  } else if (type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule") {
    files.push({ file: "PrometheusRule", groups: asObj(props.spec)?.groups });
  } else if (type === GRAFANA_RULE_GROUP) {
    // Grafana-managed alerts: each rule's queries are in data[].model (JSON), its name is the alert.
    const rules = asArray(props.rules).map((r) => {
      const rule = asObj(r) ?? {};
      const exprs = asArray(rule.data).map((d) => {
        const model = asObj(d)?.model;
        const m = typeof model === "string" ? safeJson(model) : asObj(model);
        return String(asObj(m)?.expr ?? "");
      });
      return { alert: rule.name, labels: rule.labels, annotations: rule.annotations, expr: exprs.filter(Boolean).join("\n") };
    });
    files.push({ file: `Grafana rule group "${props.name ?? "?"}"`, groups: [{ name: props.name ?? "?", rules }] });
  } else {
    return undefined;
  }
  const rules: RuleRef[] = [];
  for (const f of files) {
    for (const g of asArray(f.groups)) {
      const group = asObj(g);
      for (const r of asArray(group?.rules)) {
        const rule = asObj(r);
        if (rule) rules.push({ file: f.file, group: String(group?.name ?? "?"), rule });
      }
    }
  }
  return { rules, errors };
}

/** "alerts.rules.yaml, group "loki", alert "LokiDown"". */
export function describeRule(r: RuleRef): string {
  const kind = r.rule.alert !== undefined ? "alert" : "record";
  return `${r.file}, group "${r.group}", ${kind} "${r.rule.alert ?? r.rule.record ?? "?"}"`;
}

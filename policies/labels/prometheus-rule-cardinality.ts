/**
 * prometheus-rule-cardinality: no alerting or recording rule uses a high-cardinality label.
 *
 * Severity: high. A rule that groups by, matches on or adds a per-user label (user_id,
 * student_id, ...) creates a series per user: the seeds' own troubleshooting section warns about it.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { asObj } from "../lib/k8s";
import { describeRule, rulesOf } from "../lib/rules";

export interface PrometheusRuleCardinalityConfig {
  appName: string;
  ruleFileSuffix: string;
  /** Label names that must not appear in a rule's expression, labels or annotation templates. */
  forbiddenLabels: string[];
}

export const prometheusRuleCardinalityDefaults: PrometheusRuleCardinalityConfig = {
  appName: "prometheus",
  ruleFileSuffix: ".rules.yaml",
  forbiddenLabels: ["user_id", "student_id", "session_id", "request_id", "trace_id", "span_id", "email", "full_url", "client_ip"],
};

function uses(text: string, label: string): boolean {
  // A label is a whole identifier: user_id, not my_user_id or user_identity.
  return new RegExp(`(^|[^A-Za-z0-9_])${label}([^A-Za-z0-9_]|$)`).test(text);
}

export const prometheusRuleCardinality: ResourceValidationPolicy = {
  name: "prometheus-rule-cardinality",
  description: "No alerting or recording rule (Prometheus or Grafana-managed) uses a high-cardinality label such as user_id or student_id.",
  severity: "high",
  configSchema: {
    properties: {
      appName: { type: "string", default: prometheusRuleCardinalityDefaults.appName },
      ruleFileSuffix: { type: "string", default: prometheusRuleCardinalityDefaults.ruleFileSuffix },
      forbiddenLabels: { type: "array", items: { type: "string" }, default: prometheusRuleCardinalityDefaults.forbiddenLabels },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, prometheusRuleCardinalityDefaults);
    const found = rulesOf(args.type, args.props, cfg.appName, cfg.ruleFileSuffix);
    if (!found) return;
    for (const r of found.rules) {
      const where = describeRule(r);
      const expr = String(r.rule.expr ?? "");
      const labels = Object.keys(asObj(r.rule.labels) ?? {});
      const annotations = Object.values(asObj(r.rule.annotations) ?? {}).map(String).join("\n");
      for (const l of cfg.forbiddenLabels) {
        if (uses(expr, l)) reportViolation(`${where}: expr uses the high-cardinality label ${l}`);
        if (labels.includes(l)) reportViolation(`${where}: sets the high-cardinality label ${l}`);
        if (uses(annotations, `\\$labels\\.${l}`)) reportViolation(`${where}: annotations template the high-cardinality label ${l}`);
      }
    }
  },
};

/**
 * prometheus-alert-rule-metadata: every alert is routable and actionable: a `severity` label from a
 * fixed set, and `summary`, `description` and `runbook_url` annotations.
 *
 * Severity: medium. Alertmanager routes on severity; an alert with an unknown severity falls to
 * the default receiver, and one without a runbook wakes someone up with nothing to act on.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { asObj } from "../lib/k8s";
import { describeRule, rulesOf } from "../lib/rules";

export interface PrometheusAlertRuleMetadataConfig {
  /** app.kubernetes.io/name of the ConfigMap holding the rule files. */
  appName: string;
  /** Data keys of rule files end with this. */
  ruleFileSuffix: string;
  severities: string[];
  /** Labels every alert must carry besides severity. */
  requiredLabels: string[];
  requiredAnnotations: string[];
}

export const prometheusAlertRuleMetadataDefaults: PrometheusAlertRuleMetadataConfig = {
  appName: "prometheus",
  ruleFileSuffix: ".rules.yaml",
  severities: ["critical", "warning", "info"],
  requiredLabels: [],
  requiredAnnotations: ["summary", "description", "runbook_url"],
};

export const prometheusAlertRuleMetadata: ResourceValidationPolicy = {
  name: "prometheus-alert-rule-metadata",
  description: "Every alert (Prometheus rule files, PrometheusRule objects, Grafana rule groups) has a severity label in {critical, warning, info} and summary, description and runbook_url annotations.",
  severity: "medium",
  configSchema: {
    properties: {
      appName: { type: "string", default: prometheusAlertRuleMetadataDefaults.appName },
      ruleFileSuffix: { type: "string", default: prometheusAlertRuleMetadataDefaults.ruleFileSuffix },
      severities: { type: "array", items: { type: "string" }, default: prometheusAlertRuleMetadataDefaults.severities },
      requiredLabels: { type: "array", items: { type: "string" }, default: prometheusAlertRuleMetadataDefaults.requiredLabels },
      requiredAnnotations: { type: "array", items: { type: "string" }, default: prometheusAlertRuleMetadataDefaults.requiredAnnotations },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, prometheusAlertRuleMetadataDefaults);
    const found = rulesOf(args.type, args.props, cfg.appName, cfg.ruleFileSuffix);
    if (!found) return;
    for (const e of found.errors) reportViolation(`${e.file} is not valid YAML: ${e.error}`);
    for (const r of found.rules) {
      if (r.rule.alert === undefined) continue;
      const where = describeRule(r);
      const labels = asObj(r.rule.labels) ?? {};
      const annotations = asObj(r.rule.annotations) ?? {};
      const severity = labels.severity;
      if (severity === undefined || severity === "") reportViolation(`${where}: no severity label; allowed: ${cfg.severities.join(", ")}`);
      else if (!cfg.severities.includes(String(severity))) {
        reportViolation(`${where}: severity "${severity}" is not one of ${cfg.severities.join(", ")}`);
      }
      for (const l of cfg.requiredLabels) {
        if (typeof labels[l] !== "string" || labels[l].trim() === "") reportViolation(`${where}: no ${l} label`);
      }
      for (const a of cfg.requiredAnnotations) {
        if (typeof annotations[a] !== "string" || annotations[a].trim() === "") reportViolation(`${where}: no ${a} annotation`);
      }
      const runbook = annotations.runbook_url;
      if (typeof runbook === "string" && runbook.trim() !== "" && !/^https?:\/\/[^\s/]+/.test(runbook)) {
        reportViolation(`${where}: runbook_url "${runbook}" is not an http(s) URL`);
      }
    }
  },
};

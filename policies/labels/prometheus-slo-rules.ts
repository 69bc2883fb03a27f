/**
 * prometheus-slo-rules: service-level objectives stay meaningful and alertable: every SLO alert (an
 * alert reading the SLI error ratios) pages or opens a ticket (severity critical or warning) and has a
 * runbook; every objective is a number strictly inside the bounds; and every SLO has both a page and a
 * ticket alert reading it.
 *
 * Severity: high. An objective of 1 leaves no error budget (every error pages), one too low never
 * burns fast enough to page; an SLO whose burn alert is missing or routes nowhere fails silently.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { asObj } from "../lib/k8s";
import { describeRule, rulesOf } from "../lib/rules";

export interface PrometheusSloRulesConfig {
  /** app.kubernetes.io/name of the ConfigMap holding the rule files. */
  appName: string;
  /** Data keys of rule files end with this. */
  ruleFileSuffix: string;
  /** The recorded objective of each SLO (`vector(<objective>)`, labeled service and slo). */
  objectiveRecord: string;
  /** Alerts whose expression reads a series with this prefix are SLO alerts. */
  sliPrefix: string;
  /** Objectives must be strictly above `above` and strictly below `below`. */
  objective: { above: number; below: number };
  /** Severity of the alert that pages, and of the one that opens a ticket. */
  pageSeverity: string;
  ticketSeverity: string;
}

export const prometheusSloRulesDefaults: PrometheusSloRulesConfig = {
  appName: "prometheus",
  ruleFileSuffix: ".rules.yaml",
  objectiveRecord: "slo:objective:ratio",
  sliPrefix: "slo:sli_error:",
  objective: { above: 0.9, below: 0.99999 },
  pageSeverity: "critical",
  ticketSeverity: "warning",
};

export const prometheusSloRules: ResourceValidationPolicy = {
  name: "prometheus-slo-rules",
  description: "Every SLO alert has a page or ticket severity and a runbook, every objective is within bounds, and every SLO has a page and a ticket alert.",
  severity: "high",
  configSchema: {
    properties: {
      appName: { type: "string", default: prometheusSloRulesDefaults.appName },
      ruleFileSuffix: { type: "string", default: prometheusSloRulesDefaults.ruleFileSuffix },
      objectiveRecord: { type: "string", default: prometheusSloRulesDefaults.objectiveRecord },
      sliPrefix: { type: "string", default: prometheusSloRulesDefaults.sliPrefix },
      objective: {
        type: "object",
        properties: { above: { type: "number", minimum: 0 }, below: { type: "number", minimum: 0 } },
        required: ["above", "below"],
        additionalProperties: false,
        default: prometheusSloRulesDefaults.objective,
      },
      pageSeverity: { type: "string", default: prometheusSloRulesDefaults.pageSeverity },
      ticketSeverity: { type: "string", default: prometheusSloRulesDefaults.ticketSeverity },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, prometheusSloRulesDefaults);
    const found = rulesOf(args.type, args.props, cfg.appName, cfg.ruleFileSuffix);
    if (!found) return;
    const severities = [cfg.pageSeverity, cfg.ticketSeverity];
    const { above, below } = cfg.objective;
    /** slo label → the severities of the alerts that read its SLI. */
    const alerted = new Map<string, Set<string>>();
    const objectives: { where: string; service: string; slo: string }[] = [];
    for (const r of found.rules) {
      const where = describeRule(r);
      const labels = asObj(r.rule.labels) ?? {};
      const expr = String(r.rule.expr ?? "");
      if (r.rule.record === cfg.objectiveRecord) {
        const m = /^\s*vector\(\s*([0-9.eE+-]+)\s*\)\s*$/.exec(expr);
        const value = m ? Number(m[1]) : NaN;
        if (Number.isNaN(value)) reportViolation(`${where}: objective ${JSON.stringify(expr)} is not a number; expected vector(<objective>)`);
        else if (!(value > above && value < below)) reportViolation(`${where}: objective ${value} is out of bounds; allowed: > ${above} and < ${below}`);
        objectives.push({ where, service: String(labels.service ?? "?"), slo: String(labels.slo ?? "?") });
        continue;
      }
      if (r.rule.alert === undefined || !expr.includes(cfg.sliPrefix)) continue;
      const annotations = asObj(r.rule.annotations) ?? {};
      const severity = labels.severity;
      if (severity === undefined || severity === "") reportViolation(`${where}: SLO alert without a severity label; allowed: ${severities.join(", ")}`);
      else if (!severities.includes(String(severity))) {
        reportViolation(`${where}: severity "${severity}" is not one of ${severities.join(", ")} (an SLO alert pages or opens a ticket)`);
      }
      const runbook = annotations.runbook_url;
      if (typeof runbook !== "string" || runbook.trim() === "") reportViolation(`${where}: SLO alert without a runbook_url annotation`);
      else if (!/^https?:\/\/[^\s/]+/.test(runbook)) reportViolation(`${where}: runbook_url "${runbook}" is not an http(s) URL`);
      for (const m of expr.matchAll(/\bslo\s*=\s*"([^"]*)"/g)) {
        if (!alerted.has(m[1])) alerted.set(m[1], new Set());
        alerted.get(m[1])!.add(String(severity ?? ""));
      }
    }
    for (const o of objectives) {
      const got = alerted.get(o.slo) ?? new Set<string>();
      const missing = severities.filter((s) => !got.has(s));
      if (missing.length) {
        reportViolation(`${o.where}: SLO ${o.slo} of ${o.service} has no ${missing.join(" or ")} alert reading ${cfg.sliPrefix}* {slo="${o.slo}"}`);
      }
    }
  },
};

/**
 * alertmanager-retention: Alertmanager's silences and notification log have an explicit retention.
 *
 * Severity: medium. The built-in default (120h) is reasonable, but an unset flag is an undeclared
 * decision, and an overlong one keeps expired silences and notification state around.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { parseDurationSeconds } from "../lib/duration";
import { appNameOf, findContainer, flagValue, podTemplateOf } from "../lib/k8s";

export interface AlertmanagerRetentionConfig {
  appName: string;
  container: string;
  /** Allowed --data.retention, in hours. */
  minHours: number;
  maxHours: number;
}

export const alertmanagerRetentionDefaults: AlertmanagerRetentionConfig = {
  appName: "alertmanager",
  container: "alertmanager",
  minHours: 1,
  maxHours: 720,
};

const FLAG = "--data.retention";

export const alertmanagerRetention: ResourceValidationPolicy = {
  name: "alertmanager-retention",
  description: "Alertmanager sets --data.retention within the environment's bounds.",
  severity: "medium",
  configSchema: {
    properties: {
      appName: { type: "string", default: alertmanagerRetentionDefaults.appName },
      container: { type: "string", default: alertmanagerRetentionDefaults.container },
      minHours: { type: "number", minimum: 0, default: alertmanagerRetentionDefaults.minHours },
      maxHours: { type: "number", minimum: 0, default: alertmanagerRetentionDefaults.maxHours },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, alertmanagerRetentionDefaults);
    const template = podTemplateOf(args.type, args.props);
    if (!template || appNameOf(args.type, args.props) !== cfg.appName) return;
    const c = findContainer(template.spec, cfg.container);
    if (!c) {
      reportViolation(`no container "${cfg.container}" to carry ${FLAG}`);
      return;
    }
    const value = flagValue(c, FLAG);
    if (value === undefined || value === "") {
      reportViolation(`container "${cfg.container}" has no ${FLAG}; set it (allowed: ${cfg.minHours}h to ${cfg.maxHours}h)`);
      return;
    }
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined) {
      reportViolation(`${FLAG}=${value} is not a duration like "120h"`);
      return;
    }
    const hours = seconds / 3600;
    if (hours < cfg.minHours || hours > cfg.maxHours) {
      reportViolation(`${FLAG}=${value} is ${+hours.toFixed(2)} hours; allowed: ${cfg.minHours}h to ${cfg.maxHours}h`);
    }
  },
};

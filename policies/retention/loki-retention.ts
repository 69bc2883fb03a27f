/**
 * loki-retention: Loki deletes logs after a bounded retention period.
 *
 * Severity: high. Loki keeps logs forever unless the compactor runs retention; Loki 3 also refuses
 * to start retention without a delete_request_store.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DayBounds, dayBoundsSchema, describeBounds, readConfig, withinBounds } from "../lib/config";
import { formatDays, parseDurationDays } from "../lib/duration";
import { configMapData, labelsOf } from "../lib/k8s";
import { at, parseYaml } from "../lib/parse";

export interface LokiRetentionConfig {
  /** app.kubernetes.io/name of the ConfigMap holding Loki's config. */
  appName: string;
  /** Data key of the Loki config file in that ConfigMap. */
  configKey: string;
  /** Allowed limits_config.retention_period, in days. */
  retention: DayBounds;
}

export const lokiRetentionDefaults: LokiRetentionConfig = {
  appName: "loki",
  configKey: "loki.yaml",
  retention: { minDays: 1, maxDays: 90 },
};

export const lokiRetention: ResourceValidationPolicy = {
  name: "loki-retention",
  description: "Loki's compactor enforces retention, with a delete_request_store, and limits_config.retention_period is within the environment's bounds.",
  severity: "high",
  configSchema: {
    properties: {
      appName: { type: "string", default: lokiRetentionDefaults.appName },
      configKey: { type: "string", default: lokiRetentionDefaults.configKey },
      retention: { ...dayBoundsSchema, default: { ...lokiRetentionDefaults.retention } },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "kubernetes:core/v1:ConfigMap") return;
    const cfg = readConfig(args, lokiRetentionDefaults);
    if (labelsOf(args.props)["app.kubernetes.io/name"] !== cfg.appName) return;
    const text = configMapData(args.props)[cfg.configKey];
    if (text === undefined) return; // another ConfigMap of Loki's; telemetry-retention-configured checks one exists
    const parsed = parseYaml(text);
    if (!parsed.ok) {
      reportViolation(`${cfg.configKey} is not valid YAML: ${parsed.error}`);
      return;
    }
    const conf = parsed.value;
    if (at(conf, "compactor.retention_enabled") !== true) {
      reportViolation(`${cfg.configKey}: compactor.retention_enabled is not true; without it Loki never deletes logs`);
    }
    const store = at(conf, "compactor.delete_request_store");
    if (typeof store !== "string" || store === "") {
      reportViolation(`${cfg.configKey}: compactor.delete_request_store is not set; Loki needs it to run retention`);
    }
    const period = at(conf, "limits_config.retention_period");
    if (period === undefined || period === null || period === "") {
      reportViolation(`${cfg.configKey}: limits_config.retention_period is not set; allowed: ${describeBounds(cfg.retention)}`);
      return;
    }
    const days = parseDurationDays(String(period));
    if (days === undefined) {
      reportViolation(`${cfg.configKey}: limits_config.retention_period "${period}" is not a duration like "720h" or "30d"`);
    } else if (days === 0) {
      reportViolation(`${cfg.configKey}: limits_config.retention_period "${period}" keeps logs forever; allowed: ${describeBounds(cfg.retention)}`);
    } else if (!withinBounds(days, cfg.retention)) {
      reportViolation(`${cfg.configKey}: limits_config.retention_period "${period}" is ${formatDays(days)} days; allowed: ${describeBounds(cfg.retention)}`);
    }
  },
};

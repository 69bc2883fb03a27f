/**
 * prometheus-retention: the Prometheus TSDB has an explicit, bounded retention by time and by size.
 *
 * Severity: high. Without `--storage.tsdb.retention.time` Prometheus keeps 15 days whatever the
 * environment wants; without `.size` a busy cluster fills the volume and Prometheus stops ingesting.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DayBounds, dayBoundsSchema, describeBounds, readConfig, withinBounds } from "../lib/config";
import { formatDays, parseDurationDays, parsePrometheusBytes, parseQuantityBytes } from "../lib/duration";
import { appNameOf, asArray, asObj, findContainer, flagValue, podTemplateOf } from "../lib/k8s";

export interface PrometheusRetentionConfig {
  /** app.kubernetes.io/name of the Prometheus workload. */
  appName: string;
  /** Name of the Prometheus container. */
  container: string;
  /** Allowed --storage.tsdb.retention.time, in days. */
  retention: DayBounds;
}

export const prometheusRetentionDefaults: PrometheusRetentionConfig = {
  appName: "prometheus",
  container: "prometheus",
  retention: { minDays: 1, maxDays: 90 },
};

const TIME = "--storage.tsdb.retention.time";
const SIZE = "--storage.tsdb.retention.size";

export const prometheusRetention: ResourceValidationPolicy = {
  name: "prometheus-retention",
  description: "Prometheus sets --storage.tsdb.retention.time within the environment's bounds and --storage.tsdb.retention.size below its volume.",
  severity: "high",
  configSchema: {
    properties: {
      appName: { type: "string", default: prometheusRetentionDefaults.appName },
      container: { type: "string", default: prometheusRetentionDefaults.container },
      retention: { ...dayBoundsSchema, default: { ...prometheusRetentionDefaults.retention } },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, prometheusRetentionDefaults);
    const template = podTemplateOf(args.type, args.props);
    if (!template || appNameOf(args.type, args.props) !== cfg.appName) return;
    const c = findContainer(template.spec, cfg.container);
    if (!c) {
      reportViolation(`no container "${cfg.container}" to carry the retention flags`);
      return;
    }
    const time = flagValue(c, TIME);
    if (time === undefined || time === "") {
      reportViolation(`container "${cfg.container}" has no ${TIME}; set it (allowed: ${describeBounds(cfg.retention)})`);
    } else {
      const days = parseDurationDays(time);
      if (days === undefined) reportViolation(`${TIME}=${time} is not a duration like "30d"`);
      else if (!withinBounds(days, cfg.retention)) {
        reportViolation(`${TIME}=${time} is ${formatDays(days)} days; allowed: ${describeBounds(cfg.retention)}`);
      }
    }
    const size = flagValue(c, SIZE);
    if (size === undefined || size === "") {
      reportViolation(`container "${cfg.container}" has no ${SIZE}; set it below the volume size so the TSDB cannot fill its disk`);
      return;
    }
    const bytes = parsePrometheusBytes(size);
    if (bytes === undefined || bytes === 0) {
      reportViolation(`${SIZE}=${size} is not a size like "170GB"`);
      return;
    }
    // The TSDB's volume: the claim template the Prometheus container mounts.
    const mounts = asArray(c.volumeMounts).map((m) => asObj(m)?.name);
    for (const vct of asArray(asObj(args.props.spec)?.volumeClaimTemplates)) {
      const name = asObj(vct?.metadata)?.name;
      if (!mounts.includes(name)) continue;
      const request = asObj(asObj(asObj(vct?.spec)?.resources)?.requests)?.storage;
      const volume = parseQuantityBytes(request);
      if (volume !== undefined && bytes >= volume) {
        reportViolation(`${SIZE}=${size} does not fit the ${request} volume claim "${name}"; allowed: less than ${request}, leaving room for the WAL`);
      }
    }
  },
};

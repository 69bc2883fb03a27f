/**
 * jaeger-trace-retention: traces are kept for a bounded time, whatever Jaeger stores them in.
 *
 * Severity: high. Badger keeps spans for its ttl.spans (72h when unset); in-memory storage is
 * bounded by max_traces (unbounded when unset); Elasticsearch indices are deleted by the
 * jaeger-es-index-cleaner CronJob, whose first argument is the number of days to keep.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DayBounds, dayBoundsSchema, describeBounds, readConfig, withinBounds } from "../lib/config";
import { formatDays, parseDurationDays } from "../lib/duration";
import { asArray, configMapData, containersOf, labelsOf, podTemplateOf } from "../lib/k8s";
import { at, parseYaml } from "../lib/parse";
import { jaegerBackends, runsImage } from "../lib/jaeger";

export interface JaegerTraceRetentionConfig {
  appName: string;
  /** Data key of the Jaeger (v2, OpenTelemetry collector) config in its ConfigMap. */
  configKey: string;
  /** Allowed trace retention, in days. */
  retention: DayBounds;
  /** Image name (without registry and tag) of the Elasticsearch index cleaner. */
  indexCleanerImage: string;
}

export const jaegerTraceRetentionDefaults: JaegerTraceRetentionConfig = {
  appName: "jaeger",
  configKey: "config.yaml",
  retention: { minDays: 1, maxDays: 30 },
  indexCleanerImage: "jaeger-es-index-cleaner",
};

export const jaegerTraceRetention: ResourceValidationPolicy = {
  name: "jaeger-trace-retention",
  description: "Jaeger's trace storage has a bounded retention: a badger ttl.spans or an index-cleaner age within the environment's bounds, or a max_traces for memory.",
  severity: "high",
  configSchema: {
    properties: {
      appName: { type: "string", default: jaegerTraceRetentionDefaults.appName },
      configKey: { type: "string", default: jaegerTraceRetentionDefaults.configKey },
      retention: { ...dayBoundsSchema, default: { ...jaegerTraceRetentionDefaults.retention } },
      indexCleanerImage: { type: "string", default: jaegerTraceRetentionDefaults.indexCleanerImage },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, jaegerTraceRetentionDefaults);
    if (labelsOf(args.props)["app.kubernetes.io/name"] !== cfg.appName) return;
    if (args.type === "kubernetes:core/v1:ConfigMap") {
      const text = configMapData(args.props)[cfg.configKey];
      if (text === undefined) return;
      const parsed = parseYaml(text);
      if (!parsed.ok) {
        reportViolation(`${cfg.configKey} is not valid YAML: ${parsed.error}`);
        return;
      }
      for (const b of jaegerBackends(parsed.value)) {
        const where = `${cfg.configKey}: backend "${b.name}"`;
        if (b.kind === "badger") {
          const spans = at(b.settings, "ttl.spans");
          if (spans === undefined || spans === null || spans === "") {
            reportViolation(`${where}: badger ttl.spans is not set; allowed: ${describeBounds(cfg.retention)}`);
            continue;
          }
          const days = parseDurationDays(String(spans));
          if (days === undefined) reportViolation(`${where}: badger ttl.spans "${spans}" is not a duration like "72h"`);
          else if (!withinBounds(days, cfg.retention)) {
            reportViolation(`${where}: badger ttl.spans "${spans}" is ${formatDays(days)} days; allowed: ${describeBounds(cfg.retention)}`);
          }
        } else if (b.kind === "memory") {
          const max = b.settings.max_traces;
          if (typeof max !== "number" || !(max > 0)) {
            reportViolation(`${where}: memory max_traces is not set; in-memory trace storage would grow without bound`);
          }
        }
      }
      return;
    }
    const template = podTemplateOf(args.type, args.props);
    if (!template) return;
    for (const c of containersOf(template.spec)) {
      if (!runsImage(c.container, cfg.indexCleanerImage)) continue;
      const first = asArray(c.container.args)[0];
      const days = typeof first === "number" ? first : /^\d+$/.test(String(first ?? "")) ? Number(first) : undefined;
      if (days === undefined) {
        reportViolation(`index cleaner (container "${c.name}"): first argument ${JSON.stringify(first ?? null)} is not a number of days`);
      } else if (!withinBounds(days, cfg.retention)) {
        reportViolation(`index cleaner (container "${c.name}") keeps ${formatDays(days)} days of traces; allowed: ${describeBounds(cfg.retention)}`);
      }
    }
  },
};

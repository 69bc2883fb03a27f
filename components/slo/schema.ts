/**
 * The `slo` section of the stack config: service-level objectives per service, and the bucket bounds of
 * the latency histograms they read. components/slo/rules.ts turns them into recording and alert rules.
 *
 * - availability: the share of requests not answered with a 5xx (alerting.httpStatusLabel of a counter,
 *   http_requests_total by default);
 * - latency: the share of requests at or under a threshold, read from the histogram bucket whose bound
 *   is the threshold (so the threshold must be one of the bucket bounds the services export).
 *
 * Defaults: the seeds' targets for one example service, `example-api`: availability 99.9%, and p95
 * under 200 ms (95% of requests within 0.2 s). The seeds' third target, an error rate under 1%, is the
 * same SLI as availability with a looser objective: the 99.9% objective (0.1% of errors) already holds
 * it. Replace the example with your services in the stack file (the list replaces the default whole).
 */
import { z } from "zod";
import type { StackConfig } from "../config";
import { KNOWN_METRICS } from "../../dashboards/metrics";
import { LONGEST_ALERT_WINDOW_DAYS } from "./rules";

export const SLO_KINDS = ["availability", "latency"] as const;
export type SloKind = (typeof SLO_KINDS)[number];

/**
 * Objectives are strictly between these. 1 leaves no error budget. Near 0.9 a page needs most requests
 * to fail: below 1 − 1/14.4 (0.9306) the 1h/5m pair cannot fire at all (more than 100% would have to
 * fail), and at 0.9 the 6h/30m pair needs 60%.
 */
export const OBJECTIVE_BOUNDS = { above: 0.9, below: 0.99999 } as const;

const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { message: "a Prometheus metric name" });
const objective = z.number().gt(OBJECTIVE_BOUNDS.above).lt(OBJECTIVE_BOUNDS.below);
/** The SLO window, days (at least the longest alert window, at most what Prometheus keeps). */
const windowDays = z.number().int().min(1).max(365);

const availabilitySchema = z
  .object({
    /** Share of requests that must not fail (5xx), strictly between 0.9 and 0.99999. */
    objective,
    /** SLO window, days. Default 30. */
    windowDays: windowDays.default(30),
    /** Request counter carrying the HTTP status label (alerting.httpStatusLabel). Default http_requests_total. */
    metric: metricName.default("http_requests_total"),
  })
  .strict();

const latencySchema = z
  .object({
    /** Share of requests that must be at or under thresholdSeconds, strictly between 0.9 and 0.99999. */
    objective,
    /** Latency threshold, seconds: one of the histogram's bucket bounds (slo.histogramBuckets). */
    thresholdSeconds: z.number().gt(0),
    /** SLO window, days. Default 30. */
    windowDays: windowDays.default(30),
    /** Latency histogram (without _bucket). Default http_request_duration_seconds. */
    metric: metricName.default("http_request_duration_seconds"),
  })
  .strict();

const serviceSloSchema = z
  .object({
    /** The `service` label of the service's series (the pod's app.kubernetes.io/name or app). */
    service: z.string().regex(/^[a-zA-Z0-9_.-]+$/, { message: "a service label value of letters, digits, '_', '.' and '-'" }),
    /** Only series of this namespace; unset = the service in any namespace. */
    namespace: z.string().min(1).optional(),
    availability: availabilitySchema.optional(),
    latency: latencySchema.optional(),
  })
  .strict();

export const sloSchema = z
  .object({
    /**
     * Bucket bounds (`le`, seconds) each latency histogram is exported with. Default
     * http_request_duration_seconds: the seeds' 0.1, 0.5, 1, 2, 5 plus the 0.2 their p95 target needs.
     */
    histogramBuckets: z.record(metricName, z.array(z.number().gt(0)).min(1)),
    /** SLOs per service. Default: the seeds' targets for the example service example-api. */
    services: z.array(serviceSloSchema),
  })
  .strict();

export type SloSettings = z.infer<typeof sloSchema>;
export type ServiceSlo = z.infer<typeof serviceSloSchema>;

/** The seeds' bucket bounds of http_request_duration_seconds, with the 0.2 s bound of their p95 target. */
export const DEFAULT_LATENCY_BUCKETS = [0.1, 0.2, 0.5, 1, 2, 5];

const prodSlo: SloSettings = {
  histogramBuckets: { http_request_duration_seconds: DEFAULT_LATENCY_BUCKETS },
  services: [
    {
      service: "example-api",
      availability: { objective: 0.999, windowDays: 30, metric: "http_requests_total" },
      latency: { objective: 0.95, thresholdSeconds: 0.2, windowDays: 30, metric: "http_request_duration_seconds" },
    },
  ],
};

/** Dev keeps 7 days of metrics (prometheus.retentionDays), so its SLO window is 7 days. */
const devSlo: SloSettings = {
  ...prodSlo,
  services: prodSlo.services.map((s) => ({
    ...s,
    availability: s.availability && { ...s.availability, windowDays: 7 },
    latency: s.latency && { ...s.latency, windowDays: 7 },
  })),
};

export const sloDefaults: Record<"dev" | "prod", SloSettings> = { dev: devSlo, prod: prodSlo };

/** Where the metrics an SLO may read are listed, for the error message. */
export const KNOWN_METRICS_SOURCE = "dashboards/metrics.ts (KNOWN_METRICS)";

const key = (path: (string | number)[]) =>
  `observability-stack:slo${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`;

/** What the per-field schema cannot say: known metrics, bucket bounds, windows against alerts and retention. */
export function sloProblems(cfg: Pick<StackConfig, "slo" | "prometheus">): string[] {
  const p: string[] = [];
  const { histogramBuckets, services } = cfg.slo;
  const retention = cfg.prometheus.retentionDays;
  for (const [histogram, bounds] of Object.entries(histogramBuckets)) {
    if (!(`${histogram}_bucket` in KNOWN_METRICS)) {
      p.push(`${key(["histogramBuckets", histogram])}: ${histogram}_bucket is a metric no dashboard or exporter knows; allowed: a histogram listed in ${KNOWN_METRICS_SOURCE}`);
    }
    if (new Set(bounds).size !== bounds.length) {
      p.push(`${key(["histogramBuckets", histogram])}: ${JSON.stringify(bounds)} repeats a bound; allowed: each bound once`);
    }
  }
  const seen = new Set<string>();
  services.forEach((s, i) => {
    if (seen.has(s.service)) {
      p.push(`${key(["services", i, "service"])}: "${s.service}" already has its SLOs; allowed: each service once (its availability and latency SLOs in one entry)`);
    }
    seen.add(s.service);
    if (!s.availability && !s.latency) {
      p.push(`${key(["services", i])}: "${s.service}" has no SLO; allowed: availability, latency or both`);
    }
    for (const kind of SLO_KINDS) {
      const slo = s[kind];
      if (!slo) continue;
      const at = (k: string) => key(["services", i, kind, k]);
      if (slo.windowDays < LONGEST_ALERT_WINDOW_DAYS) {
        p.push(`${at("windowDays")}: ${slo.windowDays} is shorter than the longest alert window (${LONGEST_ALERT_WINDOW_DAYS}d); allowed: >= ${LONGEST_ALERT_WINDOW_DAYS}`);
      }
      if (slo.windowDays > retention) {
        p.push(`${at("windowDays")}: ${slo.windowDays} is longer than Prometheus keeps metrics (prometheus.retentionDays ${retention}); allowed: <= ${retention}, or a longer prometheus.retentionDays`);
      }
    }
    // An SLO the schema refused has no defaults filled in: its metric is then left to that error.
    if (s.availability && s.availability.metric !== undefined) {
      const m = s.availability.metric;
      if (!(m in KNOWN_METRICS)) {
        p.push(`${key(["services", i, "availability", "metric"])}: "${m}" is a metric no dashboard or exporter knows; allowed: a counter listed in ${KNOWN_METRICS_SOURCE}`);
      } else if (!m.endsWith("_total")) {
        p.push(`${key(["services", i, "availability", "metric"])}: "${m}" is not a counter; allowed: a request counter (…_total) listed in ${KNOWN_METRICS_SOURCE}`);
      }
    }
    if (s.latency && s.latency.metric !== undefined) {
      const { metric, thresholdSeconds } = s.latency;
      const bounds = histogramBuckets[metric];
      if (!(`${metric}_bucket` in KNOWN_METRICS)) {
        p.push(`${key(["services", i, "latency", "metric"])}: "${metric}" (${metric}_bucket) is a metric no dashboard or exporter knows; allowed: a histogram listed in ${KNOWN_METRICS_SOURCE}`);
      } else if (!bounds) {
        p.push(`${key(["services", i, "latency", "metric"])}: "${metric}" has no bucket bounds in slo.histogramBuckets; allowed: ${Object.keys(histogramBuckets).join(", ") || "none declared"}, or declare its bounds`);
      } else if (!bounds.includes(thresholdSeconds)) {
        p.push(
          `${key(["services", i, "latency", "thresholdSeconds"])}: ${thresholdSeconds} is not a bucket bound of ${metric}; allowed: ${[...bounds].sort((a, b) => a - b).join(", ")} (slo.histogramBuckets.${metric})`,
        );
      }
    }
  });
  return p;
}

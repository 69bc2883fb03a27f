/**
 * The slo section of the stack config: its defaults, and bad SLOs failing before any resource exists
 * with the key, the value and what is allowed.
 */
import { ConfigError, DEFAULTS, RawConfig, loadConfig } from "../../components/config";
import { KNOWN_METRICS } from "../../dashboards/metrics";
import { PROD_ADDRESSES, PROD_AWS, PROD_SECRETS } from "../helpers/mocks";

const raw = (stack: "dev" | "prod", values: Record<string, unknown> = {}): RawConfig => ({
  stack,
  values: stack === "prod" ? { aws: PROD_AWS, ...PROD_ADDRESSES, ...values } : values,
  secretsSet: new Set(stack === "prod" ? Object.keys(PROD_SECRETS) : []),
});

function problems(r: RawConfig): string[] {
  try {
    loadConfig(r);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

const availability = { objective: 0.999 };
const latency = { objective: 0.95, thresholdSeconds: 0.2 };
/** A prod config with these SLO services (prod keeps 30 days: the default 30-day window fits). */
const services = (...s: object[]) => raw("prod", { slo: { services: s } });

describe("slo config", () => {
  it("defaults to the seeds' targets for one example service in dev and prod, windows within the retention", () => {
    for (const env of ["dev", "prod"] as const) {
      const c = loadConfig(raw(env));
      expect(c.slo.histogramBuckets).toEqual({ http_request_duration_seconds: [0.1, 0.2, 0.5, 1, 2, 5] });
      const [s] = c.slo.services;
      expect(s.service).toBe("example-api");
      expect(s.availability).toEqual({ objective: 0.999, windowDays: env === "prod" ? 30 : 7, metric: "http_requests_total" });
      expect(s.latency).toEqual({ objective: 0.95, thresholdSeconds: 0.2, windowDays: env === "prod" ? 30 : 7, metric: "http_request_duration_seconds" });
      expect(s.availability!.windowDays).toBeLessThanOrEqual(c.prometheus.retentionDays);
    }
    expect(DEFAULTS.dev.prometheus.retentionDays).toBe(7);
  });

  it("a stack file's services replace the example; window and metric default to 30 days and the seeds' metrics", () => {
    const c = loadConfig(services({ service: "checkout", namespace: "shop", availability: { objective: 0.9995 } }));
    expect(c.slo.services).toEqual([{ service: "checkout", namespace: "shop", availability: { objective: 0.9995, windowDays: 30, metric: "http_requests_total" } }]);
    expect(loadConfig(raw("prod", { slo: { services: [] } })).slo.services).toEqual([]);
  });

  it("a histogram's bounds can be declared, and a threshold on them accepted", () => {
    const c = loadConfig(
      raw("prod", {
        slo: {
          histogramBuckets: { db_query_duration_seconds: [0.001, 0.01, 0.1, 1, 5] },
          services: [{ service: "db", latency: { objective: 0.99, thresholdSeconds: 0.1, metric: "db_query_duration_seconds" } }],
        },
      }),
    );
    expect(c.slo.histogramBuckets.db_query_duration_seconds).toEqual([0.001, 0.01, 0.1, 1, 5]);
    expect(c.slo.histogramBuckets.http_request_duration_seconds).toEqual([0.1, 0.2, 0.5, 1, 2, 5]);
  });

  const K = "observability-stack:slo.services[0]";
  const table: [string, RawConfig, string[]][] = [
    ["objective of 1: no error budget", services({ service: "a", availability: { objective: 1 } }), [`${K}.availability.objective: 1 is too large; allowed: < 0.99999`]],
    ["objective of 0.99999", services({ service: "a", latency: { ...latency, objective: 0.99999 } }), [`${K}.latency.objective: 0.99999 is too large; allowed: < 0.99999`]],
    ["objective of 0.9", services({ service: "a", availability: { objective: 0.9 } }), [`${K}.availability.objective: 0.9 is too small; allowed: > 0.9`]],
    ["objective as a percentage", services({ service: "a", availability: { objective: 99.9 } }), [`${K}.availability.objective: 99.9 is too large; allowed: < 0.99999`]],
    [
      "latency threshold between bucket bounds",
      services({ service: "a", latency: { ...latency, thresholdSeconds: 0.25 } }),
      [`${K}.latency.thresholdSeconds: 0.25 is not a bucket bound of http_request_duration_seconds; allowed: 0.1, 0.2, 0.5, 1, 2, 5 (slo.histogramBuckets.http_request_duration_seconds)`],
    ],
    [
      "window shorter than the longest alert window",
      services({ service: "a", availability: { ...availability, windowDays: 2 } }),
      [`${K}.availability.windowDays: 2 is shorter than the longest alert window (3d); allowed: >= 3`],
    ],
    [
      "window longer than Prometheus keeps metrics",
      raw("dev", { slo: { services: [{ service: "a", latency: { ...latency, windowDays: 30 } }] } }),
      [`${K}.latency.windowDays: 30 is longer than Prometheus keeps metrics (prometheus.retentionDays 7); allowed: <= 7, or a longer prometheus.retentionDays`],
    ],
    [
      "a request counter no dashboard or exporter knows",
      services({ service: "a", availability: { ...availability, metric: "orders_total" } }),
      [`${K}.availability.metric: "orders_total" is a metric no dashboard or exporter knows; allowed: a counter listed in dashboards/metrics.ts (KNOWN_METRICS)`],
    ],
    [
      "a gauge for availability",
      services({ service: "a", availability: { ...availability, metric: "gamifyx_active_users" } }),
      [`${K}.availability.metric: "gamifyx_active_users" is not a counter; allowed: a request counter (…_total) listed in dashboards/metrics.ts (KNOWN_METRICS)`],
    ],
    [
      "a latency histogram no dashboard or exporter knows",
      services({ service: "a", latency: { ...latency, metric: "checkout_latency_seconds" } }),
      [`${K}.latency.metric: "checkout_latency_seconds" (checkout_latency_seconds_bucket) is a metric no dashboard or exporter knows; allowed: a histogram listed in dashboards/metrics.ts (KNOWN_METRICS)`],
    ],
    [
      "a known histogram without declared bounds",
      services({ service: "a", latency: { ...latency, metric: "db_query_duration_seconds" } }),
      [`${K}.latency.metric: "db_query_duration_seconds" has no bucket bounds in slo.histogramBuckets; allowed: http_request_duration_seconds, or declare its bounds`],
    ],
    [
      "bounds declared for an unknown histogram",
      raw("prod", { slo: { histogramBuckets: { made_up_seconds: [1] } } }),
      ["observability-stack:slo.histogramBuckets.made_up_seconds: made_up_seconds_bucket is a metric no dashboard or exporter knows; allowed: a histogram listed in dashboards/metrics.ts (KNOWN_METRICS)"],
    ],
    [
      "the same service twice",
      services({ service: "a", availability }, { service: "a", latency }),
      ['observability-stack:slo.services[1].service: "a" already has its SLOs; allowed: each service once (its availability and latency SLOs in one entry)'],
    ],
    ["a service without an SLO", services({ service: "a" }), [`${K}: "a" has no SLO; allowed: availability, latency or both`]],
    [
      "an unknown SLO key",
      services({ service: "a", availability: { ...availability, target: 0.999 } }),
      [`${K}.availability.target: unknown key; allowed keys of ${K}.availability: objective, windowDays, metric`],
    ],
    ["latency without a threshold", services({ service: "a", latency: { objective: 0.95 } }), [`${K}.latency.thresholdSeconds: missing; expected a number`]],
  ];

  it.each(table)("%s", (_name, config, expected) => {
    expect(problems(config)).toEqual(expected);
  });

  it("every problem at once", () => {
    expect(
      problems(services({ service: "a", availability: { objective: 0.95, windowDays: 1, metric: "nope_total" }, latency: { ...latency, thresholdSeconds: 0.3 } })),
    ).toEqual([
      `${K}.availability.windowDays: 1 is shorter than the longest alert window (3d); allowed: >= 3`,
      `${K}.availability.metric: "nope_total" is a metric no dashboard or exporter knows; allowed: a counter listed in dashboards/metrics.ts (KNOWN_METRICS)`,
      `${K}.latency.thresholdSeconds: 0.3 is not a bucket bound of http_request_duration_seconds; allowed: 0.1, 0.2, 0.5, 1, 2, 5 (slo.histogramBuckets.http_request_duration_seconds)`,
    ]);
  });

  it("the metrics the defaults read are the ones the dashboards know", () => {
    expect(KNOWN_METRICS.http_requests_total).toBe("components/alerting/rules.ts RULE_METRICS");
    expect(KNOWN_METRICS.http_request_duration_seconds_bucket).toBe("components/alerting/rules.ts RULE_METRICS");
    expect(KNOWN_METRICS["slo:period_error_budget_remaining:ratio"]).toBe("components/slo/rules.ts SLO_RECORDS");
  });
});

/** 2. Application performance: per-route latency, throughput and errors, the database and the cache. */
import { type DashboardOptions, baseDashboard, promQ, row, sel, timeSeries } from "./common";
import type { dashboardT } from "./sdk";

export const UID = "obs-app-performance";

const rate = (metric: string, extra?: string) => `rate(${sel(metric, extra)}[$__rate_interval])`;

export function appPerformance(opts: DashboardOptions): dashboardT.Dashboard {
  const HTTP_STATUS_LABEL = opts.httpStatusLabel;
  return baseDashboard({
    uid: UID,
    title: "Application performance",
    description: "Per-route latency, throughput and errors; database query duration, connection pools and cache hit rate.",
    tags: ["applications", "apm"],
    kind: "prometheus",
  })
    .withRow(row("HTTP routes"))
    .withPanel(
      timeSeries({
        title: "p95 latency by route",
        description: "95th percentile response time per route and method; exemplars link to the trace.",
        unit: "s",
        targets: [
          promQ(
            `histogram_quantile(0.95, sum by (le, service, route) (${rate("http_request_duration_seconds_bucket")}))`,
            "{{service}} {{route}}",
            { exemplar: true },
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Throughput by route",
        description: "Requests per second per route and method.",
        unit: "reqps",
        targets: [promQ(`sum by (service, route, method) (${rate("http_requests_total")})`, "{{service}} {{method}} {{route}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Errors by route",
        description: "5xx responses per second per route.",
        unit: "reqps",
        targets: [promQ(`sum by (service, route) (${rate("http_requests_total", `${HTTP_STATUS_LABEL}=~"5.."`)})`, "{{service}} {{route}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Error ratio by route",
        description: "Share of each route's requests answered with a 5xx.",
        unit: "percentunit",
        min: 0,
        targets: [
          promQ(
            `sum by (service, route) (${rate("http_requests_total", `${HTTP_STATUS_LABEL}=~"5.."`)}) / sum by (service, route) (${rate("http_requests_total")})`,
            "{{service}} {{route}}",
          ),
        ],
      }),
    )
    .withRow(row("Database and cache"))
    .withPanel(
      timeSeries({
        title: "DB query duration p95",
        description: "95th percentile database query duration per query type and table.",
        unit: "s",
        targets: [
          promQ(`histogram_quantile(0.95, sum by (le, query_type, table) (${rate("db_query_duration_seconds_bucket")}))`, "{{query_type}} {{table}}"),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Connection pool usage",
        description: "Active connections over the pool maximum, per pool (the DatabaseConnectionPoolExhausted alert watches this).",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [
          promQ(
            `sum by (service, pool_name) (${sel("database_connections_active")}) / sum by (service, pool_name) (${sel("database_connections_max")})`,
            "{{service}} {{pool_name}}",
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Connection pool by state",
        description: "Connections of the pool by state (active, idle, waiting).",
        unit: "short",
        stack: true,
        targets: [promQ(`sum by (state) (${sel("db_connection_pool_size")})`, "{{state}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Cache hit rate",
        description: "Share of Redis key lookups that found the key.",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [
          promQ(
            `sum by (service) (${rate("redis_keyspace_hits_total")}) / (sum by (service) (${rate("redis_keyspace_hits_total")}) + sum by (service) (${rate("redis_keyspace_misses_total")}))`,
            "{{service}}",
          ),
        ],
      }),
    )
    .build();
}

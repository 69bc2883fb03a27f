/**
 * Every metric a dashboard may query, with where it comes from. A dashboard test extracts the
 * metric names of every PromQL query and fails on one that is not here, so no panel points at a
 * series that nothing in the stack or the seeds emits.
 *
 * Sources: the alerting rules (their raw metrics and recording rules, imported, never repeated), the
 * applications' metrics as the seed documents define them, and the exporters the stack deploys at
 * the versions pinned in components/versions.ts.
 */
import { RECORDING_RULES, RULE_METRICS } from "../components/alerting/rules";
import { SLO_RECORD_NAMES } from "../components/slo/rules";

/** Application metrics defined in the seed documents (prom-client / prometheus_client code). */
const SEED_METRICS: Record<string, string> = {
  // GamifyX (seed 000)
  http_requests_total: "seeds 000/001/003: counter {method, route, status_code}",
  http_request_duration_seconds_bucket: "seeds 000/001/003: histogram {method, route}",
  gamifyx_active_users: "seed 000: gauge",
  gamifyx_submissions_total: "seed 000: counter {status, difficulty, category}",
  course_completion_rate: "seed 000: gauge {course_id, difficulty}",
  average_assignment_score: "seed 000: gauge {assignment_id, course_id}",
  user_engagement_time_seconds_bucket: "seed 000: histogram {user_type, feature}",
  db_query_duration_seconds_bucket: "seed 000: histogram {query_type, table}",
  db_connection_pool_size: "seed 000: gauge {state}",
  assignment_completion_rate: "seed 000: gauge {assignment_id, difficulty, category}",
  gamification_engagement_total: "seed 000: counter {element_type, action, user_id}",
  feature_usage_total: "seed 000: counter {feature_name, user_type, context}",
  student_dropout_total: "seed 000: counter",
  // JAC learning platform (seed 001)
  learning_path_completions_total: "seed 001: counter",
  code_executions_total: "seed 001: counter {language, status}",
  agent_tasks_total: "seed 001: counter {agent_type, status}",
  // FediFlow (seed 003)
  database_connections_active: "seed 003: gauge {pool_name}",
  database_connections_max: "seed 003 (alert rule): gauge {pool_name}",
  course_enrollments_total: "seed 003: counter {tenant, course_type}",
  user_sessions_total: "seed 003: counter {tenant, user_type}",
  // Standard process metrics of every prom-client / prometheus_client / Go client the stack scrapes.
  process_cpu_seconds_total: "client libraries' default process collector (seed apps and every stack component)",
  process_resident_memory_bytes: "client libraries' default process collector (seed apps and every stack component)",
};

/**
 * The cache of seed 001: it scrapes job "redis"; a Redis exporter is what answers that scrape with
 * these series (Redis itself does not serve /metrics).
 */
const SEED_EXPORTER_METRICS: Record<string, string> = {
  redis_keyspace_hits_total: "Redis exporter behind seed 001's scrape job 'redis'",
  redis_keyspace_misses_total: "Redis exporter behind seed 001's scrape job 'redis'",
};

/** Series of the stack's own components and exporters (pinned in components/versions.ts). */
const STACK_METRICS: Record<string, string> = {
  // Prometheus itself: synthetic per-target series and its own metrics.
  up: "Prometheus: synthetic, per scrape target",
  scrape_duration_seconds: "Prometheus: synthetic, per scrape target",
  scrape_samples_scraped: "Prometheus: synthetic, per scrape target",
  ALERTS: "Prometheus: synthetic, one series per pending/firing alert",
  prometheus_rule_evaluations_total: "Prometheus",
  prometheus_rule_group_last_duration_seconds: "Prometheus",
  prometheus_rule_group_interval_seconds: "Prometheus",
  prometheus_tsdb_head_series: "Prometheus",
  // node-exporter
  node_cpu_seconds_total: "node-exporter",
  node_load1: "node-exporter",
  node_memory_MemAvailable_bytes: "node-exporter",
  node_memory_MemTotal_bytes: "node-exporter",
  node_filesystem_avail_bytes: "node-exporter",
  node_filesystem_size_bytes: "node-exporter",
  node_disk_read_bytes_total: "node-exporter",
  node_disk_written_bytes_total: "node-exporter",
  node_network_receive_bytes_total: "node-exporter",
  node_network_transmit_bytes_total: "node-exporter",
  node_network_receive_errs_total: "node-exporter",
  node_network_transmit_errs_total: "node-exporter",
  // cAdvisor (each node's kubelet, /metrics/cadvisor)
  container_cpu_usage_seconds_total: "cAdvisor",
  container_memory_working_set_bytes: "cAdvisor",
  container_network_receive_bytes_total: "cAdvisor",
  container_network_transmit_bytes_total: "cAdvisor",
  // kube-state-metrics (pods and nodes collectors) beyond those the alert rules read
  kube_pod_container_resource_requests: "kube-state-metrics, pods: requests per container {resource, unit}",
  kube_node_status_allocatable: "kube-state-metrics, nodes: allocatable per node {resource, unit}",
  // Loki
  loki_distributor_lines_received_total: "Loki distributor",
  loki_distributor_bytes_received_total: "Loki distributor",
  // Elasticsearch exporter
  elasticsearch_cluster_health_number_of_nodes: "elasticsearch-exporter",
  elasticsearch_cluster_health_unassigned_shards: "elasticsearch-exporter",
  elasticsearch_cluster_health_active_shards: "elasticsearch-exporter",
  // Jaeger v2 (OpenTelemetry collector telemetry)
  otelcol_exporter_sent_spans_total: "Jaeger v2 collector telemetry",
  // Fluent Bit (/api/v2/metrics/prometheus)
  fluentbit_input_records_total: "Fluent Bit",
  fluentbit_output_proc_records_total: "Fluent Bit",
  fluentbit_output_errors_total: "Fluent Bit",
  fluentbit_output_dropped_records_total: "Fluent Bit",
};

function fromRules(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of RULE_METRICS) out[m] = "components/alerting/rules.ts RULE_METRICS";
  for (const r of Object.values(RECORDING_RULES)) out[r] = "components/alerting/rules.ts RECORDING_RULES";
  for (const r of SLO_RECORD_NAMES) out[r] = "components/slo/rules.ts SLO_RECORDS";
  return out;
}

/** Metric name → where it comes from. */
export const KNOWN_METRICS: Readonly<Record<string, string>> = {
  ...SEED_METRICS,
  ...SEED_EXPORTER_METRICS,
  ...STACK_METRICS,
  ...fromRules(),
};

const PROMQL_KEYWORDS = new Set([
  "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2",
  "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group", "limitk", "limit_ratio",
  "inf", "nan",
]);

/**
 * The metric names a PromQL expression selects. A small scanner, enough for our own queries: it drops
 * strings, label matchers, grouping clauses, ranges, numbers, template variables and function calls,
 * and keeps the identifiers left. (dashboards/lint.ts separately parses every query, with dashboards/query.ts.)
 */
export function metricNames(expr: string): string[] {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // strings
    .replace(/\{[^{}]*\}/g, " ") // label matchers
    .replace(/\[[^\]]*\]/g, " ") // ranges / subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ") // grouping label lists
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, " "); // template variables
  s = s.replace(/\b[A-Za-z_:][A-Za-z0-9_:]*\s*\(/g, "("); // function names
  const names = new Set<string>();
  for (const m of s.matchAll(/\b([A-Za-z_:][A-Za-z0-9_:]*)\b/g)) {
    const id = m[1];
    if (PROMQL_KEYWORDS.has(id.toLowerCase())) continue;
    if (/^\d/.test(id) || /^[0-9.]+(e[0-9]+)?$/i.test(id)) continue;
    names.add(id);
  }
  return [...names];
}

/**
 * Prometheus recording and alerting rules as typed data, and the pure builder that turns a stack's
 * config into rule files ({groups: [...]}, serialised with `yaml` by the Prometheus component and
 * mounted at /etc/prometheus/rules/<file>).
 *
 * Contract with the scrape config (components/prometheus/config.ts): every target carries `namespace`
 * and `service` labels, and the stack's own components are scraped under the JOBS job names. The
 * application metrics are the seeds' (prom-client / prometheus_client conventions):
 *
 * | metric | type | labels the rules use |
 * |---|---|---|
 * | http_requests_total | counter | the HTTP status label (alerting.httpStatusLabel, default status_code) |
 * | http_request_duration_seconds_bucket | histogram | le |
 * | database_connections_active, database_connections_max | gauge | pool_name |
 * | authentication_failures_total | counter | |
 * | payment_transactions_total, course_enrollments_total | counter | status (failed ones match FAILED_STATUS) |
 * | federation_delivery_failures_total, student_dropout_total | counter | |
 * | course_completion_rate | gauge 0–1 | course_id |
 *
 * Rules aggregate `by` a small, bounded set of labels (namespace, service, instance, course_id, ...);
 * per-user or per-URL labels (user_id, student_id, full_url, path) never reach an alert.
 */
import type { StackConfig } from "../config";
import { JOBS } from "../endpoints";
import { KUBERNETES_RULE_METRICS, kubernetesAlerts } from "./kubernetes-rules";

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The `category` label: who looks at the alert. Alertmanager routes `educational` to the education team. */
export const ALERT_CATEGORIES = [
  "availability",
  "application",
  "infrastructure",
  "database",
  "security",
  "business",
  "educational",
  "observability",
  /** Kubernetes itself: pods, workloads, nodes, volumes, kubelets (kubernetes-rules.ts). */
  "platform",
] as const;
export type AlertCategory = (typeof ALERT_CATEGORIES)[number];

/** The only labels a rule may add: everything else comes from the (aggregated) series. */
export interface AlertLabels {
  severity: Severity;
  category: AlertCategory;
}

export interface AlertAnnotations {
  /** One line, for a chat title or an e-mail subject. */
  summary: string;
  /** What is wrong, where, and how bad (may use {{ $labels.x }} and {{ $value }}). */
  description: string;
  /** `${runbookBaseUrl}/<alertname-kebab>`. */
  runbook_url: string;
}

/** An alerting rule as it appears in the rule file. */
export interface AlertRule {
  alert: string;
  expr: string;
  /** Prometheus duration ("5m"); absent = fire on the first bad evaluation. */
  for?: string;
  labels: AlertLabels;
  annotations: AlertAnnotations;
}

export interface RecordingRule {
  record: string;
  expr: string;
  /** Labels set on the recorded series (the SLO rules name their service and SLO this way). */
  labels?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (AlertRule | RecordingRule)[];
}

export interface RuleFile {
  groups: RuleGroup[];
}

/**
 * Recording rules shared by the alerts and the Grafana dashboards. The names are a stable interface:
 * dashboards query them, so renaming one is a breaking change.
 *
 * http series carry (namespace, service); node series carry (instance, node).
 */
export const RECORDING_RULES = {
  /** HTTP requests per second, 5-minute rate. Labels: namespace, service. */
  requestRate: "service:http_requests:rate5m",
  /** HTTP 5xx responses per second, 5-minute rate (0 for a service without any 5xx). Labels: namespace, service. */
  errorRate: "service:http_requests_errors:rate5m",
  /** Share of HTTP 5xx responses (0–1), 5-minute window. Labels: namespace, service. */
  errorRatio: "service:http_requests_errors:ratio_rate5m",
  /** Latency histogram buckets per second, 5-minute rate. Labels: namespace, service, le. */
  latencyBucketRate: "service:http_request_duration_seconds_bucket:rate5m",
  /** Median latency, seconds. Labels: namespace, service. */
  latencyP50: "service:http_request_duration_seconds:p50_rate5m",
  /** 95th percentile latency, seconds. Labels: namespace, service. */
  latencyP95: "service:http_request_duration_seconds:p95_rate5m",
  /** 99th percentile latency, seconds. Labels: namespace, service. */
  latencyP99: "service:http_request_duration_seconds:p99_rate5m",
  /** Busy share of a node's CPUs (0–1), 5-minute rate. Labels: instance, node. */
  nodeCpuUtilisation: "instance:node_cpu_utilisation:rate5m",
  /** Used share of a node's memory (0–1). Labels: instance, node. */
  nodeMemoryUtilisation: "instance:node_memory_utilisation:ratio",
} as const;
export type RecordingRuleName = (typeof RECORDING_RULES)[keyof typeof RECORDING_RULES];

/** Every raw metric the rules read (application, node and the stack's own components). */
export const RULE_METRICS = [
  "up",
  "http_requests_total",
  "http_request_duration_seconds_bucket",
  "node_cpu_seconds_total",
  "node_memory_MemAvailable_bytes",
  "node_memory_MemTotal_bytes",
  "node_filesystem_avail_bytes",
  "node_filesystem_size_bytes",
  "node_filesystem_readonly",
  "database_connections_active",
  "database_connections_max",
  "authentication_failures_total",
  "payment_transactions_total",
  "course_enrollments_total",
  "federation_delivery_failures_total",
  "course_completion_rate",
  "student_dropout_total",
  "prometheus_config_last_reload_successful",
  "prometheus_rule_evaluation_failures_total",
  "prometheus_notifications_alertmanagers_discovered",
  "alertmanager_notifications_failed_total",
  "alertmanager_notifications_total",
  "alertmanager_cluster_members",
  "alertmanager_config_last_reload_successful",
  "loki_request_duration_seconds_count",
  "loki_discarded_samples_total",
  "elasticsearch_cluster_health_status",
  "otelcol_receiver_accepted_spans_total",
  "otelcol_receiver_refused_spans_total",
  "otelcol_exporter_send_failed_spans_total",
  "otelcol_exporter_enqueue_failed_spans_total",
  "fluentbit_output_retries_failed_total",
  ...KUBERNETES_RULE_METRICS,
] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];

/** The `status` values of payment_transactions_total / course_enrollments_total that count as failed. */
export const FAILED_STATUS = "failed|failure|error";

/** Labels an alert identifies its subject by; Alertmanager inhibitions compare them (see alertmanager.ts). */
export const SUBJECT_LABELS = ["namespace", "service", "instance", "mountpoint"] as const;

/** An alert as data: the builder adds runbook_url and turns forMinutes into `for:`. */
export interface AlertDefinition {
  alert: string;
  expr: string;
  forMinutes: number;
  labels: AlertLabels;
  annotations: Omit<AlertAnnotations, "runbook_url">;
}

/** "HighCPUUsage" → "high-cpu-usage"; "DatabaseConnectionPoolExhausted" → "database-connection-pool-exhausted". */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

/** 0.05 → "5%". */
export function percent(r: number): string {
  return `${Number((r * 100).toPrecision(4))}%`;
}

/** A number as PromQL writes it (no float noise: 0.1 stays 0.1). */
function num(n: number): string {
  return String(Number(n.toPrecision(12)));
}

function recordingGroups(cfg: StackConfig): RuleGroup[] {
  const R = RECORDING_RULES;
  const status = cfg.alerting.httpStatusLabel;
  const node = `job="${JOBS.nodeExporter}"`;
  return [
    {
      name: "http.recording",
      rules: [
        { record: R.requestRate, expr: "sum by (namespace, service) (rate(http_requests_total[5m]))" },
        // `or 0 * …`: a service that has never answered 5xx has no 5xx series; it records 0, not nothing,
        // so its error ratio is 0 on the dashboards instead of a gap.
        {
          record: R.errorRate,
          expr: `sum by (namespace, service) (rate(http_requests_total{${status}=~"5.."}[5m])) or 0 * ${R.requestRate}`,
        },
        { record: R.errorRatio, expr: `${R.errorRate} / ${R.requestRate}` },
        { record: R.latencyBucketRate, expr: "sum by (namespace, service, le) (rate(http_request_duration_seconds_bucket[5m]))" },
        { record: R.latencyP50, expr: `histogram_quantile(0.5, ${R.latencyBucketRate})` },
        { record: R.latencyP95, expr: `histogram_quantile(0.95, ${R.latencyBucketRate})` },
        { record: R.latencyP99, expr: `histogram_quantile(0.99, ${R.latencyBucketRate})` },
      ],
    },
    {
      name: "node.recording",
      rules: [
        {
          record: R.nodeCpuUtilisation,
          expr: `1 - avg by (instance, node) (rate(node_cpu_seconds_total{${node}, mode="idle"}[5m]))`,
        },
        {
          record: R.nodeMemoryUtilisation,
          expr: `1 - sum by (instance, node) (node_memory_MemAvailable_bytes{${node}}) / sum by (instance, node) (node_memory_MemTotal_bytes{${node}})`,
        },
      ],
    },
  ];
}

function applicationAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  const R = RECORDING_RULES;
  const failed = `status=~"${FAILED_STATUS}"`;
  const ratioOf = (metric: string) =>
    `sum by (namespace, service) (rate(${metric}{${failed}}[5m])) / sum by (namespace, service) (rate(${metric}[5m]))`;
  return [
    {
      alert: "ServiceDown",
      expr: "up == 0",
      forMinutes: t.serviceDown.forMinutes,
      labels: { severity: "critical", category: "availability" },
      annotations: {
        summary: "Service {{ $labels.service }} is down",
        description: `Target {{ $labels.instance }} of job {{ $labels.job }} (service {{ $labels.service }}, namespace {{ $labels.namespace }}) has not answered a scrape for more than ${t.serviceDown.forMinutes}m.`,
      },
    },
    ...(["critical", "warning"] as const).map(
      (severity): AlertDefinition => ({
        alert: "HighErrorRate",
        expr: `${R.errorRatio} > ${num(t.errorRatio[severity])}`,
        forMinutes: t.errorRatio.forMinutes,
        labels: { severity, category: "application" },
        annotations: {
          summary: "High HTTP error rate on {{ $labels.service }}",
          description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} (namespace {{ $labels.namespace }}) failed with a 5xx over 5m; ${severity} threshold ${percent(t.errorRatio[severity])}.`,
        },
      }),
    ),
    {
      alert: "HighResponseTime",
      expr: `${R.latencyP95} > ${num(t.latencyP95Seconds.warning)}`,
      forMinutes: t.latencyP95Seconds.forMinutes,
      labels: { severity: "warning", category: "application" },
      annotations: {
        summary: "Slow responses from {{ $labels.service }}",
        description: `The 95th percentile response time of {{ $labels.service }} (namespace {{ $labels.namespace }}) is {{ $value | humanizeDuration }}; threshold ${num(t.latencyP95Seconds.warning)}s.`,
      },
    },
    {
      alert: "DatabaseConnectionPoolExhausted",
      expr: `sum by (namespace, service, instance, pool_name) (database_connections_active) / sum by (namespace, service, instance, pool_name) (database_connections_max) > ${num(t.dbPoolUsageRatio.warning)}`,
      forMinutes: t.dbPoolUsageRatio.forMinutes,
      labels: { severity: "warning", category: "database" },
      annotations: {
        summary: "Database connection pool of {{ $labels.service }} nearly exhausted",
        description: `Connection pool {{ $labels.pool_name }} of {{ $labels.service }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full; threshold ${percent(t.dbPoolUsageRatio.warning)}.`,
      },
    },
    {
      alert: "AuthenticationFailures",
      expr: `sum by (namespace, service) (rate(authentication_failures_total[5m])) > ${num(t.authFailuresPerSecond.warning)}`,
      forMinutes: t.authFailuresPerSecond.forMinutes,
      labels: { severity: "warning", category: "security" },
      annotations: {
        summary: "Many failed logins on {{ $labels.service }}",
        description: `{{ $labels.service }} (namespace {{ $labels.namespace }}) rejects {{ $value | humanize }} logins per second; threshold ${num(t.authFailuresPerSecond.warning)}/s. Possible credential stuffing or a broken identity provider.`,
      },
    },
    {
      alert: "PaymentProcessingFailures",
      expr: `${ratioOf("payment_transactions_total")} > ${num(t.paymentFailureRatio.critical)}`,
      forMinutes: t.paymentFailureRatio.forMinutes,
      labels: { severity: "critical", category: "business" },
      annotations: {
        summary: "Payments failing on {{ $labels.service }}",
        description: `{{ $value | humanizePercentage }} of the payment transactions of {{ $labels.service }} (namespace {{ $labels.namespace }}) failed over 5m; threshold ${percent(t.paymentFailureRatio.critical)}.`,
      },
    },
    {
      alert: "EnrollmentFailures",
      expr: `${ratioOf("course_enrollments_total")} > ${num(t.enrollmentFailureRatio.warning)}`,
      forMinutes: t.enrollmentFailureRatio.forMinutes,
      labels: { severity: "warning", category: "business" },
      annotations: {
        summary: "Course enrollments failing on {{ $labels.service }}",
        description: `{{ $value | humanizePercentage }} of the course enrollments of {{ $labels.service }} (namespace {{ $labels.namespace }}) failed over 5m; threshold ${percent(t.enrollmentFailureRatio.warning)}.`,
      },
    },
    {
      alert: "FederationDeliveryFailure",
      expr: `sum by (namespace, service) (rate(federation_delivery_failures_total[10m])) > ${num(t.federationFailuresPerSecond.warning)}`,
      forMinutes: t.federationFailuresPerSecond.forMinutes,
      labels: { severity: "warning", category: "business" },
      annotations: {
        summary: "Federation deliveries failing on {{ $labels.service }}",
        description: `{{ $labels.service }} (namespace {{ $labels.namespace }}) fails {{ $value | humanize }} federation deliveries per second; threshold ${num(t.federationFailuresPerSecond.warning)}/s.`,
      },
    },
  ];
}

function infrastructureAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  const R = RECORDING_RULES;
  const fs = `job="${JOBS.nodeExporter}", fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"`;
  return [
    {
      alert: "HighCPUUsage",
      expr: `${R.nodeCpuUtilisation} > ${num(t.cpuUsageRatio.warning)}`,
      forMinutes: t.cpuUsageRatio.forMinutes,
      labels: { severity: "warning", category: "infrastructure" },
      annotations: {
        summary: "High CPU usage on {{ $labels.node }}",
        description: `CPU of node {{ $labels.node }} ({{ $labels.instance }}) is {{ $value | humanizePercentage }} busy; threshold ${percent(t.cpuUsageRatio.warning)}.`,
      },
    },
    ...(["critical", "warning"] as const).map(
      (severity): AlertDefinition => ({
        alert: "HighMemoryUsage",
        expr: `${R.nodeMemoryUtilisation} > ${num(t.memoryUsageRatio[severity])}`,
        forMinutes: t.memoryUsageRatio.forMinutes,
        labels: { severity, category: "infrastructure" },
        annotations: {
          summary: "High memory usage on {{ $labels.node }}",
          description: `Memory of node {{ $labels.node }} ({{ $labels.instance }}) is {{ $value | humanizePercentage }} used; ${severity} threshold ${percent(t.memoryUsageRatio[severity])}.`,
        },
      }),
    ),
    ...(["critical", "warning"] as const).map(
      (severity): AlertDefinition => ({
        alert: "DiskSpaceRunningLow",
        expr: `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < ${num(t.diskFreeRatio[severity])} and on (instance, device, mountpoint) node_filesystem_readonly{${fs}} == 0`,
        forMinutes: t.diskFreeRatio.forMinutes,
        labels: { severity, category: "infrastructure" },
        annotations: {
          summary: "Disk space running low on {{ $labels.node }} {{ $labels.mountpoint }}",
          description: `Only {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} ({{ $labels.device }}) on node {{ $labels.node }} is free; ${severity} threshold ${percent(t.diskFreeRatio[severity])}.`,
        },
      }),
    ),
  ];
}

function educationalAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  return [
    {
      alert: "LowCompletionRate",
      // course_id is a bounded catalogue (the seeds alert per course); nothing per student.
      expr: `min by (namespace, service, course_id) (course_completion_rate) < ${num(t.courseCompletionRatio.warning)}`,
      forMinutes: t.courseCompletionRatio.forMinutes,
      labels: { severity: "warning", category: "educational" },
      annotations: {
        summary: "Low completion rate of course {{ $labels.course_id }}",
        description: `Course {{ $labels.course_id }} has a completion rate of {{ $value | humanizePercentage }}; threshold ${percent(t.courseCompletionRatio.warning)}.`,
      },
    },
    {
      alert: "HighStudentDropout",
      expr: `sum by (namespace, service) (increase(student_dropout_total[1h])) > ${num(t.studentDropoutsPerHour.critical)}`,
      forMinutes: t.studentDropoutsPerHour.forMinutes,
      labels: { severity: "critical", category: "educational" },
      annotations: {
        summary: "High student dropout on {{ $labels.service }}",
        description: `{{ $value | humanize }} students dropped out in the last hour on {{ $labels.service }}; threshold ${num(t.studentDropoutsPerHour.critical)} per hour.`,
      },
    },
  ];
}

/** The stack watching itself: the telemetry pipeline and each of its components. */
function stackHealthAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  const job = (j: string) => `job="${j}"`;
  const obs = "observability" as const;
  return [
    {
      alert: "Watchdog",
      expr: "vector(1)",
      forMinutes: 0,
      labels: { severity: "info", category: obs },
      annotations: {
        summary: "Alerting pipeline heartbeat",
        description:
          "Always firing, so that the whole path Prometheus → Alertmanager → receiver is proven to work. The dead man's switch alerts when this stops arriving.",
      },
    },
    {
      alert: "PrometheusConfigReloadFailed",
      expr: `max_over_time(prometheus_config_last_reload_successful{${job(JOBS.prometheus)}}[5m]) == 0`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Prometheus failed to reload its configuration",
        description:
          "Prometheus {{ $labels.instance }} could not load its latest configuration or rule files and keeps running the previous ones; new scrape targets and rules are not active.",
      },
    },
    {
      alert: "PrometheusRuleEvaluationFailures",
      expr: `sum by (namespace, instance, rule_group) (increase(prometheus_rule_evaluation_failures_total{${job(JOBS.prometheus)}}[5m])) > 0`,
      forMinutes: 15,
      labels: { severity: "critical", category: obs },
      annotations: {
        summary: "Prometheus fails to evaluate rules",
        description:
          "Prometheus {{ $labels.instance }} failed {{ $value | humanize }} rule evaluations of group {{ $labels.rule_group }} in 5m: alerts of that group may not fire.",
      },
    },
    {
      alert: "PrometheusNotConnectedToAlertmanagers",
      expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{${job(JOBS.prometheus)}}[5m]) < 1`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Prometheus sends alerts to no Alertmanager",
        description: "Prometheus {{ $labels.instance }} has discovered no Alertmanager: no alert leaves it.",
      },
    },
    {
      alert: "AlertmanagerFailedToSendAlerts",
      expr: `sum by (namespace, instance, integration) (rate(alertmanager_notifications_failed_total{${job(JOBS.alertmanager)}}[5m])) / sum by (namespace, instance, integration) (rate(alertmanager_notifications_total{${job(JOBS.alertmanager)}}[5m])) > ${num(t.notificationFailureRatio.warning)}`,
      forMinutes: t.notificationFailureRatio.forMinutes,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Alertmanager fails to send {{ $labels.integration }} notifications",
        description: `Alertmanager {{ $labels.instance }} failed {{ $value | humanizePercentage }} of its {{ $labels.integration }} notifications over 5m; threshold ${percent(t.notificationFailureRatio.warning)}.`,
      },
    },
    {
      alert: "AlertmanagerClusterDegraded",
      // Each replica reports the members it sees; fewer than configured = a partition or a lost peer.
      expr: `max_over_time(alertmanager_cluster_members{${job(JOBS.alertmanager)}}[5m]) < ${cfg.alertmanager.replicas}`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Alertmanager cluster degraded",
        description: `Alertmanager {{ $labels.instance }} sees {{ $value }} cluster members of ${cfg.alertmanager.replicas}: notifications may be duplicated or silences not shared.`,
      },
    },
    {
      alert: "AlertmanagerConfigReloadFailed",
      expr: `max_over_time(alertmanager_config_last_reload_successful{${job(JOBS.alertmanager)}}[5m]) == 0`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Alertmanager failed to reload its configuration",
        description: "Alertmanager {{ $labels.instance }} could not load its latest configuration and keeps routing with the previous one.",
      },
    },
    {
      alert: "LokiRequestErrors",
      expr: `sum by (namespace, route) (rate(loki_request_duration_seconds_count{${job(JOBS.loki)}, status_code=~"5.."}[5m])) / sum by (namespace, route) (rate(loki_request_duration_seconds_count{${job(JOBS.loki)}}[5m])) > ${num(t.lokiErrorRatio.critical)}`,
      forMinutes: t.lokiErrorRatio.forMinutes,
      labels: { severity: "critical", category: obs },
      annotations: {
        summary: "Loki answers {{ $labels.route }} with errors",
        description: `{{ $value | humanizePercentage }} of Loki's {{ $labels.route }} requests failed with a 5xx over 5m; threshold ${percent(t.lokiErrorRatio.critical)}.`,
      },
    },
    {
      alert: "LogIngestionIssues",
      expr: `sum by (namespace, reason) (rate(loki_discarded_samples_total{${job(JOBS.loki)}}[5m])) > ${num(t.logDiscardedLinesPerSecond.warning)}`,
      forMinutes: t.logDiscardedLinesPerSecond.forMinutes,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Loki discards log lines ({{ $labels.reason }})",
        description: `Loki discards {{ $value | humanize }} log lines per second for reason {{ $labels.reason }}; threshold ${num(t.logDiscardedLinesPerSecond.warning)}/s. Those logs are lost.`,
      },
    },
    {
      alert: "FluentBitOutputRetriesFailed",
      expr: `sum by (namespace, instance, name) (increase(fluentbit_output_retries_failed_total{${job(JOBS.fluentBit)}}[5m])) > 0`,
      forMinutes: 5,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Fluent Bit drops records after exhausting retries",
        description: "Fluent Bit {{ $labels.instance }} gave up on {{ $value | humanize }} chunks to output {{ $labels.name }} in 5m; those logs are lost.",
      },
    },
    {
      alert: "ElasticsearchClusterRed",
      expr: `max by (namespace) (elasticsearch_cluster_health_status{${job(JOBS.elasticsearch)}, color="red"}) == 1`,
      forMinutes: 5,
      labels: { severity: "critical", category: obs },
      annotations: {
        summary: "Elasticsearch cluster is red",
        description: "The Elasticsearch cluster in namespace {{ $labels.namespace }} has unassigned primary shards: some log indices cannot be written or searched.",
      },
    },
    {
      alert: "ElasticsearchClusterYellow",
      expr: `max by (namespace) (elasticsearch_cluster_health_status{${job(JOBS.elasticsearch)}, color="yellow"}) == 1`,
      forMinutes: 20,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Elasticsearch cluster is yellow",
        description: "The Elasticsearch cluster in namespace {{ $labels.namespace }} has unassigned replica shards: one more node loss can lose data.",
      },
    },
    {
      alert: "TraceCollectionErrors",
      expr: `sum by (namespace, receiver) (rate(otelcol_receiver_refused_spans_total{${job(JOBS.jaeger)}}[5m])) / (sum by (namespace, receiver) (rate(otelcol_receiver_accepted_spans_total{${job(JOBS.jaeger)}}[5m])) + sum by (namespace, receiver) (rate(otelcol_receiver_refused_spans_total{${job(JOBS.jaeger)}}[5m]))) > ${num(t.traceRefusedRatio.warning)}`,
      forMinutes: t.traceRefusedRatio.forMinutes,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Jaeger refuses spans on receiver {{ $labels.receiver }}",
        description: `Jaeger refuses {{ $value | humanizePercentage }} of the spans sent to its {{ $labels.receiver }} receiver; threshold ${percent(t.traceRefusedRatio.warning)}. Applications lose those traces.`,
      },
    },
    {
      alert: "JaegerSpansDropped",
      expr: `sum by (namespace, instance, exporter) (rate(otelcol_exporter_send_failed_spans_total{${job(JOBS.jaeger)}}[5m])) > 0 or sum by (namespace, instance, exporter) (rate(otelcol_exporter_enqueue_failed_spans_total{${job(JOBS.jaeger)}}[5m])) > 0`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Jaeger fails to store spans",
        description: "Jaeger {{ $labels.instance }} fails to hand {{ $value | humanize }} spans per second to its {{ $labels.exporter }} storage exporter; traces are being lost.",
      },
    },
  ];
}

/** Turn a definition into the rule-file form: `for:` and runbook_url. */
export function toAlertRule(def: AlertDefinition, runbookBaseUrl: string): AlertRule {
  return {
    alert: def.alert,
    expr: def.expr,
    ...(def.forMinutes > 0 ? { for: `${def.forMinutes}m` } : {}),
    labels: { ...def.labels },
    annotations: { ...def.annotations, runbook_url: `${runbookBaseUrl.replace(/\/+$/, "")}/${kebabCase(def.alert)}` },
  };
}

/** Every alert definition of a stack, grouped the way the rule files are. */
export function alertDefinitions(cfg: StackConfig): Record<string, AlertDefinition[]> {
  return {
    application: applicationAlerts(cfg),
    infrastructure: infrastructureAlerts(cfg),
    educational: educationalAlerts(cfg),
    "stack-health": stackHealthAlerts(cfg),
    kubernetes: kubernetesAlerts(cfg),
  };
}

/** Rule files: file name → {groups}. Recording rules come first; Prometheus evaluates groups in parallel but rules within a group in order. */
export function buildRuleFiles(cfg: StackConfig): Record<string, RuleFile> {
  const files: Record<string, RuleFile> = { "recording.rules.yaml": { groups: recordingGroups(cfg) } };
  for (const [name, defs] of Object.entries(alertDefinitions(cfg))) {
    files[`${name}.rules.yaml`] = { groups: [{ name: `${name}.alerts`, rules: defs.map((d) => toAlertRule(d, cfg.runbookBaseUrl)) }] };
  }
  return files;
}

/**
 * promtool unit-test cases for every alert: a bad series that fires with exactly these labels and
 * annotations, a healthy one that stays silent, and (from the rule's own `for:`) a check that the
 * alert is only pending one minute before it may fire.
 *
 * The expectations are written out by hand — labels, summary, description, runbook path — not derived
 * from the builder; only the thresholds come from the config, because dev and prod differ.
 *
 * Counters start at 0 and rise by a fixed amount per minute (`0+Nx60`), scraped every minute.
 * A rate over [5m] is exact once five minutes of samples exist; before that Prometheus does not
 * extrapolate below zero, so at minute 1 rate(x[5m]) = N/300 per second. The bad values are chosen so
 * that the condition already holds at minute 1 (`activeFromMinutes`).
 */
import type { StackConfig } from "../../components/config";
import { JOBS } from "../../components/endpoints";

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpectedAlert {
  labels: Record<string, string>;
  summary: string;
  description: string;
}

export interface Scenario {
  name: string;
  series: InputSeries[];
  /** Alerts firing at activeFromMinutes + for; [] = the alert stays silent. */
  firing: ExpectedAlert[];
}

export interface AlertCase {
  alert: string;
  /** Last path segment of runbook_url. */
  runbook: string;
  /** Minute at which the condition first holds in the firing scenarios (0 for gauges, 1 for rates). */
  activeFromMinutes: number;
  scenarios: Scenario[];
}

/** 0.075 → "7.5%" as the humanizePercentage template function prints it (%.4g). */
export function pct(r: number): string {
  return `${Number((r * 100).toPrecision(4))}%`;
}

/** A series selector string from labels. */
export function series(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ")}}`;
}

const S = (name: string, labels: Record<string, string>, values: string): InputSeries => ({ series: series(name, labels), values });

/** A pod of an application service, as the kubernetes-pods job labels it. */
const APP = { job: JOBS.kubernetesPods, namespace: "shop", service: "checkout", instance: "10.0.0.7:8080", pod: "checkout-7d9f" };
const APP_ID = { namespace: "shop", service: "checkout" };
/** A node exporter target. */
const NODE = { job: JOBS.nodeExporter, namespace: "observability", service: "node-exporter", instance: "10.0.1.5:9100", pod: "node-exporter-x2k4", node: "node-a" };
const NODE_ID = { instance: "10.0.1.5:9100", node: "node-a" };
/** A target of one of the stack's own components. */
const own = (job: string, instance: string) => ({ job, namespace: "observability", service: job, instance, pod: instance.split(":")[0] });

const HTTP_BUCKETS = ["0.1", "0.5", "1", "2", "5", "+Inf"];

export function alertCases(cfg: StackConfig): AlertCase[] {
  const t = cfg.alerting.thresholds;
  const status = cfg.alerting.httpStatusLabel;
  const requests = (okPerMin: number, errPerMin: number): InputSeries[] => [
    S("http_requests_total", { ...APP, method: "GET", route: "/api/orders", [status]: "200" }, `0+${okPerMin}x60`),
    S("http_requests_total", { ...APP, method: "POST", route: "/api/orders", [status]: "503" }, `0+${errPerMin}x60`),
  ];
  /** Histogram with every observation in the buckets from `from` upwards. */
  const latency = (from: string): InputSeries[] =>
    HTTP_BUCKETS.map((le) =>
      S("http_request_duration_seconds_bucket", { ...APP, method: "GET", route: "/api/orders", le }, HTTP_BUCKETS.indexOf(le) >= HTTP_BUCKETS.indexOf(from) ? "0+10x60" : "0x60"),
    );
  const errMid = (t.errorRatio.warning + t.errorRatio.critical) / 2;
  const memory = (availablePerThousand: number): InputSeries[] => [
    S("node_memory_MemTotal_bytes", NODE, "1000000000x60"),
    S("node_memory_MemAvailable_bytes", NODE, `${availablePerThousand * 1000000}x60`),
  ];
  const ROOT = { ...NODE, device: "/dev/nvme0n1p1", fstype: "ext4", mountpoint: "/" };
  const disk = (freePercent: number, extra: Partial<typeof ROOT> = {}, readonly = 0): InputSeries[] => [
    S("node_filesystem_size_bytes", { ...ROOT, ...extra }, "100000000000x60"),
    S("node_filesystem_avail_bytes", { ...ROOT, ...extra }, `${freePercent * 1000000000}x60`),
    S("node_filesystem_readonly", { ...ROOT, ...extra }, `${readonly}x60`),
  ];
  const outcome = (metric: string, ok: number, failed: number, failedStatus: string): InputSeries[] => [
    S(metric, { ...APP, status: "success" }, `0+${ok}x60`),
    S(metric, { ...APP, status: failedStatus }, `0+${failed}x60`),
  ];
  const prom = own(JOBS.prometheus, "10.0.2.1:9090");
  const am = own(JOBS.alertmanager, "10.0.2.2:9093");
  const loki = own(JOBS.loki, "10.0.2.3:3100");
  const jaeger = { ...own(JOBS.jaeger, "10.0.2.4:8888"), service_name: "jaeger", service_version: "2.13.0" };
  const es = { ...own(JOBS.elasticsearch, "10.0.2.5:9114"), cluster: "observability" };
  const fluentBit = own(JOBS.fluentBit, "10.0.2.6:2020");
  const esHealth = (color: "green" | "yellow" | "red"): InputSeries[] =>
    (["green", "yellow", "red"] as const).map((c) => S("elasticsearch_cluster_health_status", { ...es, color: c }, c === color ? "1x60" : "0x60"));
  const spans = (accepted: number, refused: number): InputSeries[] => [
    S("otelcol_receiver_accepted_spans_total", { ...jaeger, receiver: "otlp", transport: "grpc" }, `0+${accepted}x60`),
    S("otelcol_receiver_refused_spans_total", { ...jaeger, receiver: "otlp", transport: "grpc" }, `0+${refused}x60`),
  ];
  const exporter = { ...jaeger, exporter: "jaeger_storage_exporter" };
  const lokiRequests = (ok: number, failed: number): InputSeries[] => [
    S("loki_request_duration_seconds_count", { ...loki, route: "loki_api_v1_push", method: "POST", status_code: "204", ws: "false" }, `0+${ok}x60`),
    S("loki_request_duration_seconds_count", { ...loki, route: "loki_api_v1_push", method: "POST", status_code: "500", ws: "false" }, `0+${failed}x60`),
  ];
  const notifications = (total: number, failed: number): InputSeries[] => [
    S("alertmanager_notifications_total", { ...am, integration: "slack" }, `0+${total}x60`),
    S("alertmanager_notifications_failed_total", { ...am, integration: "slack", reason: "serverError" }, `0+${failed}x60`),
    S("alertmanager_notifications_failed_total", { ...am, integration: "slack", reason: "clientError" }, "0x60"),
  ];
  const amReplicas = cfg.alertmanager.replicas;

  return [
    {
      alert: "ServiceDown",
      runbook: "service-down",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "target not answering",
          series: [S("up", APP, "0x60")],
          firing: [
            {
              labels: { ...APP, severity: "critical", category: "availability" },
              summary: "Service checkout is down",
              description: `Target 10.0.0.7:8080 of job kubernetes-pods (service checkout, namespace shop) has not answered a scrape for more than ${t.serviceDown.forMinutes}m.`,
            },
          ],
        },
        { name: "target up", series: [S("up", APP, "1x60")], firing: [] },
      ],
    },
    {
      alert: "HighErrorRate",
      runbook: "high-error-rate",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "half the requests fail: both tiers",
          series: requests(50, 50),
          firing: (["critical", "warning"] as const).map((severity) => ({
            labels: { ...APP_ID, severity, category: "application" },
            summary: "High HTTP error rate on checkout",
            description: `50% of the requests to checkout (namespace shop) failed with a 5xx over 5m; ${severity} threshold ${pct(t.errorRatio[severity])}.`,
          })),
        },
        {
          name: "between the tiers: warning only",
          series: requests(100 - errMid * 100, errMid * 100),
          firing: [
            {
              labels: { ...APP_ID, severity: "warning", category: "application" },
              summary: "High HTTP error rate on checkout",
              description: `${pct(errMid)} of the requests to checkout (namespace shop) failed with a 5xx over 5m; warning threshold ${pct(t.errorRatio.warning)}.`,
            },
          ],
        },
        { name: "1% errors", series: requests(99, 1), firing: [] },
      ],
    },
    {
      alert: "HighResponseTime",
      runbook: "high-response-time",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "every request between 2 and 5 s",
          series: latency("5"),
          firing: [
            {
              labels: { ...APP_ID, severity: "warning", category: "application" },
              summary: "Slow responses from checkout",
              description: `The 95th percentile response time of checkout (namespace shop) is 4.85s; threshold ${t.latencyP95Seconds.warning}s.`,
            },
          ],
        },
        { name: "every request under 0.5 s", series: latency("0.5"), firing: [] },
      ],
    },
    {
      alert: "HighCPUUsage",
      runbook: "high-cpu-usage",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "both CPUs 90% busy",
          series: ["0", "1"].flatMap((cpu) => [
            S("node_cpu_seconds_total", { ...NODE, cpu, mode: "idle" }, "0+6x60"),
            S("node_cpu_seconds_total", { ...NODE, cpu, mode: "user" }, "0+54x60"),
          ]),
          firing: [
            {
              labels: { ...NODE_ID, severity: "warning", category: "infrastructure" },
              summary: "High CPU usage on node-a",
              description: `CPU of node node-a (10.0.1.5:9100) is 90% busy; threshold ${pct(t.cpuUsageRatio.warning)}.`,
            },
          ],
        },
        {
          name: "CPUs 10% busy",
          series: ["0", "1"].map((cpu) => S("node_cpu_seconds_total", { ...NODE, cpu, mode: "idle" }, "0+54x60")),
          firing: [],
        },
      ],
    },
    {
      alert: "HighMemoryUsage",
      runbook: "high-memory-usage",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "95% used: both tiers",
          series: memory(50),
          firing: (["critical", "warning"] as const).map((severity) => ({
            labels: { ...NODE_ID, severity, category: "infrastructure" },
            summary: "High memory usage on node-a",
            description: `Memory of node node-a (10.0.1.5:9100) is 95% used; ${severity} threshold ${pct(t.memoryUsageRatio[severity])}.`,
          })),
        },
        {
          name: "85% used: warning only",
          series: memory(150),
          firing: [
            {
              labels: { ...NODE_ID, severity: "warning", category: "infrastructure" },
              summary: "High memory usage on node-a",
              description: `Memory of node node-a (10.0.1.5:9100) is 85% used; warning threshold ${pct(t.memoryUsageRatio.warning)}.`,
            },
          ],
        },
        { name: "50% used", series: memory(500), firing: [] },
      ],
    },
    {
      alert: "DiskSpaceRunningLow",
      runbook: "disk-space-running-low",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "5% free: both tiers",
          series: disk(5),
          firing: (["critical", "warning"] as const).map((severity) => ({
            labels: { ...ROOT, severity, category: "infrastructure" },
            summary: "Disk space running low on node-a /",
            description: `Only 5% of / (/dev/nvme0n1p1) on node node-a is free; ${severity} threshold ${pct(t.diskFreeRatio[severity])}.`,
          })),
        },
        {
          name: "12% free: warning only",
          series: disk(12),
          firing: [
            {
              labels: { ...ROOT, severity: "warning", category: "infrastructure" },
              summary: "Disk space running low on node-a /",
              description: `Only 12% of / (/dev/nvme0n1p1) on node node-a is free; warning threshold ${pct(t.diskFreeRatio.warning)}.`,
            },
          ],
        },
        { name: "50% free", series: disk(50), firing: [] },
        { name: "a full read-only filesystem", series: disk(1, { mountpoint: "/boot", device: "/dev/nvme0n1p2" }, 1), firing: [] },
        { name: "a full tmpfs", series: disk(1, { mountpoint: "/run", device: "tmpfs", fstype: "tmpfs" }), firing: [] },
      ],
    },
    {
      alert: "DatabaseConnectionPoolExhausted",
      runbook: "database-connection-pool-exhausted",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "95 of 100 connections in use",
          series: [
            S("database_connections_active", { ...APP, pool_name: "orders" }, "95x60"),
            S("database_connections_max", { ...APP, pool_name: "orders" }, "100x60"),
          ],
          firing: [
            {
              labels: { ...APP_ID, instance: APP.instance, pool_name: "orders", severity: "warning", category: "database" },
              summary: "Database connection pool of checkout nearly exhausted",
              description: `Connection pool orders of checkout on 10.0.0.7:8080 is 95% full; threshold ${pct(t.dbPoolUsageRatio.warning)}.`,
            },
          ],
        },
        {
          name: "half the pool in use",
          series: [
            S("database_connections_active", { ...APP, pool_name: "orders" }, "50x60"),
            S("database_connections_max", { ...APP, pool_name: "orders" }, "100x60"),
          ],
          firing: [],
        },
      ],
    },
    {
      alert: "AuthenticationFailures",
      runbook: "authentication-failures",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "10 failed logins per second",
          series: [S("authentication_failures_total", { ...APP, reason: "bad_password" }, "0+600x60")],
          firing: [
            {
              labels: { ...APP_ID, severity: "warning", category: "security" },
              summary: "Many failed logins on checkout",
              description: `checkout (namespace shop) rejects 10 logins per second; threshold ${t.authFailuresPerSecond.warning}/s. Possible credential stuffing or a broken identity provider.`,
            },
          ],
        },
        { name: "one failed login a minute", series: [S("authentication_failures_total", { ...APP, reason: "bad_password" }, "0+1x60")], firing: [] },
      ],
    },
    {
      alert: "PaymentProcessingFailures",
      runbook: "payment-processing-failures",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "10% of payments fail",
          series: outcome("payment_transactions_total", 90, 10, "failed"),
          firing: [
            {
              labels: { ...APP_ID, severity: "critical", category: "business" },
              summary: "Payments failing on checkout",
              description: `10% of the payment transactions of checkout (namespace shop) failed over 5m; threshold ${pct(t.paymentFailureRatio.critical)}.`,
            },
          ],
        },
        { name: "1% of payments fail", series: outcome("payment_transactions_total", 99, 1, "failed"), firing: [] },
      ],
    },
    {
      alert: "EnrollmentFailures",
      runbook: "enrollment-failures",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "30% of enrollments fail",
          series: outcome("course_enrollments_total", 70, 30, "failure"),
          firing: [
            {
              labels: { ...APP_ID, severity: "warning", category: "business" },
              summary: "Course enrollments failing on checkout",
              description: `30% of the course enrollments of checkout (namespace shop) failed over 5m; threshold ${pct(t.enrollmentFailureRatio.warning)}.`,
            },
          ],
        },
        { name: "2% of enrollments fail", series: outcome("course_enrollments_total", 98, 2, "failure"), firing: [] },
      ],
    },
    {
      alert: "FederationDeliveryFailure",
      runbook: "federation-delivery-failure",
      activeFromMinutes: 1,
      scenarios: [
        {
          // [10m] window: at minute 6 it holds six minutes of samples and nothing is extrapolated below zero.
          name: "12000 failed deliveries a minute",
          series: [S("federation_delivery_failures_total", APP, "0+12000x60")],
          firing: [
            {
              labels: { ...APP_ID, severity: "warning", category: "business" },
              summary: "Federation deliveries failing on checkout",
              description: `checkout (namespace shop) fails ${(12000 * (1 + t.federationFailuresPerSecond.forMinutes)) / 600} federation deliveries per second; threshold ${t.federationFailuresPerSecond.warning}/s.`,
            },
          ],
        },
        { name: "one failure a second", series: [S("federation_delivery_failures_total", APP, "0+60x60")], firing: [] },
      ],
    },
    {
      alert: "LowCompletionRate",
      runbook: "low-completion-rate",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "40% completion",
          series: [
            S("course_completion_rate", { ...APP, course_id: "python-101", difficulty: "beginner" }, "0.4x60"),
            S("course_completion_rate", { ...APP, course_id: "rust-201", difficulty: "advanced" }, "0.9x60"),
          ],
          firing: [
            {
              labels: { ...APP_ID, course_id: "python-101", severity: "warning", category: "educational" },
              summary: "Low completion rate of course python-101",
              description: `Course python-101 has a completion rate of 40%; threshold ${pct(t.courseCompletionRatio.warning)}.`,
            },
          ],
        },
        { name: "80% completion", series: [S("course_completion_rate", { ...APP, course_id: "python-101", difficulty: "beginner" }, "0.8x60")], firing: [] },
      ],
    },
    {
      alert: "HighStudentDropout",
      runbook: "high-student-dropout",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "20 dropouts a minute",
          series: [S("student_dropout_total", APP, "0+20x60")],
          firing: [
            {
              labels: { ...APP_ID, severity: "critical", category: "educational" },
              summary: "High student dropout on checkout",
              description: `${20 * (1 + t.studentDropoutsPerHour.forMinutes)} students dropped out in the last hour on checkout; threshold ${t.studentDropoutsPerHour.critical} per hour.`,
            },
          ],
        },
        { name: "one dropout in ten minutes", series: [S("student_dropout_total", APP, "0+0.1x60")], firing: [] },
      ],
    },
    {
      alert: "TraceCollectionErrors",
      runbook: "trace-collection-errors",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "10% of spans refused",
          series: spans(900, 100),
          firing: [
            {
              labels: { namespace: "observability", receiver: "otlp", severity: "warning", category: "observability" },
              summary: "Jaeger refuses spans on receiver otlp",
              description: `Jaeger refuses 10% of the spans sent to its otlp receiver; threshold ${pct(t.traceRefusedRatio.warning)}. Applications lose those traces.`,
            },
          ],
        },
        { name: "0.1% of spans refused", series: spans(999, 1), firing: [] },
      ],
    },
    {
      alert: "LogIngestionIssues",
      runbook: "log-ingestion-issues",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "10 lines per second discarded",
          series: [S("loki_discarded_samples_total", { ...loki, reason: "rate_limited", tenant: "fake" }, "0+600x60")],
          firing: [
            {
              labels: { namespace: "observability", reason: "rate_limited", severity: "warning", category: "observability" },
              summary: "Loki discards log lines (rate_limited)",
              description: `Loki discards 10 log lines per second for reason rate_limited; threshold ${t.logDiscardedLinesPerSecond.warning}/s. Those logs are lost.`,
            },
          ],
        },
        { name: "a line a minute", series: [S("loki_discarded_samples_total", { ...loki, reason: "rate_limited", tenant: "fake" }, "0+1x60")], firing: [] },
      ],
    },
    {
      alert: "Watchdog",
      runbook: "watchdog",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "always",
          series: [],
          firing: [
            {
              labels: { severity: "info", category: "observability" },
              summary: "Alerting pipeline heartbeat",
              description:
                "Always firing, so that the whole path Prometheus → Alertmanager → receiver is proven to work. The dead man's switch alerts when this stops arriving.",
            },
          ],
        },
      ],
    },
    {
      alert: "PrometheusConfigReloadFailed",
      runbook: "prometheus-config-reload-failed",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "last reload failed",
          series: [S("prometheus_config_last_reload_successful", prom, "0x60")],
          firing: [
            {
              labels: { ...prom, severity: "warning", category: "observability" },
              summary: "Prometheus failed to reload its configuration",
              description:
                "Prometheus 10.0.2.1:9090 could not load its latest configuration or rule files and keeps running the previous ones; new scrape targets and rules are not active.",
            },
          ],
        },
        { name: "last reload succeeded", series: [S("prometheus_config_last_reload_successful", prom, "1x60")], firing: [] },
      ],
    },
    {
      alert: "PrometheusRuleEvaluationFailures",
      runbook: "prometheus-rule-evaluation-failures",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "one failure a minute",
          series: [S("prometheus_rule_evaluation_failures_total", { ...prom, rule_group: "/etc/prometheus/rules/application.rules.yaml;application.alerts" }, "0+1x60")],
          firing: [
            {
              labels: { namespace: "observability", instance: prom.instance, rule_group: "/etc/prometheus/rules/application.rules.yaml;application.alerts", severity: "critical", category: "observability" },
              summary: "Prometheus fails to evaluate rules",
              description:
                "Prometheus 10.0.2.1:9090 failed 5 rule evaluations of group /etc/prometheus/rules/application.rules.yaml;application.alerts in 5m: alerts of that group may not fire.",
            },
          ],
        },
        { name: "no failures", series: [S("prometheus_rule_evaluation_failures_total", { ...prom, rule_group: "x;y" }, "0x60")], firing: [] },
      ],
    },
    {
      alert: "PrometheusNotConnectedToAlertmanagers",
      runbook: "prometheus-not-connected-to-alertmanagers",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "no Alertmanager discovered",
          series: [S("prometheus_notifications_alertmanagers_discovered", prom, "0x60")],
          firing: [
            {
              labels: { ...prom, severity: "warning", category: "observability" },
              summary: "Prometheus sends alerts to no Alertmanager",
              description: "Prometheus 10.0.2.1:9090 has discovered no Alertmanager: no alert leaves it.",
            },
          ],
        },
        { name: "three discovered", series: [S("prometheus_notifications_alertmanagers_discovered", prom, "3x60")], firing: [] },
      ],
    },
    {
      alert: "AlertmanagerFailedToSendAlerts",
      runbook: "alertmanager-failed-to-send-alerts",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "20% of Slack notifications fail",
          series: notifications(100, 20),
          firing: [
            {
              labels: { namespace: "observability", instance: am.instance, integration: "slack", severity: "warning", category: "observability" },
              summary: "Alertmanager fails to send slack notifications",
              description: `Alertmanager 10.0.2.2:9093 failed 20% of its slack notifications over 5m; threshold ${pct(t.notificationFailureRatio.warning)}.`,
            },
          ],
        },
        { name: "no failures", series: notifications(100, 0), firing: [] },
      ],
    },
    {
      alert: "AlertmanagerClusterDegraded",
      runbook: "alertmanager-cluster-degraded",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "one member missing",
          series: [S("alertmanager_cluster_members", am, `${amReplicas - 1}x60`)],
          firing: [
            {
              labels: { ...am, severity: "warning", category: "observability" },
              summary: "Alertmanager cluster degraded",
              description: `Alertmanager 10.0.2.2:9093 sees ${amReplicas - 1} cluster members of ${amReplicas}: notifications may be duplicated or silences not shared.`,
            },
          ],
        },
        { name: "all members", series: [S("alertmanager_cluster_members", am, `${amReplicas}x60`)], firing: [] },
      ],
    },
    {
      alert: "AlertmanagerConfigReloadFailed",
      runbook: "alertmanager-config-reload-failed",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "last reload failed",
          series: [S("alertmanager_config_last_reload_successful", am, "0x60")],
          firing: [
            {
              labels: { ...am, severity: "warning", category: "observability" },
              summary: "Alertmanager failed to reload its configuration",
              description: "Alertmanager 10.0.2.2:9093 could not load its latest configuration and keeps routing with the previous one.",
            },
          ],
        },
        { name: "last reload succeeded", series: [S("alertmanager_config_last_reload_successful", am, "1x60")], firing: [] },
      ],
    },
    {
      alert: "LokiRequestErrors",
      runbook: "loki-request-errors",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "20% of pushes fail",
          series: lokiRequests(80, 20),
          firing: [
            {
              labels: { namespace: "observability", route: "loki_api_v1_push", severity: "critical", category: "observability" },
              summary: "Loki answers loki_api_v1_push with errors",
              description: `20% of Loki's loki_api_v1_push requests failed with a 5xx over 5m; threshold ${pct(t.lokiErrorRatio.critical)}.`,
            },
          ],
        },
        { name: "1% of pushes fail", series: lokiRequests(99, 1), firing: [] },
      ],
    },
    {
      alert: "FluentBitOutputRetriesFailed",
      runbook: "fluent-bit-output-retries-failed",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "two chunks given up a minute",
          series: [S("fluentbit_output_retries_failed_total", { ...fluentBit, name: "loki.0" }, "0+2x60")],
          firing: [
            {
              labels: { namespace: "observability", instance: fluentBit.instance, name: "loki.0", severity: "warning", category: "observability" },
              summary: "Fluent Bit drops records after exhausting retries",
              description: "Fluent Bit 10.0.2.6:2020 gave up on 10 chunks to output loki.0 in 5m; those logs are lost.",
            },
          ],
        },
        { name: "no chunk given up", series: [S("fluentbit_output_retries_failed_total", { ...fluentBit, name: "loki.0" }, "0x60")], firing: [] },
      ],
    },
    {
      alert: "ElasticsearchClusterRed",
      runbook: "elasticsearch-cluster-red",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "red",
          series: esHealth("red"),
          firing: [
            {
              labels: { namespace: "observability", severity: "critical", category: "observability" },
              summary: "Elasticsearch cluster is red",
              description: "The Elasticsearch cluster in namespace observability has unassigned primary shards: some log indices cannot be written or searched.",
            },
          ],
        },
        { name: "green", series: esHealth("green"), firing: [] },
      ],
    },
    {
      alert: "ElasticsearchClusterYellow",
      runbook: "elasticsearch-cluster-yellow",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "yellow",
          series: esHealth("yellow"),
          firing: [
            {
              labels: { namespace: "observability", severity: "warning", category: "observability" },
              summary: "Elasticsearch cluster is yellow",
              description: "The Elasticsearch cluster in namespace observability has unassigned replica shards: one more node loss can lose data.",
            },
          ],
        },
        { name: "green", series: esHealth("green"), firing: [] },
      ],
    },
    {
      alert: "JaegerSpansDropped",
      runbook: "jaeger-spans-dropped",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "storage writes failing",
          series: [
            S("otelcol_exporter_send_failed_spans_total", exporter, "0+60x60"),
            S("otelcol_exporter_enqueue_failed_spans_total", exporter, "0x60"),
          ],
          firing: [
            {
              labels: { namespace: "observability", instance: jaeger.instance, exporter: "jaeger_storage_exporter", severity: "warning", category: "observability" },
              summary: "Jaeger fails to store spans",
              description: "Jaeger 10.0.2.4:8888 fails to hand 1 spans per second to its jaeger_storage_exporter storage exporter; traces are being lost.",
            },
          ],
        },
        {
          name: "sending queue full",
          series: [
            S("otelcol_exporter_send_failed_spans_total", exporter, "0x60"),
            S("otelcol_exporter_enqueue_failed_spans_total", exporter, "0+120x60"),
          ],
          firing: [
            {
              labels: { namespace: "observability", instance: jaeger.instance, exporter: "jaeger_storage_exporter", severity: "warning", category: "observability" },
              summary: "Jaeger fails to store spans",
              description: "Jaeger 10.0.2.4:8888 fails to hand 2 spans per second to its jaeger_storage_exporter storage exporter; traces are being lost.",
            },
          ],
        },
        {
          name: "no failures",
          series: [
            S("otelcol_exporter_send_failed_spans_total", exporter, "0x60"),
            S("otelcol_exporter_enqueue_failed_spans_total", exporter, "0x60"),
          ],
          firing: [],
        },
      ],
    },
    ...(cfg.thanos.enabled ? thanosCases() : []),
  ];
}

/** The Thanos alerts (with thanos.enabled): a halted Compactor, failing bucket operations, a stalled sidecar. */
function thanosCases(): AlertCase[] {
  const sidecar = own(JOBS.thanosSidecar, "10.0.2.7:10902");
  const compact = own(JOBS.thanosCompact, "10.0.2.8:10902");
  const ops = (okPerMin: number, failedPerMin: number): InputSeries[] => [
    S("thanos_objstore_bucket_operations_total", { ...sidecar, bucket: "thanos", operation: "upload" }, `0+${okPerMin + failedPerMin}x60`),
    S("thanos_objstore_bucket_operation_failures_total", { ...sidecar, bucket: "thanos", operation: "upload" }, `0+${failedPerMin}x60`),
  ];
  // Five hours of samples, a minute apart: the stall threshold is 4 h of the test's clock (from 0).
  const uploads = (values: string): InputSeries[] => [S("thanos_objstore_bucket_last_successful_upload_time", { ...sidecar, bucket: "thanos" }, values)];
  return [
    {
      alert: "ThanosCompactHalted",
      runbook: "thanos-compact-halted",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "halted",
          series: [S("thanos_compact_halted", compact, "1x60")],
          firing: [
            {
              labels: { namespace: "observability", pod: "10.0.2.8", severity: "warning", category: "observability" },
              summary: "Thanos Compactor has halted",
              description:
                "The Thanos Compactor 10.0.2.8 stopped on an error it does not retry (often overlapping blocks): the bucket gets no compaction, downsampling or retention until it is fixed, and keeps growing.",
            },
          ],
        },
        { name: "running", series: [S("thanos_compact_halted", compact, "0x60")], firing: [] },
      ],
    },
    {
      alert: "ThanosBucketOperationsFailing",
      runbook: "thanos-bucket-operations-failing",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "10% of uploads fail",
          series: ops(90, 10),
          firing: [
            {
              labels: { namespace: "observability", job: JOBS.thanosSidecar, operation: "upload", severity: "warning", category: "observability" },
              summary: "thanos-sidecar fails upload operations on the bucket",
              description: "10% of thanos-sidecar's upload operations on the Thanos bucket failed over 5m; threshold 5%. Long-term metrics are not being written or read.",
            },
          ],
        },
        { name: "1% of uploads fail", series: ops(99, 1), firing: [] },
      ],
    },
    {
      alert: "ThanosSidecarUploadStalled",
      runbook: "thanos-sidecar-upload-stalled",
      activeFromMinutes: 241,
      scenarios: [
        {
          // The last upload at second 1; at minute 241 that is 4 h 0 m 59 s ago.
          name: "last upload more than 4 h ago",
          series: uploads("1x300"),
          firing: [
            {
              labels: { namespace: "observability", pod: "10.0.2.7", severity: "warning", category: "observability" },
              summary: "Thanos sidecar 10.0.2.7 uploads no blocks",
              description:
                "The Thanos sidecar 10.0.2.7 has uploaded no block for 4h 0m 59s (more than 4 h, two blocks): its Prometheus' history reaches the bucket late, or not before the local retention deletes it.",
            },
          ],
        },
        // Uploading every minute: the last upload is now.
        { name: "uploading", series: uploads("0+60x300"), firing: [] },
        // A new sidecar that has not finished its first block yet.
        { name: "nothing uploaded yet", series: uploads("0x300"), firing: [] },
      ],
    },
  ];
}

export interface RecordingCheck {
  expr: string;
  evalMinutes: number;
  samples: { labels: string; value: number }[];
}

/**
 * The recording rules the dashboards share, checked for their values: two services (one has never
 * answered 5xx), a latency histogram and a node, at minute 10 (full 5-minute windows).
 */
export function recordingCase(cfg: StackConfig, R: Record<string, string>): { series: InputSeries[]; checks: RecordingCheck[] } {
  const status = cfg.alerting.httpStatusLabel;
  const web = (service: string) => ({ job: JOBS.kubernetesPods, namespace: "web", service, instance: `10.1.0.1:8080`, pod: `${service}-1` });
  const id = (service: string) => ({ namespace: "web", service });
  const node = { job: JOBS.nodeExporter, instance: "10.1.1.1:9100", node: "node-b" };
  const seriesOf = (name: string, labels: Record<string, string>) => series(name, labels);
  return {
    series: [
      S("http_requests_total", { ...web("checkout"), [status]: "200" }, "0+45x30"),
      S("http_requests_total", { ...web("checkout"), [status]: "500" }, "0+15x30"),
      S("http_requests_total", { ...web("catalog"), [status]: "200" }, "0+120x30"),
      ...HTTP_BUCKETS.map((le) => S("http_request_duration_seconds_bucket", { ...web("checkout"), le }, Number(le) >= 1 || le === "+Inf" ? "0+60x30" : "0x30")),
      ...["0", "1"].map((cpu) => S("node_cpu_seconds_total", { ...node, cpu, mode: "idle" }, "0+6x30")),
      S("node_memory_MemTotal_bytes", node, "1000000000x30"),
      S("node_memory_MemAvailable_bytes", node, "250000000x30"),
    ],
    checks: [
      { expr: R.requestRate, evalMinutes: 10, samples: [{ labels: seriesOf(R.requestRate, id("catalog")), value: 2 }, { labels: seriesOf(R.requestRate, id("checkout")), value: 1 }] },
      { expr: R.errorRate, evalMinutes: 10, samples: [{ labels: seriesOf(R.errorRate, id("catalog")), value: 0 }, { labels: seriesOf(R.errorRate, id("checkout")), value: 0.25 }] },
      { expr: R.errorRatio, evalMinutes: 10, samples: [{ labels: seriesOf(R.errorRatio, id("catalog")), value: 0 }, { labels: seriesOf(R.errorRatio, id("checkout")), value: 0.25 }] },
      {
        expr: `${R.latencyBucketRate}{le=~"0.5|1|\\\\+Inf"}`,
        evalMinutes: 10,
        samples: [
          { labels: seriesOf(R.latencyBucketRate, { ...id("checkout"), le: "0.5" }), value: 0 },
          { labels: seriesOf(R.latencyBucketRate, { ...id("checkout"), le: "1" }), value: 1 },
          { labels: seriesOf(R.latencyBucketRate, { ...id("checkout"), le: "+Inf" }), value: 1 },
        ],
      },
      { expr: R.latencyP50, evalMinutes: 10, samples: [{ labels: seriesOf(R.latencyP50, id("checkout")), value: 0.75 }] },
      { expr: R.latencyP95, evalMinutes: 10, samples: [{ labels: seriesOf(R.latencyP95, id("checkout")), value: 0.975 }] },
      { expr: R.latencyP99, evalMinutes: 10, samples: [{ labels: seriesOf(R.latencyP99, id("checkout")), value: 0.995 }] },
      { expr: R.nodeCpuUtilisation, evalMinutes: 10, samples: [{ labels: seriesOf(R.nodeCpuUtilisation, { instance: node.instance, node: node.node }), value: 0.9 }] },
      { expr: R.nodeMemoryUtilisation, evalMinutes: 10, samples: [{ labels: seriesOf(R.nodeMemoryUtilisation, { instance: node.instance, node: node.node }), value: 0.75 }] },
    ],
  };
}

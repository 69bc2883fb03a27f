/**
 * Prometheus recording and alerting rules as typed data, and the pure builder that turns a stack's
 * config into rule files ({groups: [...]}, serialised with `yaml` by the Prometheus component and
 * mounted at /etc/prometheus/rules/<file>).
 *
 * Contract with the scrape config (components/prometheus/config-file.ts): every target carries `namespace`
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
 *
 * Where the rules live (this file assembles them and re-exports the vocabulary):
 *
 * | rule file | group | source |
 * |---|---|---|
 * | recording.rules.yaml | http.recording, node.recording | rule-groups/recording.ts |
 * | application.rules.yaml | application.alerts | rule-groups/application.ts |
 * | infrastructure.rules.yaml | infrastructure.alerts | rule-groups/nodes.ts |
 * | educational.rules.yaml | educational.alerts | rule-groups/educational.ts |
 * | stack-health.rules.yaml | stack-health.alerts | rule-groups/stack-health.ts: the Watchdog, then prometheus.ts, alertmanager.ts, logs.ts (Loki, Fluent Bit), elasticsearch.ts, traces.ts (Jaeger), thanos.ts (with Thanos) |
 * | kubernetes.rules.yaml | kubernetes.alerts | kubernetes-rules.ts |
 *
 * Types, severities, categories and the formatting helpers are in rule-model.ts.
 */
import type { StackConfig } from "../config";
import { KUBERNETES_RULE_METRICS, kubernetesAlerts } from "./kubernetes-rules";
import { type AlertDefinition, type AlertRule, type RuleFile, kebabCase } from "./rule-model";
import { applicationAlerts } from "./rule-groups/application";
import { educationalAlerts } from "./rule-groups/educational";
import { infrastructureAlerts } from "./rule-groups/nodes";
import { recordingGroups } from "./rule-groups/recording";
import { stackHealthAlerts } from "./rule-groups/stack-health";

export {
  ALERT_CATEGORIES,
  FAILED_STATUS,
  SEVERITIES,
  SUBJECT_LABELS,
  kebabCase,
  percent,
  type AlertAnnotations,
  type AlertCategory,
  type AlertDefinition,
  type AlertLabels,
  type AlertRule,
  type RecordingRule,
  type RuleFile,
  type RuleGroup,
  type Severity,
} from "./rule-model";
export { RECORDING_RULES, type RecordingRuleName } from "./rule-groups/recording";

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
  "thanos_compact_halted",
  "thanos_objstore_bucket_operations_total",
  "thanos_objstore_bucket_operation_failures_total",
  "thanos_objstore_bucket_last_successful_upload_time",
  ...KUBERNETES_RULE_METRICS,
] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];

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

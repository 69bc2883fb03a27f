/** 7. Stack health: the observability stack watching itself. */
import { JOBS } from "../components/endpoints";
import { ENV, baseDashboard, promQ, row, statPanel, timeSeries } from "./common";
import type { dashboardT } from "./sdk";

export const UID = "obs-stack-health";

const job = (j: string) => `job="${j}", ${ENV}`;
const rate = (metric: string, j: string, extra?: string) => `rate(${metric}{${job(j)}${extra ? `, ${extra}` : ""}}[$__rate_interval])`;

export function stackHealth(): dashboardT.Dashboard {
  return baseDashboard({
    uid: UID,
    title: "Stack health",
    description:
      "Scrape health, rule evaluation and notifications, Loki ingestion, Elasticsearch health, Jaeger spans and Fluent Bit throughput.",
    tags: ["observability", "self-monitoring"],
    kind: "prometheus",
    from: "now-3h",
  })
    .withRow(row("Scraping and rules"))
    .withPanel(
      timeSeries({
        title: "Targets up by job",
        description: "Share of each job's targets that answered their last scrape.",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [promQ(`sum by (job) (up{${ENV}}) / count by (job) (up{${ENV}})`, "{{job}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Scrape duration by job",
        description: "Slowest scrape of each job; close to the scrape timeout means lost samples.",
        unit: "s",
        targets: [promQ(`max by (job) (scrape_duration_seconds{${ENV}})`, "{{job}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Rule evaluation failures",
        description: "Failed rule evaluations per second, per rule group.",
        unit: "ops",
        targets: [promQ(`sum by (rule_group) (${rate("prometheus_rule_evaluation_failures_total", JOBS.prometheus)})`, "{{rule_group}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Rule group evaluation time",
        description: "Last evaluation time of each rule group over its interval; above 1 the group misses evaluations.",
        unit: "percentunit",
        min: 0,
        targets: [
          promQ(
            `max by (rule_group) (prometheus_rule_group_last_duration_seconds{${job(JOBS.prometheus)}} / prometheus_rule_group_interval_seconds{${job(JOBS.prometheus)}})`,
            "{{rule_group}}",
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Alert notifications",
        description: "Notifications sent and failed per second, per integration.",
        unit: "ops",
        targets: [
          promQ(`sum by (integration) (${rate("alertmanager_notifications_total", JOBS.alertmanager)})`, "{{integration}} sent"),
          promQ(`sum by (integration) (${rate("alertmanager_notifications_failed_total", JOBS.alertmanager)})`, "{{integration}} failed"),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Active series",
        description: "Series in the Prometheus head block: the cardinality the stack pays for.",
        unit: "short",
        targets: [promQ(`max by (instance) (prometheus_tsdb_head_series{${job(JOBS.prometheus)}})`, "{{instance}}")],
      }),
    )
    .withRow(row("Logs pipeline"))
    .withPanel(
      timeSeries({
        title: "Fluent Bit throughput",
        description: "Records read by the inputs and processed by each output, per second.",
        unit: "ops",
        targets: [
          promQ(`sum by (name) (${rate("fluentbit_input_records_total", JOBS.fluentBit)})`, "in {{name}}"),
          promQ(`sum by (name) (${rate("fluentbit_output_proc_records_total", JOBS.fluentBit)})`, "out {{name}}"),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Fluent Bit errors and drops",
        description: "Output errors, records dropped and retries given up, per second and output.",
        unit: "ops",
        targets: [
          promQ(`sum by (name) (${rate("fluentbit_output_errors_total", JOBS.fluentBit)})`, "errors {{name}}"),
          promQ(`sum by (name) (${rate("fluentbit_output_dropped_records_total", JOBS.fluentBit)})`, "dropped {{name}}"),
          promQ(`sum by (name) (${rate("fluentbit_output_retries_failed_total", JOBS.fluentBit)})`, "retries failed {{name}}"),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Loki ingestion",
        description: "Log lines received by Loki per second.",
        unit: "ops",
        targets: [promQ(`sum(${rate("loki_distributor_lines_received_total", JOBS.loki)})`, "lines/s")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Loki ingestion bytes and discards",
        description: "Bytes received by Loki per second, and samples it discarded (rate limits, too old, too long) by reason.",
        unit: "Bps",
        targets: [
          promQ(`sum(${rate("loki_distributor_bytes_received_total", JOBS.loki)})`, "received"),
          promQ(`sum by (reason) (${rate("loki_discarded_samples_total", JOBS.loki)})`, "discarded {{reason}}"),
        ],
      }),
    )
    .withRow(row("Elasticsearch"))
    .withPanel(
      statPanel({
        title: "Elasticsearch status",
        description: "Cluster health: 0 green, 1 yellow (replicas unassigned), 2 red (primaries unassigned).",
        unit: "short",
        span: 8,
        targets: [
          promQ(
            `max(elasticsearch_cluster_health_status{${job(JOBS.elasticsearch)}, color="red"}) * 2 or max(elasticsearch_cluster_health_status{${job(JOBS.elasticsearch)}, color="yellow"})`,
            "status",
            { instant: true },
          ),
        ],
        thresholds: { base: "green", steps: [[1, "orange"], [2, "red"]] },
      }),
    )
    .withPanel(
      statPanel({
        title: "Elasticsearch nodes",
        description: "Nodes in the cluster.",
        unit: "short",
        span: 8,
        targets: [promQ(`max(elasticsearch_cluster_health_number_of_nodes{${job(JOBS.elasticsearch)}})`, "nodes", { instant: true })],
      }),
    )
    .withPanel(
      statPanel({
        title: "Unassigned shards",
        description: "Shards without a node: replicas (yellow) or primaries (red).",
        unit: "short",
        span: 8,
        targets: [promQ(`max(elasticsearch_cluster_health_unassigned_shards{${job(JOBS.elasticsearch)}})`, "unassigned", { instant: true })],
        thresholds: { base: "green", steps: [[1, "orange"]] },
      }),
    )
    .withRow(row("Traces pipeline"))
    .withPanel(
      timeSeries({
        title: "Jaeger spans received",
        description: "Spans accepted by Jaeger's receivers and written by its exporter to storage, per second.",
        unit: "ops",
        targets: [
          promQ(`sum by (receiver) (${rate("otelcol_receiver_accepted_spans_total", JOBS.jaeger)})`, "accepted {{receiver}}"),
          promQ(`sum by (exporter) (${rate("otelcol_exporter_sent_spans_total", JOBS.jaeger)})`, "stored {{exporter}}"),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Jaeger spans dropped",
        description: "Spans refused by the receivers, or that the exporter failed to send or queue, per second.",
        unit: "ops",
        targets: [
          promQ(`sum by (receiver) (${rate("otelcol_receiver_refused_spans_total", JOBS.jaeger)})`, "refused {{receiver}}"),
          promQ(`sum by (exporter) (${rate("otelcol_exporter_send_failed_spans_total", JOBS.jaeger)})`, "send failed {{exporter}}"),
          promQ(`sum by (exporter) (${rate("otelcol_exporter_enqueue_failed_spans_total", JOBS.jaeger)})`, "enqueue failed {{exporter}}"),
        ],
      }),
    )
    .build();
}

/**
 * Group http.recording and node.recording (recording.rules.yaml): the recorded series the alerts and
 * the Grafana dashboards read.
 */
import type { StackConfig } from "../../config";
import { JOBS } from "../../endpoints";
import type { RuleGroup } from "../rule-model";

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

export function recordingGroups(cfg: StackConfig): RuleGroup[] {
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

/** The log pipeline: Loki errors and discarded lines, Fluent Bit giving up on records (in stack-health.alerts). */
import type { StackConfig } from "../../config";
import { JOBS } from "../../endpoints";
import { type AlertDefinition, num, percent } from "../rule-model";

export function logAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  const job = (j: string) => `job="${j}"`;
  const obs = "observability" as const;
  return [
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
  ];
}

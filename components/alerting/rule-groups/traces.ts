/** Jaeger: spans refused by its receivers, spans its storage exporter fails to store (in stack-health.alerts). */
import type { StackConfig } from "../../config";
import { JOBS } from "../../endpoints";
import { type AlertDefinition, num, percent } from "../rule-model";

export function traceAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  const job = (j: string) => `job="${j}"`;
  const obs = "observability" as const;
  return [
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

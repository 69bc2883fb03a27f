/**
 * Thanos: the long-term metrics path (in stack-health.alerts, only with thanos.enabled). Alerting
 * itself stays on each Prometheus, so these say that history in the bucket is at risk, never that
 * alerts are: a halted Compactor (no compaction, downsampling or retention), failing object-storage
 * operations, and a sidecar whose blocks stopped reaching the bucket.
 *
 * The metric names are the ones the pinned binaries expose (test/thanos/alert-metrics.test.ts
 * scrapes a real sidecar and Compactor for them).
 */
import { JOBS } from "../../endpoints";
import type { AlertDefinition } from "../rule-model";

/** Share of failed object-storage operations that means the bucket is unreachable or refusing. */
export const THANOS_BUCKET_FAILURE_RATIO = 0.05;
/**
 * Hours without a successful upload before a sidecar is stalled: Prometheus cuts a block every 2 h,
 * so two blocks missed.
 */
export const THANOS_UPLOAD_STALL_HOURS = 4;

export function thanosAlerts(): AlertDefinition[] {
  const obs = "observability" as const;
  const bucketJobs = `job=~"${[JOBS.thanosSidecar, JOBS.thanosStore, JOBS.thanosCompact].join("|")}"`;
  const upload = `max by (namespace, pod) (thanos_objstore_bucket_last_successful_upload_time{job="${JOBS.thanosSidecar}"})`;
  return [
    {
      alert: "ThanosCompactHalted",
      expr: `max by (namespace, pod) (thanos_compact_halted{job="${JOBS.thanosCompact}"}) == 1`,
      forMinutes: 5,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Thanos Compactor has halted",
        description:
          "The Thanos Compactor {{ $labels.pod }} stopped on an error it does not retry (often overlapping blocks): the bucket gets no compaction, downsampling or retention until it is fixed, and keeps growing.",
      },
    },
    {
      alert: "ThanosBucketOperationsFailing",
      expr: `sum by (namespace, job, operation) (rate(thanos_objstore_bucket_operation_failures_total{${bucketJobs}}[5m])) / sum by (namespace, job, operation) (rate(thanos_objstore_bucket_operations_total{${bucketJobs}}[5m])) > ${THANOS_BUCKET_FAILURE_RATIO}`,
      forMinutes: 15,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "{{ $labels.job }} fails {{ $labels.operation }} operations on the bucket",
        description: `{{ $value | humanizePercentage }} of {{ $labels.job }}'s {{ $labels.operation }} operations on the Thanos bucket failed over 5m; threshold ${THANOS_BUCKET_FAILURE_RATIO * 100}%. Long-term metrics are not being written or read.`,
      },
    },
    {
      alert: "ThanosSidecarUploadStalled",
      // Only once a sidecar has uploaded at all: a new one has nothing to upload for its first 2 h.
      expr: `(time() - ${upload}) > ${THANOS_UPLOAD_STALL_HOURS * 3600} and ${upload} > 0`,
      forMinutes: 0,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Thanos sidecar {{ $labels.pod }} uploads no blocks",
        description: `The Thanos sidecar {{ $labels.pod }} has uploaded no block for {{ $value | humanizeDuration }} (more than ${THANOS_UPLOAD_STALL_HOURS} h, two blocks): its Prometheus' history reaches the bucket late, or not before the local retention deletes it.`,
      },
    },
  ];
}

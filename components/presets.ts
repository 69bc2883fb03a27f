/**
 * The per-environment presets of the stack. Dev is the components' own defaults (each in its
 * components/<component>/schema.ts) with the stack's keys and the few values where the stack's dev
 * differs; prod is an overlay on dev listing only what differs from it. Alerting, SLOs and AWS keep
 * their own dev and prod defaults in their schema modules.
 *
 * An overlay is applied with deepMerge: objects merge key by key, and anything else (arrays
 * included) replaces the dev value whole.
 */
import { alertingDefaults } from "./alerting/schema";
import { ALERTMANAGER_DEFAULTS } from "./alertmanager/schema";
import { awsDefaults } from "./aws/schema";
import { DEFAULT_NODE } from "./capacity";
import { deepMerge } from "./config/merge";
import { DEFAULT_NETWORK } from "./config/network";
import type { Environment } from "./config/project";
import type { DeepPartial, StackConfig } from "./config/schema";
import { res } from "./config/shared";
import { ELASTICSEARCH_DEFAULTS } from "./elasticsearch/schema";
import { LOG_SHIPPER_DEFAULTS } from "./log-shipper/schema";
import { GRAFANA_DEFAULTS } from "./grafana/schema";
import { JAEGER_DEFAULTS } from "./jaeger/schema";
import { LOKI_DEFAULTS } from "./loki/schema";
import { NODE_EXPORTER_DEFAULTS } from "./node-exporter/schema";
import { PROMETHEUS_DEFAULTS } from "./prometheus/schema";
import { sloDefaults } from "./slo/schema";
import { THANOS_DEFAULTS } from "./thanos/schema";

/**
 * The defaults of an environment. Addresses are not defaulted in prod: runbookBaseUrl (and the e-mail
 * receiver's relay and addresses, see alerting/schema.ts) come from the stack file.
 */
export type EnvironmentDefaults = Omit<StackConfig, "environment" | "runbookBaseUrl"> & { runbookBaseUrl?: string };

/** The stack's keys, the same in every environment. */
const STACK = {
  namespace: "observability",
  podSecurity: "restricted" as const,
  network: DEFAULT_NETWORK,
  team: "platform",
  costCenter: "engineering",
  // No load: the sizes below are the raw defaults (prod's are the model's output for REFERENCE_LOAD).
  capacity: { largestNode: DEFAULT_NODE },
};

/** Dev: one small replica of each component with short retention, no persistent volumes. */
const DEV: EnvironmentDefaults = {
  ...STACK,
  clusterName: "dev",
  // A name under .invalid (RFC 6761) can never resolve: dev alerts visibly carry no runbook until a
  // stack file names one. Prod has no default and refuses every reserved domain.
  runbookBaseUrl: "https://runbooks.invalid/observability",
  // A dev cluster may have one node and no zone labels: replicas still schedule.
  placement: { antiAffinity: "preferred", zoneSpread: "ScheduleAnyway", zoneLabel: "topology.kubernetes.io/zone", zones: [], allowSharedFailureDomains: false },
  persistence: { enabled: false, protect: false },
  // The stack's switches and capacity estimates are its own; a component created alone has none.
  nodeExporter: { enabled: true, ...NODE_EXPORTER_DEFAULTS },
  // A week of metrics in dev; a Prometheus created alone keeps Prometheus' own 15 days.
  prometheus: { ...PROMETHEUS_DEFAULTS, retentionDays: 7, estimatedGiPerDay: 0.5 },
  alertmanager: ALERTMANAGER_DEFAULTS,
  loki: { ...LOKI_DEFAULTS, estimatedGiPerDay: 0.5 },
  elasticsearch: ELASTICSEARCH_DEFAULTS,
  jaeger: { ...JAEGER_DEFAULTS, estimatedGiPerDay: 0.5 },
  logShipper: LOG_SHIPPER_DEFAULTS,
  grafana: { deploy: true, ...GRAFANA_DEFAULTS },
  alerting: alertingDefaults.dev,
  slo: sloDefaults.dev,
  // Dev keeps its week of metrics on Prometheus' own disk: no bucket, one replica to deduplicate.
  thanos: { enabled: false, ...THANOS_DEFAULTS },
  aws: awsDefaults.dev,
};

/**
 * Prod, as what differs from dev: HA replicas, persistent and protected volumes, longer retention.
 * Every size the capacity model covers (resources, claims, daily estimates, Fluent Bit's buffer) is
 * its output for REFERENCE_LOAD on this layout (components/capacity.ts; test/capacity.test.ts holds
 * them equal): change a unit cost or the reference load, and these numbers with it.
 */
const PROD_OVERLAY: DeepPartial<EnvironmentDefaults> = {
  clusterName: "prod",
  placement: { antiAffinity: "required", zoneSpread: "DoNotSchedule" },
  persistence: { enabled: true, protect: true },
  nodeExporter: { resources: res("50m", "64Mi", "250m", "128Mi") },
  prometheus: {
    replicas: 2,
    retentionDays: 30,
    retentionSizeGi: 170,
    storageGi: 200,
    estimatedGiPerDay: 5.4,
    scrapeIntervalSeconds: 15,
    evaluationIntervalSeconds: 15,
    resources: res("1350m", "4Gi", "2700m", "8Gi"),
  },
  alertmanager: { replicas: 3, storageGi: 2, resources: res("50m", "64Mi", "200m", "256Mi") },
  // The scalable deployment on the S3 buckets: three replicas of each target, each stream on three
  // write replicas in different zones. The write target takes over the monolithic StatefulSet and
  // its claims (storageGi is each write replica's WAL volume); `resources` stays the monolithic one's.
  loki: {
    mode: "scalable",
    retentionDays: 30,
    storageGi: 10,
    estimatedGiPerDay: 1.8,
    ingestionRateMb: 16,
    resources: res("500m", "1Gi", "2", "4Gi"),
    replicationFactor: 3,
    write: { replicas: 3, resources: res("500m", "1Gi", "2", "4Gi") },
    read: { replicas: 3, resources: res("250m", "512Mi", "1", "2Gi") },
    backend: { replicas: 3, storageGi: 10, resources: res("250m", "512Mi", "1", "2Gi") },
  },
  elasticsearch: {
    replicas: 3,
    storageGi: 180,
    heapMi: 2048,
    rolloverMaxPrimaryShardGi: 30,
    // The seeds' compliance tiers: application logs a year, audit and security logs seven years.
    // With these daily estimates they take (0.3 × 365 + 0.02 × 2555 × 2 + Jaeger 1.7 × 7) × 2 copies
    // = 447.2 GiB of the 3 × 180 GiB × 85% = 459 GiB usable. Application indices still roll over daily.
    logClasses: {
      application: { warmAfterDays: 7, coldAfterDays: 30, deleteAfterDays: 365, estimatedGiPerDay: 0.3 },
      audit: { rolloverMaxAgeDays: 30, warmAfterDays: 30, coldAfterDays: 90, deleteAfterDays: 2555, estimatedGiPerDay: 0.02 },
      security: { rolloverMaxAgeDays: 30, warmAfterDays: 30, coldAfterDays: 180, deleteAfterDays: 2555, estimatedGiPerDay: 0.02 },
    },
    resources: res("1", "4Gi", "2", "4Gi"),
    kibana: { enabled: true, resources: res("200m", "1Gi", "1", "2Gi") },
  },
  jaeger: {
    replicas: 2,
    samplingRate: 0.1,
    storage: "elasticsearch",
    retentionDays: 7,
    storageGi: 10,
    estimatedGiPerDay: 1.7,
    resources: res("200m", "512Mi", "1", "1Gi"),
  },
  logShipper: { resources: res("100m", "128Mi", "500m", "256Mi"), lokiBufferMb: 4096 },
  grafana: { storageGi: 10, resources: res("200m", "256Mi", "1", "1Gi") },
  // A year of history in the bucket: raw samples as long as Prometheus' own disk holds them ×3, then
  // 5-minute resolution for half a year and 1-hour resolution for a year (Thanos' downsampling
  // guidance: keep the raw resolution at least as long as the coarser ones start to matter).
  thanos: {
    enabled: true,
    retention: { rawDays: 90, fiveMinuteDays: 180, oneHourDays: 365 },
    query: { replicas: 2, resources: res("500m", "1Gi", "2", "4Gi") },
    storeGateway: { replicas: 2, storageGi: 20, resources: res("500m", "1Gi", "2", "4Gi") },
    compactor: { storageGi: 100, resources: res("500m", "2Gi", "2", "4Gi") },
  },
};

/** Dev without its runbook address, which prod never defaults (an overlay can set a key, not remove one). */
const { runbookBaseUrl: _devRunbooks, ...DEV_WITHOUT_ADDRESSES } = DEV;

/** Per-environment defaults: dev is one small replica with short retention; prod is HA with longer retention. */
export const DEFAULTS: Record<Environment, EnvironmentDefaults> = {
  dev: DEV,
  prod: {
    ...deepMerge<EnvironmentDefaults>(DEV_WITHOUT_ADDRESSES, PROD_OVERLAY),
    alerting: alertingDefaults.prod,
    slo: sloDefaults.prod,
    aws: awsDefaults.prod,
  },
};

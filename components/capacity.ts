/**
 * The capacity model: from the load a stack will carry (active series, log volume, span rate and the
 * retentions), the CPU and memory, volume sizes and S3 growth each component needs. Pure functions of
 * plain numbers; `npm run size` prints them (scripts/size.ts).
 *
 * Every per-unit cost is a named constant with the upstream guidance it comes from. They are
 * estimates for planning, meant to be replaced by what the stack's own dashboards measure.
 */
import { quantityMi, quantityMilli } from "./config/quantities";

/** The load a stack carries. */
export interface Load {
  /** Active series in Prometheus's head block. */
  series: number;
  /** Scrape interval, in seconds. */
  scrapeIntervalSeconds: number;
  /** Metrics retention, in days. */
  metricsRetentionDays: number;
  /** Log volume shipped per day (raw, before compression), in GB. */
  logsGbPerDay: number;
  /** Log retention in Loki, in days. */
  logsRetentionDays: number;
  /** The share of the logs also indexed in Elasticsearch (classified logs), in GB per day. */
  elasticsearchLogsGbPerDay: number;
  /** How long Elasticsearch keeps them, in days (the longest hot/warm class that dominates). */
  elasticsearchRetentionDays: number;
  /** Spans received per second. */
  spansPerSecond: number;
  /** Trace retention, in days. */
  tracesRetentionDays: number;
}

/**
 * The load the prod defaults are sized for: half a million active series scraped every 15 s and kept
 * 30 days, 15 GB of logs a day in Loki for 30 days (0.5 GB/day of it classified into Elasticsearch,
 * kept 90 days), 100 spans/s kept 7 days.
 */
export const REFERENCE_LOAD: Load = {
  series: 500_000,
  scrapeIntervalSeconds: 15,
  metricsRetentionDays: 30,
  logsGbPerDay: 15,
  logsRetentionDays: 30,
  elasticsearchLogsGbPerDay: 0.5,
  elasticsearchRetentionDays: 90,
  spansPerSecond: 100,
  tracesRetentionDays: 7,
};

/** A typical large node. */
export const DEFAULT_NODE: NodeSize = { cpu: 16, memoryGi: 64 };

/** The largest node a pod may be scheduled on: a component that needs more is refused. */
export interface NodeSize {
  cpu: number;
  memoryGi: number;
}

/** Per-unit costs, each with its source. */
export const UNIT_COSTS = {
  /** Prometheus docs, "Storage: operational aspects": "on average, Prometheus uses only around 1-2 bytes per sample". The upper figure. */
  prometheusBytesPerSample: 2,
  /** Prometheus's head block costs a few KiB per active series (Prometheus 2.x+ memory analyses); 4 KiB requested, twice that as the limit for Go's GC headroom. */
  prometheusHeadKiBPerSeries: 4,
  /** About 100k samples/s ingested per core (Prometheus' own benchmarks run ~1M samples/s on ~8-10 cores). */
  prometheusSamplesPerSecondPerCore: 100_000,
  /** WAL and head block before compaction: about 2 h of samples at ~10 bytes each uncompressed, as a share of the disk. */
  prometheusWalHours: 2,
  prometheusWalBytesPerSample: 10,
  /** Loki's chunks compress logs about 8:1 (Loki docs, storage: gzip/snappy chunk encodings, 5-10x). */
  lokiCompressionRatio: 8,
  /** Loki sizing guidance: about 1 CPU and 2 GiB of memory per 30 GB/day of ingest for a single binary. */
  lokiGbPerDayPerCore: 30,
  lokiMemoryGiPerCore: 2,
  /** Elastic's sizing guidance: indexed data is about 1.1x the raw volume ("disk = raw × 1.1 × (1 + replicas)"). */
  elasticsearchIndexOverhead: 1.1,
  /** Elastic's hot tier: a memory:data ratio of 1:30 (half of it heap). */
  elasticsearchDataPerMemory: 30,
  /** Elastic: roughly 1 vCPU per 25 GB/day of indexing on the hot tier. */
  elasticsearchGbPerDayPerCore: 25,
  /** Disk fills to the low watermark (85 %) at most: Elasticsearch's cluster.routing.allocation.disk.watermark.low. */
  usableDiskShare: 0.85,
  /** Jaeger stores a span in about 1 KiB in Elasticsearch (Jaeger docs, performance tuning: span sizes of 0.5-2 KiB). */
  jaegerBytesPerSpan: 1024,
  /** A Jaeger collector handles about 10k spans/s per core (Jaeger performance tuning guide). */
  jaegerSpansPerSecondPerCore: 10_000,
  /**
   * Thanos docs, compactor ("Downsampling"): downsampling "adds 2 more blocks for each raw block which
   * are only slightly smaller or relatively similar size to raw blocks ... can increase the size of
   * your storage a bit (~3x), if you choose to store all resolutions". The blocks are Prometheus TSDB
   * blocks: the raw ones cost prometheusBytesPerSample.
   */
  thanosStorageFactorAllResolutions: 3,
  /**
   * Thanos docs, compactor ("Disk"): "for medium sized bucket about 100GB should be enough"; in the
   * worst case twice two weeks of the smaller blocks it compacts (one copy downloaded, one written).
   */
  thanosCompactorDiskGi: 100,
} as const;

/** One component's sizing. */
export interface ComponentSize {
  replicas: number;
  /** Per pod. */
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** Per-pod claim size, in GiB; undefined for a stateless component. */
  storageGi?: number;
  /** S3 growth per month, in GiB; undefined when nothing goes to S3. */
  s3GiPerMonth?: number;
}

export interface Sizing {
  prometheus: ComponentSize;
  loki: ComponentSize;
  elasticsearch: ComponentSize;
  jaeger: ComponentSize;
  /**
   * Thanos' bucket: what the sidecars upload and the Compactor adds per month. Each Prometheus
   * replica uploads its own blocks (the bucket keeps both copies; Query deduplicates at read time).
   * The claim is the Compactor's.
   */
  thanos: ComponentSize;
}

const GIB = 1024 ** 3;
const GB = 1e9;

/** Round up to a step: storage to 10 Gi, CPU to 50m, memory to 128 Mi (small) or 1 Gi. */
function ceilTo(v: number, step: number): number {
  return Math.ceil(v / step - 1e-9) * step;
}
function cpu(cores: number): string {
  const m = Math.max(50, ceilTo(cores * 1000, 50));
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}
function memory(gi: number): string {
  if (gi < 1) return `${Math.max(128, ceilTo(gi * 1024, 128))}Mi`;
  return `${ceilTo(gi, 1)}Gi`;
}
function storage(gi: number): number {
  return Math.max(10, ceilTo(gi, 10));
}

/** The sizes the load needs, for the prod layout (Prometheus × 2, Elasticsearch × 3, Loki × 1). */
export function size(load: Load, replicas = { prometheus: 2, elasticsearch: 3 }): Sizing {
  const u = UNIT_COSTS;
  const day = 86_400;

  // Prometheus: each replica scrapes everything.
  const samplesPerSecond = load.series / load.scrapeIntervalSeconds;
  const tsdbBytes = samplesPerSecond * day * load.metricsRetentionDays * u.prometheusBytesPerSample;
  const walBytes = samplesPerSecond * u.prometheusWalHours * 3600 * u.prometheusWalBytesPerSample;
  const promMemGi = (load.series * u.prometheusHeadKiBPerSeries * 1024) / GIB;
  const promCores = samplesPerSecond / u.prometheusSamplesPerSecondPerCore;

  // Loki: compressed chunks; on S3 in prod, the claim holds the WAL and the index cache.
  const lokiChunksGiPerDay = (load.logsGbPerDay * GB) / u.lokiCompressionRatio / GIB;
  const lokiCores = load.logsGbPerDay / u.lokiGbPerDayPerCore;

  // Elasticsearch: application logs for the log retention plus traces, one replica of each shard.
  const spansGiPerDay = (load.spansPerSecond * day * u.jaegerBytesPerSpan) / GIB;
  const esRawGi = (load.elasticsearchLogsGbPerDay * GB * load.elasticsearchRetentionDays) / GIB + spansGiPerDay * load.tracesRetentionDays;
  const esCopies = replicas.elasticsearch > 1 ? 2 : 1;
  const esDiskPerNodeGi = (esRawGi * u.elasticsearchIndexOverhead * esCopies) / replicas.elasticsearch / u.usableDiskShare;
  const esMemGi = Math.max(2, esDiskPerNodeGi / u.elasticsearchDataPerMemory);
  const esCores = (load.elasticsearchLogsGbPerDay + (spansGiPerDay * GIB) / GB) / u.elasticsearchGbPerDayPerCore / replicas.elasticsearch;

  const jaegerCores = load.spansPerSecond / u.jaegerSpansPerSecondPerCore;

  const withLimit = (cores: number, memGi: number, memLimitFactor = 2) => ({
    requests: { cpu: cpu(cores), memory: memory(memGi) },
    limits: { cpu: cpu(cores * 2), memory: memory(memGi * memLimitFactor) },
  });
  return {
    prometheus: { replicas: replicas.prometheus, ...withLimit(promCores, promMemGi), storageGi: storage((tsdbBytes + walBytes) / GIB / u.usableDiskShare) },
    loki: { replicas: 1, ...withLimit(Math.max(0.25, lokiCores), Math.max(0.5, lokiCores * u.lokiMemoryGiPerCore)), storageGi: storage(lokiChunksGiPerDay * 2), s3GiPerMonth: Math.ceil(lokiChunksGiPerDay * 30) },
    elasticsearch: {
      replicas: replicas.elasticsearch,
      ...withLimit(Math.max(0.5, esCores), esMemGi, 1),
      storageGi: storage(esDiskPerNodeGi),
      // Snapshots are incremental: a day's new segments, once.
      s3GiPerMonth: Math.ceil(((load.elasticsearchLogsGbPerDay * GB + spansGiPerDay * GIB) * u.elasticsearchIndexOverhead * 30) / GIB),
    },
    jaeger: { replicas: 2, ...withLimit(Math.max(0.1, jaegerCores), Math.max(0.25, jaegerCores * 0.5)) },
    thanos: {
      replicas: 1,
      ...withLimit(0.5, 2),
      storageGi: u.thanosCompactorDiskGi,
      // A month of raw blocks from each replica, and the 5 m and 1 h blocks the Compactor adds.
      s3GiPerMonth: Math.ceil((samplesPerSecond * day * 30 * u.prometheusBytesPerSample * replicas.prometheus * u.thanosStorageFactorAllResolutions) / GIB),
    },
  };
}

/** Components whose pods need more than the largest node: each names the component and both sizes. */
export function sizeProblems(s: Sizing, node: NodeSize): string[] {
  const problems: string[] = [];
  const cores = (q: string) => quantityMilli(q) / 1000;
  const gi = (q: string) => quantityMi(q) / 1024;
  for (const [name, c] of Object.entries(s) as [keyof Sizing, ComponentSize][]) {
    if (cores(c.requests.cpu) > node.cpu) problems.push(`${name}: needs ${c.requests.cpu} CPU per pod, more than the largest node (${node.cpu}); spread the load over more replicas or larger nodes`);
    if (gi(c.requests.memory) > node.memoryGi) problems.push(`${name}: needs ${c.requests.memory} of memory per pod, more than the largest node (${node.memoryGi}Gi); spread the load over more replicas or larger nodes`);
  }
  return problems;
}

/**
 * How long a node's Fluent Bit buffer for Loki (lokiBufferMb) holds a Loki outage without losing a
 * log, in hours, when `logsGbPerDay` is spread evenly over `nodes` (buffered chunks are about the
 * raw size).
 */
export function lokiBufferHours(lokiBufferMb: number, logsGbPerDay: number, nodes: number): number {
  const perNodeMbPerHour = (logsGbPerDay * 1000) / nodes / 24;
  return lokiBufferMb / perNodeMbPerHour;
}

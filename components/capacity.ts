/**
 * The capacity model: from the load a stack will carry (active series, log volume, span rate, the
 * retentions and the log classes kept in Elasticsearch), the CPU and memory, volume sizes and S3
 * growth of every pod the stack runs, and the stack settings that carry them. Pure functions of plain
 * numbers; `npm run size` prints them (scripts/size.ts), the prod defaults are its output for
 * REFERENCE_LOAD (test/capacity.test.ts holds the two together), and a stack file may give
 * `capacity.load` instead of raw sizes (loadConfig applies sizedSettings below).
 *
 * Every per-unit cost is a named constant with the upstream guidance it comes from. Where upstream
 * gives no figure, the least a pod gets (MINIMUM_POD) is the stack's own, and says so. They are
 * estimates for planning, meant to be replaced by what the stack's own dashboards measure.
 */
import { z } from "zod";
import { quantityMi, quantityMilli } from "./config/quantities";
import type { StackConfig } from "./config/schema";

/** One class of logs indexed in Elasticsearch. */
export interface LogClassLoad {
  /** Primary data on disk, GiB per day (the config's `elasticsearch.logClasses.<class>.estimatedGiPerDay`). */
  giPerDay: number;
  /** Days on the hot tier (`warmAfterDays`). */
  hotDays: number;
  /** Days kept (`deleteAfterDays`). */
  retentionDays: number;
}

/** The load a stack carries. */
export interface Load {
  /** Active series in each Prometheus's head block. */
  series: number;
  /** Scrape interval, in seconds. */
  scrapeIntervalSeconds: number;
  /** Metrics retention on Prometheus's disk, in days. */
  metricsRetentionDays: number;
  /** Log volume shipped per day (raw, before compression) to Loki, in GB. */
  logsGbPerDay: number;
  /** Log retention in Loki, in days. */
  logsRetentionDays: number;
  /** The classified logs also indexed in Elasticsearch. */
  logClasses: Record<string, LogClassLoad>;
  /** Spans stored per second (after sampling). */
  spansPerSecond: number;
  /** Trace retention, in days. */
  tracesRetentionDays: number;
  /** Nodes the logs come from (one Fluent Bit each): spreads the log volume over the node buffers. */
  nodes: number;
}

/** How the stack is laid out: the replicas and stores the load is spread over (from the config). */
export interface Layout {
  prometheusReplicas: number;
  elasticsearchReplicas: number;
  jaegerReplicas: number;
  /** Where Jaeger keeps its traces: with Elasticsearch they count on its volumes. */
  tracesStorage: "elasticsearch" | "badger" | "memory";
  loki: {
    mode: "monolithic" | "scalable";
    /** Chunks in object storage (S3 or an S3-compatible store) rather than on the volume. */
    objectStorage: boolean;
    replicationFactor: number;
    write: number;
    read: number;
    backend: number;
  };
  thanos: { enabled: boolean; query: number; storeGateway: number };
}

/**
 * The load the prod defaults are sized for: half a million active series scraped every 15 s and kept
 * 30 days; 15 GB of logs a day from 10 nodes, kept 30 days in Loki; the seeds' compliance tiers in
 * Elasticsearch (application logs 0.3 GiB/day for a year, audit and security logs 0.02 GiB/day each
 * for seven years); 20 stored spans/s (10 % head sampling of 200 spans/s) kept 7 days.
 */
export const REFERENCE_LOAD: Load = {
  series: 500_000,
  scrapeIntervalSeconds: 15,
  metricsRetentionDays: 30,
  logsGbPerDay: 15,
  logsRetentionDays: 30,
  logClasses: {
    application: { giPerDay: 0.3, hotDays: 7, retentionDays: 365 },
    audit: { giPerDay: 0.02, hotDays: 30, retentionDays: 2555 },
    security: { giPerDay: 0.02, hotDays: 30, retentionDays: 2555 },
  },
  spansPerSecond: 20,
  tracesRetentionDays: 7,
  nodes: 10,
};

/** The prod layout: Prometheus × 2, Elasticsearch × 3, Jaeger × 2, scalable Loki × 3 per target on S3, Thanos. */
export const PROD_LAYOUT: Layout = {
  prometheusReplicas: 2,
  elasticsearchReplicas: 3,
  jaegerReplicas: 2,
  tracesStorage: "elasticsearch",
  loki: { mode: "scalable", objectStorage: true, replicationFactor: 3, write: 3, read: 3, backend: 3 },
  thanos: { enabled: true, query: 2, storeGateway: 2 },
};

/** The largest node a pod may be scheduled on: a component that needs more is refused. */
export interface NodeSize {
  cpu: number;
  memoryGi: number;
}

/** A typical large node. */
export const DEFAULT_NODE: NodeSize = { cpu: 16, memoryGi: 64 };

/**
 * Loki's "Size the cluster" guide, tier "less than 3 TB/day" (p90 of Grafana's clusters), per TB/day
 * of ingest: its totals divided by 3. Write = distributors (8 cores, 2 GiB) + ingesters (12 cores,
 * 24 GiB); read = queriers (10, 10) + query frontends (2, 4) + query schedulers (2, 1); backend =
 * index gateways (2, 8) + the compactor (2, 10).
 */
const LOKI_PER_TB_DAY = {
  write: { cores: 20 / 3, memoryGi: 26 / 3 },
  read: { cores: 14 / 3, memoryGi: 15 / 3 },
  backend: { cores: 4 / 3, memoryGi: 18 / 3 },
} as const;

/** Per-unit costs, each with its source. */
export const UNIT_COSTS = {
  /** Prometheus docs, "Storage: operational aspects": "on average, Prometheus uses only around 1-2 bytes per sample". The upper figure. */
  prometheusBytesPerSample: 2,
  /** Prometheus's head block costs a few KiB per active series (Prometheus 2.x+ memory analyses); 4 KiB requested, twice that as the limit for Go's GC headroom. */
  prometheusHeadKiBPerSeries: 4,
  /** About 100k samples/s ingested per core (Prometheus' own benchmarks run ~1M samples/s on ~8-10 cores). */
  prometheusSamplesPerSecondPerCore: 100_000,
  /** Rule evaluation, the 2-hourly head compaction and dashboard queries on top of ingestion: the stack's own allowance. */
  prometheusQueryCores: 1,
  prometheusQueryMemoryGi: 2,
  /** WAL and head block before compaction: about 2 h of samples at ~10 bytes each uncompressed, as a share of the disk. */
  prometheusWalHours: 2,
  prometheusWalBytesPerSample: 10,
  /** Loki's chunks compress logs about 8:1 (Loki docs, storage: gzip/snappy chunk encodings, 5-10x). */
  lokiCompressionRatio: 8,
  /** Loki per target and TB/day of ingest (Loki docs, "Size the cluster"; see LOKI_PER_TB_DAY). */
  lokiPerTbDay: LOKI_PER_TB_DAY,
  /**
   * Hours of raw logs a write replica's WAL volume holds: Loki flushes a chunk after at most
   * `max_chunk_age` (2 h); three times that rides out an object-storage outage, and the checkpoint
   * beside the segments doubles it (Loki docs, "Write Ahead Log": the WAL disk).
   */
  lokiWalHours: 6,
  lokiWalCopies: 2,
  /** Elastic's sizing guidance: indexed data is about 1.1x the raw volume ("disk = raw × 1.1 × (1 + replicas)"). */
  elasticsearchIndexOverhead: 1.1,
  /** Elastic's hardware profiles: memory:data 1:30 on the hot tier, 1:160 on the warm tier (heap is half of the memory). */
  elasticsearchHotDataPerMemory: 30,
  elasticsearchWarmDataPerMemory: 160,
  /** Elastic: roughly 1 vCPU per 25 GB/day of indexing on the hot tier. */
  elasticsearchGbPerDayPerCore: 25,
  /** Elasticsearch's heap: half the memory (the rest is the page cache), at most 31 GiB (compressed pointers). */
  elasticsearchHeapShare: 0.5,
  elasticsearchMaxHeapMi: 31 * 1024,
  /** Disk fills to the low watermark (85 %) at most: Elasticsearch's cluster.routing.allocation.disk.watermark.low. */
  usableDiskShare: 0.85,
  /** Loki's WAL and badger volumes: the rest is compaction and headroom (as in the config's storage checks). */
  volumeUsableShare: 0.8,
  /** Jaeger stores a span in about 1 KiB (Jaeger docs, performance tuning: span sizes of 0.5-2 KiB). */
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
  /**
   * How long a Loki outage each node's Fluent Bit buffer rides out without losing a log: a weekend,
   * Friday 17:00 to Monday 09:00 (the stack's own target).
   */
  lokiOutageHours: 64,
} as const;

/**
 * The least each pod gets whatever the load (the stack's own figures, where upstream has none):
 * processes idle at these sizes, and the query paths need the headroom. Limits are the request times
 * LIMIT_FACTORS.
 */
export const MINIMUM_POD = {
  lokiMonolithic: { cores: 0.5, memoryGi: 1 },
  lokiWrite: { cores: 0.5, memoryGi: 1 },
  lokiRead: { cores: 0.25, memoryGi: 0.5 },
  lokiBackend: { cores: 0.25, memoryGi: 0.5 },
  elasticsearch: { cores: 1, memoryGi: 4 },
  jaeger: { cores: 0.2, memoryGi: 0.5 },
  thanosQuery: { cores: 0.5, memoryGi: 1 },
  thanosStoreGateway: { cores: 0.5, memoryGi: 1 },
  thanosCompactor: { cores: 0.5, memoryGi: 2 },
  /** Volumes: the smallest claim the stack makes. */
  storageGi: 10,
  /** Store Gateway's index-header cache: a few hundred MiB per TB of blocks; 20 GiB covers the first years. */
  thanosStoreGatewayStorageGi: 20,
} as const;

/** Limit = request × factor (CPU, memory). Elasticsearch's memory limit is its request (the heap is sized from it). */
const LIMIT_FACTORS = {
  prometheus: { cpu: 2, memory: 2 },
  loki: { cpu: 4, memory: 4 },
  elasticsearch: { cpu: 2, memory: 1 },
  jaeger: { cpu: 5, memory: 2 },
  thanos: { cpu: 4, memory: 4 },
  thanosCompactor: { cpu: 4, memory: 2 },
} as const;

/** One kind of pod: what each replica needs. */
export interface PodSize {
  /** The component (and target): "prometheus", "loki-write", "thanos-compactor", ... */
  component: string;
  /** The config key of its resources, e.g. "loki.write.resources". */
  key: string;
  replicas: number;
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** Per-pod claim size, in GiB; undefined for a stateless pod. */
  storageGi?: number;
}

/** The stack settings the model sets (a slice of the stack config). */
export interface SizedSettings {
  prometheus: { resources: PodResources; storageGi: number; retentionSizeGi: number; estimatedGiPerDay: number };
  loki: {
    estimatedGiPerDay: number;
    storageGi: number;
    resources: PodResources;
    write: { resources: PodResources };
    read: { resources: PodResources };
    backend: { storageGi: number; resources: PodResources };
  };
  elasticsearch: { storageGi: number; heapMi: number; resources: PodResources };
  /** storageGi only with badger, where the traces are on Jaeger's own volume. */
  jaeger: { estimatedGiPerDay: number; storageGi?: number; resources: PodResources };
  logShipper: { lokiBufferMb: number };
  thanos: {
    query: { resources: PodResources };
    storeGateway: { storageGi: number; resources: PodResources };
    compactor: { storageGi: number; resources: PodResources };
  };
}
type PodResources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

export interface Sizing {
  /** Every pod kind the layout runs, with its replicas, requests, limits and claim. */
  pods: PodSize[];
  /** S3 growth per month, in GiB, per bucket (only the buckets the layout writes). */
  s3GiPerMonth: { loki?: number; elasticsearchSnapshots: number; thanos?: number };
  settings: SizedSettings;
}

const GIB = 1024 ** 3;
const GB = 1e9;
const DAY = 86_400;

/** Round up to a step (a tiny epsilon keeps exact multiples from rounding up). */
function ceilTo(v: number, step: number): number {
  return Math.ceil(v / step - 1e-9) * step;
}
/** CPU to 50m. */
function cpu(cores: number): string {
  const m = Math.max(50, ceilTo(cores * 1000, 50));
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}
/** Memory to 128 Mi below 1 GiB, else to 1 Gi. */
function memory(gi: number): string {
  if (gi < 1) return `${Math.max(128, ceilTo(gi * 1024, 128))}Mi`;
  return `${ceilTo(gi, 1)}Gi`;
}
/** Volumes to 10 Gi, at least the smallest claim. */
function storage(gi: number): number {
  return Math.max(MINIMUM_POD.storageGi, ceilTo(gi, 10));
}
/** Daily estimates up to 0.1 GiB, at least 0.1. */
function perDay(gi: number): number {
  return Math.max(0.1, Number((ceilTo(gi * 10, 1) / 10).toFixed(1)));
}
function resources(cores: number, memGi: number, f: { cpu: number; memory: number }): PodResources {
  return { requests: { cpu: cpu(cores), memory: memory(memGi) }, limits: { cpu: cpu(cores * f.cpu), memory: memory(memGi * f.memory) } };
}
function atLeast(need: { cores: number; memoryGi: number }, min: { cores: number; memoryGi: number }) {
  return { cores: Math.max(need.cores, min.cores), memoryGi: Math.max(need.memoryGi, min.memoryGi) };
}

/** The sizes the load needs on the layout. */
export function size(load: Load, layout: Layout = PROD_LAYOUT): Sizing {
  const u = UNIT_COSTS;
  const pods: PodSize[] = [];
  const pod = (component: string, key: string, replicas: number, r: PodResources, storageGi?: number) => {
    pods.push({ component, key, replicas, ...r, ...(storageGi === undefined ? {} : { storageGi }) });
    return r;
  };

  // Prometheus: each replica scrapes everything and keeps the whole retention.
  const samplesPerSecond = load.series / load.scrapeIntervalSeconds;
  // Daily growths are the rounded estimates the config carries, so its storage checks agree.
  const tsdbGiPerDay = perDay((samplesPerSecond * DAY * u.prometheusBytesPerSample) / GIB);
  const walGi = (samplesPerSecond * u.prometheusWalHours * 3600 * u.prometheusWalBytesPerSample) / GIB;
  const promStorage = storage((tsdbGiPerDay * load.metricsRetentionDays + walGi) / u.usableDiskShare);
  const promRes = pod(
    "prometheus",
    "prometheus.resources",
    layout.prometheusReplicas,
    resources(
      samplesPerSecond / u.prometheusSamplesPerSecondPerCore + u.prometheusQueryCores,
      (load.series * u.prometheusHeadKiBPerSeries * 1024) / GIB + u.prometheusQueryMemoryGi,
      LIMIT_FACTORS.prometheus,
    ),
    promStorage,
  );

  // Thanos: the sidecars upload each replica's blocks; the Compactor adds the downsampled ones.
  const thanosQuery = resources(MINIMUM_POD.thanosQuery.cores, MINIMUM_POD.thanosQuery.memoryGi, LIMIT_FACTORS.thanos);
  const thanosStore = resources(MINIMUM_POD.thanosStoreGateway.cores, MINIMUM_POD.thanosStoreGateway.memoryGi, LIMIT_FACTORS.thanos);
  const thanosCompactor = resources(MINIMUM_POD.thanosCompactor.cores, MINIMUM_POD.thanosCompactor.memoryGi, LIMIT_FACTORS.thanosCompactor);
  const thanos: SizedSettings["thanos"] = {
    query: { resources: thanosQuery },
    storeGateway: { storageGi: MINIMUM_POD.thanosStoreGatewayStorageGi, resources: thanosStore },
    compactor: { storageGi: u.thanosCompactorDiskGi, resources: thanosCompactor },
  };
  if (layout.thanos.enabled) {
    pod("thanos-query", "thanos.query.resources", layout.thanos.query, thanosQuery);
    pod("thanos-store-gateway", "thanos.storeGateway.resources", layout.thanos.storeGateway, thanosStore, MINIMUM_POD.thanosStoreGatewayStorageGi);
    pod("thanos-compactor", "thanos.compactor.resources", 1, thanosCompactor, u.thanosCompactorDiskGi);
  }

  // Loki: compressed chunks in the bucket (or on the volume with the filesystem store); each target
  // from the per-TB/day costs, spread over its replicas, at least MINIMUM_POD.
  const tbPerDay = load.logsGbPerDay / 1000;
  const lokiChunksGiPerDay = perDay((load.logsGbPerDay * GB) / u.lokiCompressionRatio / GIB);
  const L = u.lokiPerTbDay;
  const target = (t: keyof typeof LOKI_PER_TB_DAY, replicas: number) => ({ cores: (L[t].cores * tbPerDay) / replicas, memoryGi: (L[t].memoryGi * tbPerDay) / replicas });
  const lokiMonolithic = atLeast(
    { cores: (L.write.cores + L.read.cores + L.backend.cores) * tbPerDay, memoryGi: (L.write.memoryGi + L.read.memoryGi + L.backend.memoryGi) * tbPerDay },
    MINIMUM_POD.lokiMonolithic,
  );
  const lokiMonolithicRes = resources(lokiMonolithic.cores, lokiMonolithic.memoryGi, LIMIT_FACTORS.loki);
  const lokiWrite = atLeast(target("write", layout.loki.write), MINIMUM_POD.lokiWrite);
  const lokiRead = atLeast(target("read", layout.loki.read), MINIMUM_POD.lokiRead);
  const lokiBackend = atLeast(target("backend", layout.loki.backend), MINIMUM_POD.lokiBackend);
  const lokiWriteRes = resources(lokiWrite.cores, lokiWrite.memoryGi, LIMIT_FACTORS.loki);
  const lokiReadRes = resources(lokiRead.cores, lokiRead.memoryGi, LIMIT_FACTORS.loki);
  const lokiBackendRes = resources(lokiBackend.cores, lokiBackend.memoryGi, LIMIT_FACTORS.loki);
  // Each stream lands on replicationFactor write replicas: a write replica's WAL holds its share.
  const scalable = layout.loki.mode === "scalable";
  const walShare = scalable ? layout.loki.replicationFactor / layout.loki.write : 1;
  const walGiLoki = ((load.logsGbPerDay * GB) / 24 / GIB) * u.lokiWalHours * u.lokiWalCopies * walShare;
  const chunksOnVolume = !scalable && !layout.loki.objectStorage ? lokiChunksGiPerDay * load.logsRetentionDays : 0;
  const lokiStorage = storage((walGiLoki + chunksOnVolume) / u.volumeUsableShare);
  // The backend's claim is its compactor's working directory and index cache: the smallest claim.
  const lokiBackendStorage = MINIMUM_POD.storageGi;
  if (scalable) {
    pod("loki-write", "loki.write.resources", layout.loki.write, lokiWriteRes, lokiStorage);
    pod("loki-read", "loki.read.resources", layout.loki.read, lokiReadRes);
    pod("loki-backend", "loki.backend.resources", layout.loki.backend, lokiBackendRes, lokiBackendStorage);
  } else {
    pod("loki", "loki.resources", 1, lokiMonolithicRes, lokiStorage);
  }

  // Elasticsearch: every log class for its retention, plus Jaeger's traces when stored there, one
  // replica of each shard on 2+ nodes; memory from the hot and warm data each node holds.
  const copies = layout.elasticsearchReplicas > 1 ? 2 : 1;
  const spansGiPerDay = perDay((load.spansPerSecond * DAY * u.jaegerBytesPerSpan) / GIB);
  const tracesInEs = layout.tracesStorage === "elasticsearch";
  let hotGi = 0;
  let allGi = 0;
  let indexedGiPerDay = 0;
  for (const c of Object.values(load.logClasses)) {
    hotGi += c.giPerDay * Math.min(c.hotDays, c.retentionDays);
    allGi += c.giPerDay * c.retentionDays;
    indexedGiPerDay += c.giPerDay;
  }
  if (tracesInEs) {
    // Jaeger's daily indices stay hot until the index cleaner deletes them.
    hotGi += spansGiPerDay * load.tracesRetentionDays;
    allGi += spansGiPerDay * load.tracesRetentionDays;
    indexedGiPerDay += spansGiPerDay;
  }
  const perNode = (gi: number) => (gi * copies) / layout.elasticsearchReplicas;
  const esStorage = storage(perNode(allGi) / u.usableDiskShare);
  const es = atLeast(
    {
      cores: (indexedGiPerDay * GIB) / GB / u.elasticsearchGbPerDayPerCore / layout.elasticsearchReplicas,
      memoryGi: perNode(hotGi) / u.elasticsearchHotDataPerMemory + perNode(allGi - hotGi) / u.elasticsearchWarmDataPerMemory,
    },
    MINIMUM_POD.elasticsearch,
  );
  const esRes = pod("elasticsearch", "elasticsearch.resources", layout.elasticsearchReplicas, resources(es.cores, es.memoryGi, LIMIT_FACTORS.elasticsearch), esStorage);
  const esHeapMi = Math.min(u.elasticsearchMaxHeapMi, Math.floor((quantityMi(esRes.limits.memory) * u.elasticsearchHeapShare) / 256) * 256);

  // Jaeger: collectors by span rate; badger keeps the traces on the volume.
  const jaeger = atLeast({ cores: load.spansPerSecond / u.jaegerSpansPerSecondPerCore / layout.jaegerReplicas, memoryGi: 0 }, MINIMUM_POD.jaeger);
  const jaegerStorage = storage((spansGiPerDay * load.tracesRetentionDays) / u.volumeUsableShare);
  const jaegerRes = pod("jaeger", "jaeger.resources", layout.jaegerReplicas, resources(jaeger.cores, jaeger.memoryGi, LIMIT_FACTORS.jaeger), layout.tracesStorage === "badger" ? jaegerStorage : undefined);

  // Fluent Bit: each node's buffer holds lokiOutageHours of its share of the logs, in 512 MB steps.
  const lokiBufferMb = Math.max(512, ceilTo(nodeLogsMbPerHour(load.logsGbPerDay, load.nodes) * u.lokiOutageHours, 512));

  const lokiS3 = scalable || layout.loki.objectStorage ? Math.ceil(lokiChunksGiPerDay * 30) : undefined;
  const thanosS3 = layout.thanos.enabled
    ? Math.ceil((samplesPerSecond * DAY * 30 * u.prometheusBytesPerSample * layout.prometheusReplicas * u.thanosStorageFactorAllResolutions) / GIB)
    : undefined;
  return {
    pods,
    s3GiPerMonth: {
      ...(lokiS3 === undefined ? {} : { loki: lokiS3 }),
      // Snapshots are incremental: a day's new segments, once.
      elasticsearchSnapshots: Math.ceil(indexedGiPerDay * 30),
      ...(thanosS3 === undefined ? {} : { thanos: thanosS3 }),
    },
    settings: {
      prometheus: { resources: promRes, storageGi: promStorage, retentionSizeGi: Math.max(Math.ceil(tsdbGiPerDay * load.metricsRetentionDays), Math.floor(promStorage * u.usableDiskShare)), estimatedGiPerDay: tsdbGiPerDay },
      loki: {
        estimatedGiPerDay: lokiChunksGiPerDay,
        storageGi: lokiStorage,
        resources: lokiMonolithicRes,
        write: { resources: lokiWriteRes },
        read: { resources: lokiReadRes },
        backend: { storageGi: lokiBackendStorage, resources: lokiBackendRes },
      },
      elasticsearch: { storageGi: esStorage, heapMi: esHeapMi, resources: esRes },
      jaeger: { estimatedGiPerDay: spansGiPerDay, ...(layout.tracesStorage === "badger" ? { storageGi: jaegerStorage } : {}), resources: jaegerRes },
      logShipper: { lokiBufferMb },
      thanos,
    },
  };
}

/** The largest claim the config takes (its storageGi bound): 16 TiB. */
export const MAX_CLAIM_GI = 16_384;

/** Pods that need more than the largest node (or a claim above MAX_CLAIM_GI): each names the component, its key and both sizes. */
export function sizeProblems(s: Sizing, node: NodeSize): string[] {
  const problems: string[] = [];
  for (const p of s.pods) {
    const cores = quantityMilli(p.requests.cpu) / 1000;
    const gi = quantityMi(p.requests.memory) / 1024;
    // Every Prometheus replica holds every series: only fewer series per Prometheus helps.
    const fix = p.component === "prometheus" ? "shard the scrape targets over more Prometheus pairs, or larger nodes" : "spread the load over more replicas, or larger nodes";
    if (cores > node.cpu) problems.push(`${p.component}: needs ${p.requests.cpu} CPU per pod (${p.key}), more than the largest node (${node.cpu}); ${fix}`);
    if (gi > node.memoryGi) problems.push(`${p.component}: needs ${p.requests.memory} of memory per pod (${p.key}), more than the largest node (${node.memoryGi}Gi); ${fix}`);
    if (p.storageGi !== undefined && p.storageGi > MAX_CLAIM_GI) {
      const claimKey = p.key.replace(/resources$/, "storageGi");
      problems.push(`${p.component}: needs a ${p.storageGi}Gi claim per pod (${claimKey}), more than the largest claim the stack makes (${MAX_CLAIM_GI}Gi); a shorter retention, or ${fix}`);
    }
  }
  return problems;
}

/**
 * How long a node's Fluent Bit buffer for Loki (lokiBufferMb) holds a Loki outage without losing a
 * log, in hours, when `logsGbPerDay` is spread evenly over `nodes` (buffered chunks are about the
 * raw size).
 */
export function lokiBufferHours(lokiBufferMb: number, logsGbPerDay: number, nodes: number): number {
  return lokiBufferMb / nodeLogsMbPerHour(logsGbPerDay, nodes);
}

/** One node's share of the logs, in MB an hour, when `logsGbPerDay` is spread evenly over `nodes`. */
function nodeLogsMbPerHour(logsGbPerDay: number, nodes: number): number {
  return (logsGbPerDay * 1000) / nodes / 24;
}

/**
 * `capacity.*` in the stack config: the largest node (every pod's requests must fit it) and,
 * optionally, the load the stack carries, which then sizes it (loadConfig).
 */
export const capacitySchema = z
  .object({
    /** The largest node a pod may land on: a request above it would leave the pod Pending. */
    largestNode: z.object({ cpu: z.number().gt(0).max(1024), memoryGi: z.number().gt(0).max(16384) }).strict(),
    /**
     * The expected load. When set, the capacity model sizes every pod, claim and estimate it covers
     * from it, with the retentions, log classes and replicas of the config; keys the stack file
     * sets itself still win. Unset: the raw sizes of the config.
     */
    load: z
      .object({
        /** Active series in each Prometheus. */
        series: z.number().int().min(1).max(1e9),
        /** Raw log volume to Loki, GB per day. */
        logsGbPerDay: z.number().min(0).max(1e6),
        /** Stored spans per second, after sampling. */
        spansPerSecond: z.number().min(0).max(1e7),
        /** Nodes the logs come from (Fluent Bit's buffer per node). */
        nodes: z.number().int().min(1).max(100_000),
      })
      .strict()
      .optional(),
  })
  .strict();
export type CapacitySettings = z.infer<typeof capacitySchema>;

/** The load of a stack config: `capacity.load` with the config's retentions, scrape interval and log classes. */
export function loadOf(cfg: StackConfig, load: NonNullable<CapacitySettings["load"]>): Load {
  return {
    series: load.series,
    scrapeIntervalSeconds: cfg.prometheus.scrapeIntervalSeconds,
    metricsRetentionDays: cfg.prometheus.retentionDays,
    logsGbPerDay: load.logsGbPerDay,
    logsRetentionDays: cfg.loki.retentionDays,
    logClasses: Object.fromEntries(
      Object.entries(cfg.elasticsearch.logClasses).map(([name, c]) => [name, { giPerDay: c.estimatedGiPerDay, hotDays: c.warmAfterDays, retentionDays: c.deleteAfterDays }]),
    ),
    spansPerSecond: load.spansPerSecond,
    tracesRetentionDays: cfg.jaeger.retentionDays,
    nodes: load.nodes,
  };
}

/** The layout of a stack config: its replicas and stores. */
export function layoutOf(cfg: StackConfig): Layout {
  return {
    prometheusReplicas: cfg.prometheus.replicas,
    elasticsearchReplicas: cfg.elasticsearch.replicas,
    jaegerReplicas: cfg.jaeger.replicas,
    tracesStorage: cfg.jaeger.storage,
    loki: {
      mode: cfg.loki.mode,
      objectStorage: cfg.aws.enabled || cfg.loki.objectStore !== undefined,
      replicationFactor: cfg.loki.replicationFactor,
      write: cfg.loki.write.replicas,
      read: cfg.loki.read.replicas,
      backend: cfg.loki.backend.replicas,
    },
    thanos: { enabled: cfg.thanos.enabled, query: cfg.thanos.query.replicas, storeGateway: cfg.thanos.storeGateway.replicas },
  };
}

/** The sizing of a config whose `capacity.load` is set (undefined without one). */
export function sizingOf(cfg: StackConfig): Sizing | undefined {
  return cfg.capacity.load === undefined ? undefined : size(loadOf(cfg, cfg.capacity.load), layoutOf(cfg));
}

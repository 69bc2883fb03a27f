/**
 * Loki's config file (Loki 3.7, TSDB schema v13) as a pure builder: monolithic (`-target=all`, an
 * in-memory ring of one), or the scalable deployment's (`-target=write|read|backend`, one file for
 * the three targets: a memberlist ring, replicated and zone-aware, on object storage).
 *
 * Loki's own default keeps logs forever (limits_config.retention_period 0s, compactor retention off);
 * this builder always turns retention on: the compactor deletes chunks older than retentionDays, with
 * the delete-request store on the same object store as the chunks, and queries never look further
 * back than the data that is kept.
 *
 * Every key here was checked against Loki 3.7's configuration reference, and the generated files are
 * held to it by test/loki/config-reference.test.ts: every key and its type, and the cross-field rules
 * Loki enforces at startup (no Loki binary runs in the tests: Loki is AGPL-licensed, and the
 * toolchain builds no AGPL module).
 */
import { deepMerge } from "../config/merge";
import type { LokiSettings } from "./schema";
import { lokiS3Storage } from "../aws/loki-s3";
import { PORTS } from "../endpoints";
import { zoneScript } from "../elasticsearch/config-file";

/** Where the config file is mounted, and its name: also the ConfigMap data key (a policy reads it). */
export const CONFIG_DIR = "/etc/loki";
export const CONFIG_FILE = "loki.yaml";
/** Loki's data directory: the data volume is mounted here (chunks, TSDB index, WAL, compactor). */
export const DATA_DIR = "/var/loki";

/**
 * First day of the filesystem schema period. Fixed, never "today": a schema period that moves
 * would make Loki read existing chunks with the wrong schema. Same day as the S3 fragment's default.
 */
export const SCHEMA_FROM = "2025-01-01";

/** Loki's push API path (relative to its base URL): the log shipper's output and the pushUrl output. */
export const LOKI_PUSH_PATH = "/loki/api/v1/push";

/** How old a pushed line may be before Loki rejects it (also how far back a restarted shipper can replay). */
export const REJECT_OLD_SAMPLES_MAX_AGE = "168h";

export type LokiStorage =
  | { type: "filesystem" }
  | {
      type: "s3";
      /** AWS region of the buckets. */
      region: string;
      /** Bucket for chunks, index and delete requests. */
      chunksBucket: string;
      /** Bucket for the ruler's rule groups. */
      rulerBucket: string;
      /** An S3-compatible endpoint (host[:port]) instead of AWS's; path-style requests. Unset: AWS S3. */
      endpoint?: string;
      /** Plain HTTP to `endpoint`. Default false. */
      insecure?: boolean;
    };

/** The scalable deployment's addresses and replication (what a monolithic process does not need). */
export interface LokiScalable {
  /** DNS name of the headless Service over every Loki pod: memberlist's join address. */
  memberlistHost: string;
  /** DNS name of the backend's headless Service: the query schedulers and index gateways, each pod. */
  backendHeadlessHost: string;
  /** DNS name of the backend's Service: the compactor's HTTP API (delete requests). */
  backendHost: string;
  /** Copies of each stream (common.replication_factor). */
  replicationFactor: number;
  /**
   * Zone-aware replication: the copies of a stream go to write replicas in different zones. Each pod's
   * zone is written into its copy of the file at start (ZONE_PLACEHOLDER, components/loki/component.ts).
   */
  zoneAware: boolean;
}

/**
 * Where each pod's zone goes in the scalable config: an init container replaces it with the zone of
 * the pod's node (quoted), in the pod's own copy of the file. Never a real zone name.
 */
export const ZONE_PLACEHOLDER = "__NODE_ZONE__";
/**
 * The script of the init container that writes a pod's own copy of the scalable file (bash, curl and
 * sed of the Elasticsearch image; Loki's image has no shell): the zone of the pod's node, read from
 * the API by Elasticsearch's zone script (NODE_NAME, TOKEN_DIR, KUBE_API, OUT), in place of
 * ZONE_PLACEHOLDER, quoted so that a zone such as "1" stays a string. Without zone awareness, a copy.
 * CONFIG_IN and CONFIG_OUT are the file read and the file written.
 */
export function renderScript(opts: { zoneAware: boolean; zoneLabel: string; zoneRequired: boolean }): string {
  const io = `IN=\${CONFIG_IN:?CONFIG_IN must be set}\nOUT_FILE=\${CONFIG_OUT:?CONFIG_OUT must be set}\n`;
  if (!opts.zoneAware) return `set -eu\n${io}cp "$IN" "$OUT_FILE"\n`;
  return `${zoneScript({ zoneLabel: opts.zoneLabel, required: opts.zoneRequired })}${io}sed "s|${ZONE_PLACEHOLDER}|\\"$zone\\"|g" "$IN" >"$OUT_FILE"\n`;
}

/** The pod's IP, from the environment (`-config.expand-env=true`): what each target announces in the ring. */
export const POD_IP_REFERENCE = "${POD_IP}";
/** Memberlist's gossip port (TCP and UDP). */
export const MEMBERLIST_PORT = 7946;

export interface LokiConfigOptions {
  /** Object store of chunks, index, delete requests and rules. */
  storage: LokiStorage;
  /** Data directory inside the container. Default DATA_DIR; tests point it at a temporary directory. */
  dataDir?: string;
  /** The scalable deployment (object storage only). Unset: monolithic. */
  scalable?: LokiScalable;
}

/** retentionDays as a Loki duration in hours ("168h"), the unit Loki's own docs and examples use. */
export function retentionPeriod(retentionDays: number): string {
  return `${retentionDays * 24}h`;
}

/**
 * Loki's config for one environment's settings. A plain object: serialise it with `yaml`.
 * The burst allows twice the sustained rate, so a shipper catching up after a restart is not rejected.
 */
export function buildLokiConfig(settings: Pick<LokiSettings, "retentionDays" | "ingestionRateMb">, opts: LokiConfigOptions): Record<string, unknown> {
  const dir = opts.dataDir ?? DATA_DIR;
  const retention = retentionPeriod(settings.retentionDays);
  const s3 = opts.storage.type === "s3";

  const base = {
    auth_enabled: false,
    server: {
      http_listen_port: PORTS.lokiHttp,
      grpc_listen_port: PORTS.lokiGrpc,
      log_level: "info",
    },
    common: {
      path_prefix: dir,
      replication_factor: 1,
      // Monolithic: one process talks only to itself: its ring entry and its query frontend (which the
      // in-process querier calls back over gRPC) announce loopback instead of an address Loki looks
      // up by interface name (eth0, en0), which fails or hangs queries where that name differs.
      instance_addr: "127.0.0.1",
      ring: { kvstore: { store: "inmemory" } },
      ...(s3 ? {} : { storage: { filesystem: { chunks_directory: `${dir}/chunks`, rules_directory: `${dir}/rules` } } }),
    },
    schema_config: {
      configs: [{ from: SCHEMA_FROM, store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }],
    },
    storage_config: {
      tsdb_shipper: { active_index_directory: `${dir}/tsdb-index`, cache_location: `${dir}/tsdb-cache` },
    },
    ingester: {
      wal: { enabled: true, dir: `${dir}/wal` },
    },
    compactor: {
      working_directory: `${dir}/compactor`,
      compaction_interval: "10m",
      retention_enabled: true,
      // Deleted chunks are kept this long after being marked, so a mistaken retention change can be undone.
      retention_delete_delay: "2h",
      delete_request_store: "filesystem",
    },
    limits_config: {
      retention_period: retention,
      ingestion_rate_mb: settings.ingestionRateMb,
      ingestion_burst_size_mb: settings.ingestionRateMb * 2,
      reject_old_samples: true,
      reject_old_samples_max_age: REJECT_OLD_SAMPLES_MAX_AGE,
      // Nothing older than the retention exists; queries stop there instead of scanning empty tables.
      max_query_lookback: retention,
      // The shipper sends trace ids as structured metadata (schema v13 only).
      allow_structured_metadata: true,
      volume_enabled: true,
    },
    ruler: {
      rule_path: `${dir}/rules-temp`,
      storage: { type: "local", local: { directory: `${dir}/rules` } },
    },
    analytics: { reporting_enabled: false },
  };
  if (opts.storage.type === "filesystem") {
    if (opts.scalable) throw new Error("Loki's scalable deployment needs object storage: its targets share no volume");
    return base;
  }
  // The S3 fragment brings common.storage.s3, the s3 schema period, compactor.delete_request_store
  // and ruler.storage; arrays (the schema periods) are replaced, not appended.
  const { region, chunksBucket, rulerBucket, endpoint, insecure } = opts.storage;
  // The ruler's local block would be ignored with type s3: it is left out so the file says what runs.
  const withoutLocalRules = { ...base, ruler: { rule_path: base.ruler.rule_path } };
  let conf = deepMerge(withoutLocalRules as Record<string, unknown>, lokiS3Storage({ region, chunksBucket, rulerBucket }));
  if (endpoint) {
    // An S3-compatible store: its own endpoint, path-style bucket addressing (no per-bucket DNS names).
    const compatible = { endpoint, s3forcepathstyle: true, insecure: insecure ?? false };
    conf = deepMerge(conf, { common: { storage: { s3: compatible } }, ruler: { storage: { s3: compatible } } });
  }
  return opts.scalable ? deepMerge(conf, scalableOverlay(opts.scalable)) : conf;
}

/**
 * What the scalable deployment changes in the file: every target announces its pod IP in a ring
 * kept by memberlist (joined through the headless Service over all Loki pods), streams are
 * replicated `replicationFactor` times across zones, and the read target finds the query schedulers,
 * index gateways and compactor on the backend target.
 */
function scalableOverlay(sc: LokiScalable): Record<string, unknown> {
  const grpc = PORTS.lokiGrpc;
  return {
    common: {
      replication_factor: sc.replicationFactor,
      instance_addr: POD_IP_REFERENCE,
      ring: {
        kvstore: { store: "memberlist" },
        ...(sc.zoneAware ? { zone_awareness_enabled: true, instance_availability_zone: ZONE_PLACEHOLDER } : {}),
      },
      compactor_address: `http://${sc.backendHost}:${PORTS.lokiHttp}`,
    },
    memberlist: {
      join_members: [`dns+${sc.memberlistHost}:${MEMBERLIST_PORT}`],
      bind_port: MEMBERLIST_PORT,
      advertise_port: MEMBERLIST_PORT,
      // A pod that left (rolling update, drain) is forgotten, not waited for.
      left_ingesters_timeout: "30s",
    },
    frontend: { scheduler_address: `${sc.backendHeadlessHost}:${grpc}` },
    frontend_worker: { scheduler_address: `${sc.backendHeadlessHost}:${grpc}` },
    storage_config: { tsdb_shipper: { index_gateway_client: { server_address: `dns+${sc.backendHeadlessHost}:${grpc}` } } },
  };
}

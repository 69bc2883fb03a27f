/**
 * Pure builders of Thanos' command lines and its object-storage config. The component deploys them;
 * the tests run them with the real thanos binary (test/thanos/).
 */
import { PORTS } from "../endpoints";
import type { ThanosRetention } from "./schema";

/**
 * The external label that tells the two Prometheus replicas apart: each sets it to its pod's name,
 * Query deduplicates by it, and alerts drop it (Alertmanager still sees one alert from the pair).
 */
export const REPLICA_LABEL = "prometheus_replica";
/** The environment variable of the Prometheus container holding its pod's name. */
export const POD_NAME_ENV = "POD_NAME";

/** Where the objstore Secret is mounted, and its one key. */
export const OBJSTORE_DIR = "/etc/thanos";
export const OBJSTORE_FILE = "objstore.yaml";

/**
 * Prometheus' flags for a sidecar that uploads its blocks: 2-hour blocks, never compacted locally
 * (the Compactor compacts in the bucket; a locally compacted block would be uploaded twice).
 */
export const PROMETHEUS_BLOCK_FLAGS = ["--storage.tsdb.min-block-duration=2h", "--storage.tsdb.max-block-duration=2h"];

/** An S3 bucket as Thanos' objstore config (type S3). No credentials: the pods' role provides them. */
export interface ObjectStorage {
  bucket: string;
  /** "host" or "host:port", HTTPS. */
  endpoint: string;
  region: string;
  /**
   * Use the AWS SDK's credential chain (IRSA's web-identity token). Off: the S3 client's own chain
   * (environment, instance profile), as an S3-compatible endpoint outside AWS needs.
   */
  awsSdkAuth: boolean;
}

/** objstore.yaml as a plain object. */
export function objstoreConfig(s: ObjectStorage): Record<string, unknown> {
  return {
    type: "S3",
    config: {
      bucket: s.bucket,
      endpoint: s.endpoint,
      region: s.region,
      insecure: false,
      ...(s.awsSdkAuth ? { aws_sdk_auth: true } : {}),
    },
  };
}

/** The S3 endpoint of an AWS region. */
export function awsS3Endpoint(region: string): string {
  return `s3.${region}.amazonaws.com`;
}

/** The port an objstore endpoint is reached on (443 unless it names one). */
export function endpointPort(endpoint: string): number {
  const m = /:(\d+)$/.exec(endpoint);
  return m ? Number(m[1]) : 443;
}

/** Listen addresses of a Thanos component; in the cluster, every interface on the stack's ports. */
export interface Listen {
  grpc: string;
  http: string;
}
export const CLUSTER_LISTEN: Listen = { grpc: `0.0.0.0:${PORTS.thanosGrpc}`, http: `0.0.0.0:${PORTS.thanosHttp}` };

const listenFlags = (l: Listen) => [`--grpc-address=${l.grpc}`, `--http-address=${l.http}`];

/** `thanos sidecar`: serves the local TSDB to Query and, with an objstore config, uploads its blocks. */
export function sidecarArgs(o: { tsdbPath: string; prometheusUrl: string; objstoreFile?: string; listen?: Listen }): string[] {
  return [
    "sidecar",
    `--tsdb.path=${o.tsdbPath}`,
    `--prometheus.url=${o.prometheusUrl}`,
    ...listenFlags(o.listen ?? CLUSTER_LISTEN),
    ...(o.objstoreFile ? [`--objstore.config-file=${o.objstoreFile}`] : []),
  ];
}

/**
 * `thanos query`: PromQL over every StoreAPI endpoint (the sidecars, the Store Gateway), with the
 * series of the Prometheus replicas merged into one by REPLICA_LABEL. Auto-downsampling picks the
 * coarsest resolution a range query's step allows.
 */
export function queryArgs(o: { endpoints: string[]; listen?: Listen }): string[] {
  return [
    "query",
    ...listenFlags(o.listen ?? CLUSTER_LISTEN),
    `--query.replica-label=${REPLICA_LABEL}`,
    "--query.auto-downsampling",
    ...o.endpoints.map((e) => `--endpoint=${e}`),
  ];
}

/** `thanos store`: serves the bucket's blocks, caching their index headers in `dataDir`. */
export function storeArgs(o: { dataDir: string; objstoreFile: string; listen?: Listen }): string[] {
  return ["store", ...listenFlags(o.listen ?? CLUSTER_LISTEN), `--data-dir=${o.dataDir}`, `--objstore.config-file=${o.objstoreFile}`];
}

/** The Compactor's retention flags, one per resolution. */
export function retentionFlags(r: ThanosRetention): string[] {
  return [`--retention.resolution-raw=${r.rawDays}d`, `--retention.resolution-5m=${r.fiveMinuteDays}d`, `--retention.resolution-1h=${r.oneHourDays}d`];
}

/**
 * `thanos compact --wait`: compacts and downsamples the bucket's blocks (5 m and 1 h resolutions) and
 * deletes them after the retention of their resolution. It runs continuously, as the only Compactor
 * of the bucket. (Vertical deduplication of the two replicas' blocks, --deduplication.replica-label,
 * is experimental upstream and not used: the bucket keeps both copies, Query deduplicates.)
 */
export function compactArgs(o: { dataDir: string; objstoreFile: string; retention: ThanosRetention; http?: string }): string[] {
  return ["compact", "--wait", `--http-address=${o.http ?? CLUSTER_LISTEN.http}`, `--data-dir=${o.dataDir}`, `--objstore.config-file=${o.objstoreFile}`, ...retentionFlags(o.retention)];
}

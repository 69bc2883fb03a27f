/**
 * Thanos' settings: the schema of the stack config's `thanos.*` keys and the defaults of a Thanos
 * created on its own. Thanos keeps Prometheus' blocks in object storage beyond the local disk's
 * retention and answers queries over both Prometheus replicas, deduplicated; alerting stays on each
 * Prometheus. The stack's schema (components/config/schema.ts) composes this one.
 */
import { z } from "zod";
import { replicas, resourcesSchema, res, storageGi } from "../config/shared";

const days = z.number().int().min(1).max(3650);

export const thanosRetentionSchema = z
  .object({
    /** Compactor `--retention.resolution-raw`: raw samples, in days. */
    rawDays: days,
    /** Compactor `--retention.resolution-5m`: the 5-minute downsampled blocks, in days. */
    fiveMinuteDays: days,
    /**
     * Compactor `--retention.resolution-1h`: the 1-hour downsampled blocks, in days. The bucket's
     * lifecycle expires objects after the longest of the three (the backstop for what the Compactor
     * missed), so it never deletes a block the Compactor still keeps.
     */
    oneHourDays: days,
  })
  .strict();
export type ThanosRetention = z.infer<typeof thanosRetentionSchema>;

/** "host" or "host:port" of an S3-compatible endpoint (HTTPS). */
const endpoint = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/, { message: 'an S3-compatible endpoint "host" or "host:port" (HTTPS)' });
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "an S3 bucket name (3-63 lowercase letters, digits, '.' and '-')" });

export const thanosSchema = z
  .object({
    /** Sidecars on the Prometheus pods, Query, Store Gateway and Compactor. Default false (dev) / true (prod). */
    enabled: z.boolean(),
    /** How long the bucket keeps each resolution (the Compactor's retention and the bucket's lifecycle). */
    retention: thanosRetentionSchema,
    /**
     * Object storage without AWS (aws.enabled false): an S3-compatible endpoint and a bucket that
     * exist outside the stack, whose lifecycle is the operator's. Credentials never come from here:
     * the S3 client reads the pods' environment (a role, the node's instance profile). With
     * aws.enabled the stack creates the bucket and these must be unset. No default.
     */
    objectStorage: z.object({ endpoint: endpoint.optional(), bucket: bucketName.optional() }).strict(),
    /** The sidecar container beside each Prometheus. */
    sidecar: z.object({ resources: resourcesSchema }).strict(),
    /** Query: the PromQL API Grafana uses, deduplicating the Prometheus replicas. */
    query: z.object({ replicas, resources: resourcesSchema }).strict(),
    /** Store Gateway: serves the bucket's blocks to Query; its claim caches their index headers. */
    storeGateway: z.object({ replicas, storageGi, resources: resourcesSchema }).strict(),
    /** Compactor (one replica: it must be the bucket's only one): compaction, downsampling, retention. */
    compactor: z.object({ storageGi, resources: resourcesSchema }).strict(),
  })
  .strict();

export type ThanosSettings = z.infer<typeof thanosSchema>;

/** The defaults of a Thanos created on its own (the stack's presets overlay them). */
export const THANOS_DEFAULTS: Omit<ThanosSettings, "enabled"> = {
  retention: { rawDays: 30, fiveMinuteDays: 90, oneHourDays: 365 },
  objectStorage: {},
  sidecar: { resources: res("50m", "64Mi", "500m", "256Mi") },
  query: { replicas: 1, resources: res("100m", "256Mi", "1", "1Gi") },
  storeGateway: { replicas: 1, storageGi: 10, resources: res("100m", "256Mi", "1", "1Gi") },
  compactor: { storageGi: 20, resources: res("100m", "256Mi", "1", "1Gi") },
};

/** The longest time the bucket keeps a block: the longest of the three resolutions' retentions. */
export function bucketRetentionDays(r: ThanosRetention): { days: number; key: keyof ThanosRetention } {
  const entries = (Object.entries(r) as [keyof ThanosRetention, number][]).sort((a, b) => b[1] - a[1]);
  return { key: entries[0][0], days: entries[0][1] };
}

/** The minimal slice of the stack config the Thanos checks read. */
export interface ThanosCheckInput {
  thanos: ThanosSettings;
  prometheus: { retentionDays: number };
  aws: { enabled: boolean };
}

const KEY = (path: string) => `observability-stack:thanos.${path}`;

/**
 * Cross-field rules of the Thanos section, in the project's message format. Empty when
 * thanos.enabled is false: a disabled section is never read.
 */
export function thanosProblems(cfg: ThanosCheckInput): string[] {
  const t = cfg.thanos;
  if (!t.enabled) return [];
  const p: string[] = [];
  const longest = bucketRetentionDays(t.retention);
  if (longest.days < cfg.prometheus.retentionDays) {
    p.push(
      `${KEY(`retention.${longest.key}`)}: ${longest.days} days, the longest the bucket keeps a block, is shorter than prometheus.retentionDays (${cfg.prometheus.retentionDays}); ` +
        `history would end in the bucket before it ends on Prometheus' own disk; allowed: >= ${cfg.prometheus.retentionDays}`,
    );
  }
  const os = t.objectStorage;
  if (cfg.aws.enabled) {
    for (const k of ["endpoint", "bucket"] as const) {
      if (os[k] !== undefined) p.push(`${KEY(`objectStorage.${k}`)}: ${JSON.stringify(os[k])} is not allowed with aws.enabled true; the stack creates the bucket (with its lifecycle) and uses it (allowed: unset)`);
    }
  } else {
    if (os.endpoint === undefined) {
      p.push(`${KEY("objectStorage.endpoint")}: missing; required when thanos.enabled is true and aws.enabled is false (an S3-compatible endpoint "host[:port]" whose bucket keeps the blocks; or set thanos.enabled false)`);
    }
    if (os.bucket === undefined) {
      p.push(`${KEY("objectStorage.bucket")}: missing; required when thanos.enabled is true and aws.enabled is false (the bucket at thanos.objectStorage.endpoint; its lifecycle is the operator's)`);
    }
  }
  return p;
}

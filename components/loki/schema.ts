/**
 * Loki's settings: the schema of the stack config's `loki.*` keys, their type, and the defaults of a
 * Loki created on its own (the stack's presets overlay them).
 */
import { z } from "zod";
import { estimatedGiPerDay, res, resourcesSchema, storageGi } from "../config/shared";

/** Replicas of one target of the scalable deployment. */
const targetReplicas = z.number().int().min(1).max(30);

export const lokiSchema = z
  .object({
    /**
     * "monolithic": one process (-target=all) in a one-replica StatefulSet, on its volume or S3.
     * "scalable": the write, read and backend targets, each replicated, on object storage shared by
     * all of them (the stack's S3 buckets with aws.enabled, else `objectStore`), with a memberlist
     * ring, `replicationFactor` copies of each stream and zone-aware replication.
     */
    mode: z.enum(["monolithic", "scalable"]),
    /** limits_config.retention_period, in days. */
    retentionDays: z.number().int().min(1).max(3650),
    /**
     * Size of each data claim, in GiB: the monolithic process's (chunks, index and WAL on the
     * filesystem store), or each write replica's (its WAL) in scalable mode: the write target takes
     * over the monolithic StatefulSet and its claims.
     */
    storageGi,
    /** Expected chunk growth on the filesystem store, GiB per day (checked without object storage, where the volume holds the chunks). */
    estimatedGiPerDay,
    /** Max ingestion per tenant, MB/s. */
    ingestionRateMb: z.number().int().min(1).max(1024),
    /** Requests and limits of the monolithic Loki container. */
    resources: resourcesSchema,
    /** Copies of each stream across the write replicas (scalable mode); at most `write.replicas`. */
    replicationFactor: z.number().int().min(1).max(5),
    /** The write target (distributor, ingester): a StatefulSet, its WAL on a claim of `storageGi`. */
    write: z.object({ replicas: targetReplicas, resources: resourcesSchema }).strict(),
    /** The read target (query frontend, querier): a Deployment. */
    read: z.object({ replicas: targetReplicas, resources: resourcesSchema }).strict(),
    /** The backend target (compactor, index gateway, query scheduler, ruler): a StatefulSet with a working volume. */
    backend: z.object({ replicas: targetReplicas, storageGi, resources: resourcesSchema }).strict(),
    /**
     * An S3-compatible object store for the scalable mode without the stack's AWS buckets (e.g. a
     * MinIO or Ceph endpoint). Credentials are not configured here: the store must accept the pods'
     * requests as they are (or the pods get them from their environment). Unset: none.
     */
    objectStore: z
      .object({
        /** host[:port] of the S3 API, without a scheme, e.g. "objects.storage.internal:443". */
        endpoint: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, { message: 'a host[:port] without a scheme, e.g. "objects.storage.internal:443"' }),
        /** Region the store expects in signed requests. */
        region: z.string().min(1).max(64),
        /** Bucket of chunks, index and delete requests. */
        chunksBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "an S3 bucket name" }),
        /** Bucket of the ruler's rule groups. */
        rulerBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "an S3 bucket name" }),
        /** Plain HTTP instead of HTTPS. Default false. */
        insecure: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Loki's settings, as the stack's config holds them (`loki.*`). */
export type LokiSettings = Omit<z.infer<typeof lokiSchema>, "estimatedGiPerDay">;
export type LokiObjectStore = NonNullable<LokiSettings["objectStore"]>;

/** The defaults of a Loki created on its own (the stack's presets overlay them). */
export const LOKI_DEFAULTS: LokiSettings = {
  mode: "monolithic",
  retentionDays: 7,
  storageGi: 10,
  ingestionRateMb: 4,
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  replicationFactor: 3,
  write: { replicas: 3, resources: res("250m", "512Mi", "1", "1Gi") },
  read: { replicas: 3, resources: res("100m", "256Mi", "1", "1Gi") },
  backend: { replicas: 3, storageGi: 10, resources: res("100m", "256Mi", "500m", "512Mi") },
};

/**
 * Elasticsearch's settings: the schema of the stack config's `elasticsearch.*` keys (log classes and
 * Kibana included), their type, and the defaults of an Elasticsearch created on its own (the stack's
 * presets overlay them).
 */
import { z } from "zod";
import { estimatedGiPerDay, replicas, resourcesSchema, storageGi } from "../config/shared";

/** A retention tier for one class of logs in Elasticsearch (seeds: application, audit, security). */
const logClassSchema = z
  .object({
    /**
     * Age at which the write index rolls over (or earlier at rolloverMaxPrimaryShardGi), in days.
     * Long-kept classes roll over rarely: a daily index kept 7 years would be 2,555 indices.
     */
    rolloverMaxAgeDays: z.number().int().min(1).max(90),
    /** Days after rollover before the index moves to the warm phase. */
    warmAfterDays: z.number().int().min(1).max(3650),
    /** Days before moving to the cold phase. */
    coldAfterDays: z.number().int().min(1).max(3650),
    /** Days before the index is deleted. The retention of this class. */
    deleteAfterDays: z.number().int().min(1).max(3650),
    /** Expected primary data of this class, GiB per day on disk; sizes elasticsearch.storageGi. */
    estimatedGiPerDay,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!(c.warmAfterDays < c.coldAfterDays && c.coldAfterDays < c.deleteAfterDays)) {
      ctx.addIssue({
        code: "custom",
        path: ["deleteAfterDays"],
        message: `phases must be increasing: warmAfterDays (${c.warmAfterDays}) < coldAfterDays (${c.coldAfterDays}) < deleteAfterDays (${c.deleteAfterDays})`,
      });
    }
  });
export type LogClass = z.infer<typeof logClassSchema>;
export const LOG_CLASSES = ["application", "audit", "security"] as const;
export type LogClassName = (typeof LOG_CLASSES)[number];

export const elasticsearchSchema = z
  .object({
    /** Master-eligible data nodes: 1, or an odd number ≥ 3 for a quorum. */
    replicas,
    storageGi,
    /** JVM heap, MiB; at most half the memory limit. */
    heapMi: z.number().int().min(256).max(31744),
    /** Rollover of the write index at this size per primary shard, GiB (the age is per log class). */
    rolloverMaxPrimaryShardGi: z.number().int().min(1).max(50),
    /** ILM phases per log class (application, audit, security). */
    logClasses: z.object({ application: logClassSchema, audit: logClassSchema, security: logClassSchema }).strict(),
    resources: resourcesSchema,
    kibana: z.object({ enabled: z.boolean(), resources: resourcesSchema }).strict(),
    security: z
      .object({
        /**
         * TLS on HTTP and transport (certificates from a CA generated in the cluster), passwords of
         * the built-in and the stack's own users generated into Secrets, least-privilege roles, a
         * Kibana login. On in dev and prod. Dev may turn it off (plain HTTP, no users, as before);
         * prod refuses false.
         */
        enabled: z.boolean(),
        /**
         * Raise by one to rotate the CA and the node certificates: a new certificate Job replaces
         * both Secrets, trusting the old CA next to the new one until the next rotation.
         */
        certificateGeneration: z.number().int().min(1).max(1000),
      })
      .strict(),
  })
  .strict();

export type ElasticsearchSettings = z.infer<typeof elasticsearchSchema>;

/** The defaults of an Elasticsearch created on its own (the stack's presets overlay them). */
export const ELASTICSEARCH_DEFAULTS: ElasticsearchSettings = {
  replicas: 1,
  storageGi: 10,
  heapMi: 512,
  rolloverMaxPrimaryShardGi: 5,
  logClasses: {
    application: { rolloverMaxAgeDays: 1, warmAfterDays: 1, coldAfterDays: 3, deleteAfterDays: 7, estimatedGiPerDay: 0.1 },
    audit: { rolloverMaxAgeDays: 1, warmAfterDays: 1, coldAfterDays: 3, deleteAfterDays: 7, estimatedGiPerDay: 0.1 },
    security: { rolloverMaxAgeDays: 1, warmAfterDays: 1, coldAfterDays: 3, deleteAfterDays: 7, estimatedGiPerDay: 0.1 },
  },
  resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
  kibana: { enabled: false, resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "1Gi" } } },
  security: { enabled: true, certificateGeneration: 1 },
};

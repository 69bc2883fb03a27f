/**
 * Jaeger's settings: the schema of the stack config's `jaeger.*` keys, their type, and the defaults of
 * a Jaeger created on its own (the stack's presets overlay them).
 */
import { z } from "zod";
import { estimatedGiPerDay, replicas, resourcesSchema, storageGi } from "../config/shared";

export const jaegerSchema = z
  .object({
    replicas,
    /** Head sampling probability for services that ask the collector for their strategy. */
    samplingRate: z.number().min(0).max(1),
    /** memory or badger (dev), elasticsearch (prod). */
    storage: z.enum(["memory", "badger", "elasticsearch"]),
    /** Trace retention in days (badger TTL, or Elasticsearch index deletion). */
    retentionDays: z.number().int().min(1).max(90),
    storageGi,
    /** Expected trace data, GiB per day (badger's volume, or Elasticsearch's with storage "elasticsearch"). */
    estimatedGiPerDay,
    resources: resourcesSchema,
  })
  .strict();

/** Jaeger's settings, as the stack's config holds them (`jaeger.*`; the capacity estimate is the config's own). */
export type JaegerSettings = Omit<z.infer<typeof jaegerSchema>, "estimatedGiPerDay">;

/** The defaults of a Jaeger created on its own (the stack's presets overlay them). */
export const JAEGER_DEFAULTS: JaegerSettings = {
  replicas: 1,
  samplingRate: 1,
  storage: "badger",
  retentionDays: 2,
  storageGi: 5,
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
};

/**
 * Loki's settings: the schema of the stack config's `loki.*` keys, their type, and the defaults of a
 * Loki created on its own (the stack's presets overlay them).
 */
import { z } from "zod";
import { estimatedGiPerDay, resourcesSchema, storageGi } from "../config/shared";

export const lokiSchema = z
  .object({
    /** limits_config.retention_period, in days. */
    retentionDays: z.number().int().min(1).max(3650),
    storageGi,
    /** Expected chunk growth on the filesystem store, GiB per day (checked without AWS, where the volume holds the chunks). */
    estimatedGiPerDay,
    /** Max ingestion per tenant, MB/s. */
    ingestionRateMb: z.number().int().min(1).max(1024),
    resources: resourcesSchema,
  })
  .strict();

/** Loki's settings, as the stack's config holds them (`loki.*`). */
export type LokiSettings = Omit<z.infer<typeof lokiSchema>, "estimatedGiPerDay">;

/** The defaults of a Loki created on its own (the stack's presets overlay them). */
export const LOKI_DEFAULTS: LokiSettings = {
  retentionDays: 7,
  storageGi: 10,
  ingestionRateMb: 4,
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
};

/**
 * Alertmanager's settings: the schema of the stack config's `alertmanager.*` keys, their type, and the
 * defaults of an Alertmanager created on its own (the stack's presets overlay them).
 */
import { z } from "zod";
import { replicas, resourcesSchema, storageGi } from "../config/shared";

export const alertmanagerSchema = z
  .object({
    replicas,
    /** --data.retention (silences and notification log), in hours; at most 720, the policy pack's alertmanager-retention bound. */
    retentionHours: z.number().int().min(1).max(720),
    storageGi,
    resources: resourcesSchema,
  })
  .strict();

/** Alertmanager's settings, as the stack's config holds them (`alertmanager.*`). */
export type AlertmanagerSettings = z.infer<typeof alertmanagerSchema>;

/** The defaults of an Alertmanager created on its own (the stack's presets overlay them). */
export const ALERTMANAGER_DEFAULTS: AlertmanagerSettings = {
  replicas: 1,
  retentionHours: 120,
  storageGi: 1,
  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
};

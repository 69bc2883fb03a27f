/**
 * The log shipper's settings: the schema of the stack config's `logShipper.*` keys, their type, and
 * the defaults of a LogShipper created on its own (the stack's presets overlay them).
 */
import { z } from "zod";
import { resourcesSchema } from "../config/shared";

export const logShipperSchema = z
  .object({
    resources: resourcesSchema,
    /**
     * Filesystem buffer on each node for the Loki output, in MB: the Loki output retries without
     * limit, so a Loki outage loses no logs until a node has buffered this much.
     */
    lokiBufferMb: z.number().int().min(64).max(65536),
  })
  .strict();

/** The log shipper's settings, as the stack's config holds them (`logShipper.*`). */
export type LogShipperSettings = z.infer<typeof logShipperSchema>;

/** The defaults of a LogShipper created on its own (the stack's presets overlay them). */
export const LOG_SHIPPER_DEFAULTS: LogShipperSettings = {
  resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
  lokiBufferMb: 512,
};

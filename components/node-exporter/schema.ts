/**
 * The node exporter's settings: the schema of the stack config's `nodeExporter.*` keys, the settings
 * that shape a NodeExporter, and the defaults of one created on its own (the stack's presets overlay
 * them).
 */
import { z } from "zod";
import { resourcesSchema } from "../config/shared";

export const nodeExporterSchema = z.object({ enabled: z.boolean(), resources: resourcesSchema }).strict();

/** The node exporter's settings that shape its objects, as the stack's config holds them (`nodeExporter.*`). */
export type NodeExporterSettings = Pick<z.infer<typeof nodeExporterSchema>, "resources">;

/** The defaults of a NodeExporter created on its own. */
export const NODE_EXPORTER_DEFAULTS: NodeExporterSettings = {
  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
};

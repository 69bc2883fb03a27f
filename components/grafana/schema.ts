/**
 * Grafana's settings: the schema of the stack config's `grafana.*` keys, the settings that shape a
 * Grafana's objects, and the defaults of a Grafana created on its own (the stack's presets overlay
 * them).
 */
import { z } from "zod";
import { resourcesSchema, storageGi } from "../config/shared";

export const grafanaSchema = z
  .object({
    /** Run Grafana in the cluster; false = manage an external Grafana given by url + grafanaToken secret. */
    deploy: z.boolean(),
    /**
     * An external Grafana (deploy false): where its API is reached from where `pulumi up` runs;
     * required. The deployed one: its public URL (e.g. an ingress), Grafana's root_url in links
     * and the exported grafanaUrl; unset = the in-cluster Service URL. The deployed Grafana's
     * content is provisioned from files, so `pulumi up` never connects to it.
     */
    url: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: "an http(s) URL" }).optional(),
    storageGi,
    resources: resourcesSchema,
  })
  .strict();

/** Grafana's settings that shape its objects, as the stack's config holds them (`grafana.*`). */
export type GrafanaSettings = Pick<z.infer<typeof grafanaSchema>, "storageGi" | "resources">;

/** The defaults of a Grafana created on its own (the stack's presets overlay them). */
export const GRAFANA_DEFAULTS: GrafanaSettings = {
  storageGi: 1,
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
};

/**
 * Prometheus's settings: the schema of the stack config's `prometheus.*` keys, their type, and the
 * defaults of a Prometheus created on its own. The stack's schema (components/config/schema.ts)
 * composes this one; the stack's presets (components/presets.ts) overlay the defaults.
 */
import { z } from "zod";
import { MAX_EVALUATION_INTERVAL_SECONDS, MAX_SCRAPE_INTERVAL_SECONDS } from "../alerting/schema";
import { estimatedGiPerDay, replicas, resourcesSchema, storageGi } from "../config/shared";

const staticTargetSchema = z
  .object({
    /** Scrape job name. */
    job: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_-]*$/, { message: "a job name of letters, digits, '_' and '-'" }),
    /** host:port of each target. */
    targets: z.array(z.string().regex(/^[^\s/]+:\d{1,5}$/, { message: 'a "host:port" target' })).min(1),
    /** Metrics path (default /metrics). */
    metricsPath: z.string().startsWith("/").default("/metrics"),
    scheme: z.enum(["http", "https"]).default("http"),
    /** Extra labels attached to every series of the job. */
    labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()).default({}),
  })
  .strict();
export type StaticTarget = z.infer<typeof staticTargetSchema>;

export const prometheusSchema = z
  .object({
    replicas,
    /** --storage.tsdb.retention.time, in days. */
    retentionDays: z.number().int().min(1).max(365),
    /** --storage.tsdb.retention.size, in GiB; must leave headroom on the volume. */
    retentionSizeGi: z.number().int().min(1).max(16384),
    storageGi,
    /** Expected TSDB growth, GiB per day; must fit retentionDays into retentionSizeGi. */
    estimatedGiPerDay,
    /** At most 75 s: every rule's shortest window ([5m]) must hold four samples. */
    scrapeIntervalSeconds: z.number().int().min(5).max(MAX_SCRAPE_INTERVAL_SECONDS),
    /** At most 120 s: a recorded series must stay within the 5m lookback with one evaluation missed. */
    evaluationIntervalSeconds: z.number().int().min(5).max(MAX_EVALUATION_INTERVAL_SECONDS),
    /** Extra static scrape targets. */
    staticTargets: z.array(staticTargetSchema),
    resources: resourcesSchema,
  })
  .strict();

/** Prometheus's settings, as the stack's config holds them (`prometheus.*`). */
export type PrometheusSettings = Omit<z.infer<typeof prometheusSchema>, "estimatedGiPerDay">;

/** The defaults of a Prometheus created on its own (the stack's presets overlay them). */
export const PROMETHEUS_DEFAULTS: PrometheusSettings = {
  replicas: 1,
  retentionDays: 15,
  retentionSizeGi: 8,
  storageGi: 10,
  scrapeIntervalSeconds: 30,
  evaluationIntervalSeconds: 30,
  staticTargets: [],
  resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
};

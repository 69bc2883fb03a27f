/**
 * Schema pieces every component's settings use: resources, replicas, volume sizes and the capacity
 * estimate. Each component's own schema (components/<component>/schema.ts) is built from these.
 */
import { z } from "zod";
import { cpuQuantity, memoryQuantity } from "./quantities";

/**
 * Kubernetes quantities: CPU as millicores or cores ("250m", "1"), memory as binary units ("512Mi",
 * "2Gi"); never zero, never larger than a node (bounds in ./quantities.ts).
 */
const cpu = cpuQuantity;
const memory = memoryQuantity;

export const resourcesSchema = z
  .object({
    requests: z.object({ cpu, memory }).strict(),
    limits: z.object({ cpu, memory }).strict(),
  })
  .strict();
export type Resources = z.infer<typeof resourcesSchema>;

export const replicas = z.number().int().min(1).max(9);
export const storageGi = z.number().int().min(1).max(16384);

/**
 * Expected on-disk growth of a store, GiB per day after compression and before replication: what the
 * storage-against-retention check multiplies by the retention (./capacity.ts).
 */
export const estimatedGiPerDay = z.number().gt(0).max(10240);

/** Requests and limits from their four quantities. */
export const res = (reqCpu: string, reqMem: string, limCpu: string, limMem: string): Resources => ({
  requests: { cpu: reqCpu, memory: reqMem },
  limits: { cpu: limCpu, memory: limMem },
});

/**
 * Failure domains of the replicated workloads: the settings schema shared by components/common.ts
 * (anti-affinity, zone spread) and Elasticsearch (allocation awareness by zone).
 */
import { z } from "zod";

/** A label key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, {
  message: 'a label key ("topology.kubernetes.io/zone")',
});
const labelValue = z.string().regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { message: "a label value" });

/**
 * Failure domains of the workloads with more than one replica (Elasticsearch, Alertmanager,
 * Prometheus, and Jaeger): how their replicas are kept off one node and spread over zones.
 */
export const placementSchema = z
  .object({
    /**
     * Pod anti-affinity on kubernetes.io/hostname: "required" (no two replicas on one node; a replica
     * stays Pending when there are fewer schedulable nodes than replicas) or "preferred" (a cluster
     * with fewer nodes than replicas still schedules them, some sharing a node). Prod: "required"
     * unless allowSharedFailureDomains.
     */
    antiAffinity: z.enum(["required", "preferred"]),
    /**
     * Topology spread over zoneLabel (maxSkew 1): "DoNotSchedule" (a replica waits rather than
     * unbalance the zones; nodes without the label take none) or "ScheduleAnyway" (best effort,
     * for clusters whose nodes have no zone label). Prod: "DoNotSchedule" unless allowSharedFailureDomains.
     */
    zoneSpread: z.enum(["DoNotSchedule", "ScheduleAnyway"]),
    /** The node label that names a node's zone: the spread's topology key and Elasticsearch's node.attr.zone. */
    zoneLabel: labelKey,
    /**
     * The cluster's zones, for Elasticsearch's forced awareness: with a zone lost, the copies it held
     * wait for it instead of crowding the remaining zones. Empty: plain awareness (a node without
     * the zone label then counts as a zone of its own); set: every node needs the label.
     */
    zones: z.array(labelValue),
    /**
     * Prod only: accept "preferred" anti-affinity or "ScheduleAnyway" spread, for a cluster with
     * fewer nodes or zones than replicas. Replicas may then share a node or zone and be lost together.
     */
    allowSharedFailureDomains: z.boolean(),
  })
  .strict();
export type Placement = z.infer<typeof placementSchema>;

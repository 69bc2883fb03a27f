/**
 * The one typed schema of a stack's configuration, composed of each component's settings schema
 * (components/<component>/schema.ts) and the stack's own keys.
 */
import { z } from "zod";
import { networkSchema } from "./network";
import { placementSchema } from "./placement";
import { alertingSchema } from "../alerting/schema";
import { alertmanagerSchema } from "../alertmanager/schema";
import { awsSchema } from "../aws/schema";
import { elasticsearchSchema } from "../elasticsearch/schema";
import { logShipperSchema } from "../log-shipper/schema";
import { grafanaSchema } from "../grafana/schema";
import { jaegerSchema } from "../jaeger/schema";
import { lokiSchema } from "../loki/schema";
import { nodeExporterSchema } from "../node-exporter/schema";
import { prometheusSchema } from "../prometheus/schema";
import { sloSchema } from "../slo/schema";
import { thanosSchema } from "../thanos/schema";
import { capacitySchema } from "../capacity";
import { dns1123Label, dns1123Subdomain } from "./names";
import { ENVIRONMENTS } from "./project";

/** An RFC 1123 label: what Kubernetes accepts as a namespace or label value we put into names. */
const dns1123 = dns1123Label;

export const stackConfigSchema = z
  .object({
    /** Which defaults apply: dev (one replica, small, short retention) or prod (HA, longer retention). */
    environment: z.enum(ENVIRONMENTS),
    /** Namespace every Kubernetes object of the stack lives in, except the node agents'. */
    namespace: dns1123,
    /**
     * Namespace of the node agents (node exporter, Fluent Bit): the one namespace that admits pods
     * with host access (Pod Security "privileged"); unset = "<namespace>-agents".
     */
    agentsNamespace: dns1123.optional(),
    /**
     * Pod Security level the main namespace enforces (and warns and audits): "restricted"; dev may
     * relax it to "baseline". Prod refuses anything but "restricted".
     */
    podSecurity: z.enum(["restricted", "baseline"]),
    network: networkSchema,
    /** Cluster name: Prometheus external label `cluster`. */
    clusterName: dns1123,
    /** Team that owns the stack: the `team` label and AWS tag. */
    team: dns1123,
    /** Cost center: AWS CostCenter tag. A number in the stack file is taken as its text. */
    costCenter: z.string().min(1).max(64),
    /** StorageClass for every PersistentVolumeClaim (an RFC 1123 subdomain); unset = the cluster default. */
    storageClassName: dns1123Subdomain.optional(),
    /** Base URL the alert rules' runbook_url annotations are built from; no default in prod. */
    runbookBaseUrl: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: "an http(s) URL" }),
    /** Failure domains of the replicated workloads: anti-affinity, zone spread, Elasticsearch awareness. */
    placement: placementSchema,
    persistence: z
      .object({
        /** Persistent volumes for stateful components; off = emptyDir (dev only). */
        enabled: z.boolean(),
        /** Protect stateful sets and their claims from `pulumi destroy`, and keep them on delete/replace. */
        protect: z.boolean(),
      })
      .strict(),
    nodeExporter: nodeExporterSchema,
    prometheus: prometheusSchema,
    alertmanager: alertmanagerSchema,
    loki: lokiSchema,
    elasticsearch: elasticsearchSchema,
    jaeger: jaegerSchema,
    logShipper: logShipperSchema,
    grafana: grafanaSchema,
    alerting: alertingSchema,
    /** Service-level objectives: recording rules, burn-rate alerts and the SLO dashboard (components/slo/schema.ts). */
    slo: sloSchema,
    /** Thanos: long-term metrics in object storage and deduplicated queries (components/thanos/schema.ts). */
    thanos: thanosSchema,
    aws: awsSchema,
    /** The largest node, and optionally the expected load that sizes the stack (components/capacity.ts). */
    capacity: capacitySchema,
  })
  .strict();

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** A deep-partial view for stack files and defaults. */
export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

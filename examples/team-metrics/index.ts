/**
 * A team's own program that uses two of the library's components, not the whole stack: node
 * exporters and two Prometheus instances side by side in its existing namespace `team-a` — one with
 * every default, one with its own retention and replicas. Each object is named after its
 * component, so the two never collide, in Kubernetes or in Pulumi.
 *
 *   import { NodeExporter, Prometheus } from "observability-stack";
 *
 * (Here through a relative import: the repository type-checks and runs it under mocks in CI.)
 */
import { NodeExporter, Prometheus } from "../../components";

const placement = { namespace: "team-a", team: "team-a" };

const exporters = new NodeExporter("team-a-node-exporter", placement);

export const metrics = new Prometheus("metrics", {
  ...placement,
  serviceTargets: [{ job: "node-exporter", namespace: placement.namespace, service: "team-a-node-exporter", portName: "metrics" }],
});

export const longTerm = new Prometheus("metrics-long-term", { ...placement, replicas: 2, retentionDays: 90, retentionSizeGi: 90, storageGi: 100 });

export const urls = { metrics: metrics.url, longTerm: longTerm.url };
export const exporterWorkload = exporters.workload.instance;

/**
 * examples/team-metrics: a program of its own that imports two components of the library (node
 * exporters and two Prometheus instances side by side in an existing namespace), run under mocks.
 * Proves the components work with only a namespace, that every default is applied, and that two
 * instances collide neither in Kubernetes nor in Pulumi.
 */
import { PROMETHEUS_DEFAULTS } from "../../components/prometheus/component";
import { Recorded, byKind, one, render, valueOf } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
let resources: Recorded[];
let program: Record<string, any>;

beforeAll(async () => {
  const r = await render("example", async () => (await import("../../examples/team-metrics/index")) as Record<string, any>);
  resources = r.resources;
  program = r.component;
});

const k8s = () => resources.filter((r) => r.type.startsWith("kubernetes:"));

test("every object lands in the team's namespace, and none collides", () => {
  const namespaced = k8s().filter((r) => !/ClusterRole/.test(r.type));
  expect(namespaced.length).toBeGreaterThan(15);
  for (const r of namespaced) expect([r.name, r.inputs.metadata.namespace]).toEqual([r.name, "team-a"]);
  const objects = k8s().map((r) => `${r.type} ${r.inputs.metadata.namespace ?? ""}/${r.inputs.metadata.name}`);
  expect(objects.filter((o, i) => objects.indexOf(o) !== i)).toEqual([]);
  const urns = resources.map((r) => `${r.parent.split("::")[2] ?? ""}$${r.type}::${r.name}`);
  expect(urns.filter((u, i) => urns.indexOf(u) !== i)).toEqual([]);
  // No Namespace: the program deploys into one it already has.
  expect(byKind(resources, "kubernetes:core/v1:Namespace")).toEqual([]);
});

test("objects are named after their component; cluster-scoped ones after namespace and component", () => {
  expect(byKind(resources, STS).map((r) => [r.inputs.metadata.name, r.inputs.spec.replicas])).toEqual([
    ["metrics", 1],
    ["metrics-long-term", 2],
  ]);
  expect(byKind(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").map((r) => r.inputs.metadata.name).sort()).toEqual([
    "team-a-metrics-discovery",
    "team-a-metrics-long-term-discovery",
    "team-a-team-a-node-exporter-auth",
  ]);
  expect(byKind(resources, "kubernetes:core/v1:PersistentVolumeClaim").map((r) => r.inputs.metadata.name).sort()).toEqual([
    "data-metrics-0",
    "data-metrics-long-term-0",
    "data-metrics-long-term-1",
  ]);
  expect(one(resources, "kubernetes:core/v1:ConfigMap", "metrics-config").inputs.data["prometheus.yml"]).toContain("job_name: metrics\n");
  expect(one(resources, "kubernetes:apps/v1:DaemonSet", "team-a-node-exporter").inputs.metadata.labels.team).toBe("team-a");
});

test("the defaults are applied where the program set nothing, its values where it did", () => {
  const args = (name: string) => one(resources, STS, name).inputs.spec.template.spec.containers[0].args as string[];
  expect(args("metrics")).toContain(`--storage.tsdb.retention.time=${PROMETHEUS_DEFAULTS.retentionDays}d`);
  expect(args("metrics")).toContain(`--storage.tsdb.retention.size=${PROMETHEUS_DEFAULTS.retentionSizeGi}GB`);
  expect(one(resources, STS, "metrics").inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${PROMETHEUS_DEFAULTS.storageGi}Gi`);
  expect(args("metrics-long-term")).toContain("--storage.tsdb.retention.time=90d");
  // HA follows the replicas, not an environment name: a PodDisruptionBudget and anti-affinity for the pair only.
  expect(byKind(resources, "kubernetes:policy/v1:PodDisruptionBudget").map((r) => r.inputs.metadata.name)).toEqual(["metrics-long-term"]);
  expect(one(resources, STS, "metrics").inputs.spec.template.spec.affinity).toBeUndefined();
  expect(one(resources, STS, "metrics-long-term").inputs.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
});

test("URLs come from each instance's Service", async () => {
  expect(await valueOf(program.metrics.url)).toBe("http://metrics-query.team-a.svc.cluster.local:9090");
  expect(await valueOf(program.longTerm.url)).toBe("http://metrics-long-term-query.team-a.svc.cluster.local:9090");
});

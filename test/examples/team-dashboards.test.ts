/**
 * examples/team-dashboards: Prometheus and Grafana in a fresh program, in an existing namespace,
 * run under mocks. Proves Grafana works with only a namespace and a datasource, that its defaults are
 * applied, and that its datasource is wired through Prometheus's Service.
 */
import { parse } from "yaml";
import { GRAFANA_DEFAULTS } from "../../components/grafana/component";
import { Recorded, byKind, k8sObjects, one, render, valueOf } from "../helpers/mocks";

const DEP = "kubernetes:apps/v1:Deployment";
const CM = "kubernetes:core/v1:ConfigMap";
let resources: Recorded[];
let program: Record<string, any>;

beforeAll(async () => {
  const r = await render("example", async () => (await import("../../examples/team-dashboards/index")) as Record<string, any>);
  resources = r.resources;
  program = r.component;
});

test("every namespaced object lands in the team's namespace, named after its component", () => {
  const namespaced = k8sObjects(resources).filter((r) => !/ClusterRole/.test(r.type));
  for (const r of namespaced) expect([r.type, r.inputs.metadata.name, r.inputs.metadata.namespace]).toEqual([r.type, r.inputs.metadata.name, "team-a"]);
  expect(byKind(resources, "kubernetes:core/v1:Namespace")).toEqual([]);
  expect(byKind(resources, DEP).map((r) => r.inputs.metadata.name)).toEqual(["dashboards"]);
  expect(byKind(resources, "kubernetes:core/v1:Service").map((r) => r.inputs.metadata.name).sort()).toEqual(["dashboards", "metrics", "metrics-query"]);
  expect(byKind(resources, "kubernetes:core/v1:PersistentVolumeClaim").map((r) => r.inputs.metadata.name).sort()).toEqual(["dashboards-data", "data-metrics-0"]);
  expect(byKind(resources, "kubernetes:core/v1:Secret").map((r) => r.inputs.metadata.name)).toEqual(["dashboards-admin"]);
  expect(byKind(resources, CM).map((r) => r.inputs.metadata.name).sort()).toEqual([
    "dashboards-dashboard-providers",
    "dashboards-dashboards-applications",
    "dashboards-dashboards-business",
    "dashboards-dashboards-observability",
    "dashboards-dashboards-platform",
    "dashboards-datasources",
    "metrics-config",
    "metrics-rules",
  ]);
  // Every folder is provisioned; only the platform dashboards the program chose fill one.
  expect(Object.keys(one(resources, CM, "dashboards-dashboards-platform").inputs.data).sort()).toEqual(["obs-infrastructure.json", "obs-kubernetes.json", "obs-system-overview.json"]);
  for (const f of ["applications", "business", "observability"]) expect(one(resources, CM, `dashboards-dashboards-${f}`).inputs.data ?? {}).toEqual({});
});

test("Grafana's one datasource is the Prometheus, from its Service, and waits for that Service", () => {
  const cm = one(resources, CM, "dashboards-datasources");
  const file = parse(cm.inputs.data["datasources.yaml"]);
  expect(file.datasources.map((d: { uid: string; url: string; isDefault: boolean }) => [d.uid, d.url, d.isDefault])).toEqual([
    ["prometheus", "http://metrics-query.team-a.svc.cluster.local:9090", true],
  ]);
  // No exemplar link to a Jaeger that this program does not have.
  expect(file.datasources[0].jsonData.exemplarTraceIdDestinations).toBeUndefined();
  expect(cm.dependencies.some((d) => d.endsWith("kubernetes:core/v1:Service::metrics-query"))).toBe(true);
});

test("Grafana's defaults where the program set nothing", () => {
  const pvc = one(resources, "kubernetes:core/v1:PersistentVolumeClaim", "dashboards-data");
  expect(pvc.inputs.spec.resources.requests.storage).toBe(`${GRAFANA_DEFAULTS.storageGi}Gi`);
  expect(pvc.protect).toBe(false);
  const c = one(resources, DEP, "dashboards").inputs.spec.template.spec.containers[0];
  expect(c.resources).toMatchObject(GRAFANA_DEFAULTS.resources);
  expect(c.env.find((e: { name: string }) => e.name === "GF_SMTP_ENABLED")).toBeUndefined();
  expect(one(resources, DEP, "dashboards").inputs.metadata.labels).toMatchObject({ team: "team-a", environment: "dev", "app.kubernetes.io/instance": "dashboards" });
});

test("the URLs come from each component's Service; the admin password stays secret", async () => {
  expect(await valueOf(program.urls.prometheus)).toBe("http://metrics-query.team-a.svc.cluster.local:9090");
  expect(await valueOf(program.urls.grafana)).toBe("http://dashboards.team-a.svc.cluster.local:3000");
  expect(await (program.grafanaAdminPassword as any).isSecret).toBe(true);
});

/**
 * The NodeExporter component under mocks: a DaemonSet on every node with the host's /proc, /sys and
 * root read-only, its headless Service, named after the component, with its defaults or the stack's.
 */
import { NODE_EXPORTER_DEFAULTS } from "../../components/node-exporter/component";
import { byKind, defaultsFor, k8sObjects, one, render } from "../helpers/mocks";

const DS = "kubernetes:apps/v1:DaemonSet";
const SVC = "kubernetes:core/v1:Service";

describe("NodeExporter on its own", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  beforeAll(async () => {
    r = await render("lib", async () => new (await import("../../components/node-exporter/component")).NodeExporter("team-a-nodes", { namespace: "team-a", team: "team-a" }));
  });

  test("a DaemonSet and a headless Service named after it, in the namespace, with the team's labels", () => {
    expect(k8sObjects(r.resources).map((o) => [o.type, o.inputs.metadata.name, o.inputs.metadata.namespace]).sort()).toEqual([
      ["kubernetes:apps/v1:DaemonSet", "team-a-nodes", "team-a"],
      ["kubernetes:core/v1:Service", "team-a-nodes", "team-a"],
      ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "team-a-nodes", "team-a"],
    ]);
    expect(one(r.resources, SVC, "team-a-nodes").inputs.spec).toMatchObject({ clusterIP: "None", ports: [{ name: "metrics", port: 9100, targetPort: "metrics" }] });
    expect(one(r.resources, DS, "team-a-nodes").inputs.metadata.labels).toMatchObject({ team: "team-a", "app.kubernetes.io/name": "node-exporter", "app.kubernetes.io/instance": "team-a-nodes" });
    expect(r.component.workload.instance).toBe("team-a-nodes");
  });

  test("every node, the host read-only, the default resources", () => {
    const pod = one(r.resources, DS, "team-a-nodes").inputs.spec.template.spec;
    expect(pod).toMatchObject({ hostPID: true, hostNetwork: true, tolerations: [{ operator: "Exists" }] });
    const c = pod.containers[0];
    expect(c.volumeMounts.every((m: { readOnly: boolean }) => m.readOnly)).toBe(true);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(c.resources).toEqual(NODE_EXPORTER_DEFAULTS.resources);
    expect(c.ports).toEqual([{ name: "metrics", containerPort: 9100, hostPort: 9100 }]);
  });
});

test("as the stack builds it: the stack's resources win over the defaults, the stack's name for its objects", async () => {
  const { ctx, cfg } = defaultsFor("prod");
  const r = await render("prod", async () =>
    new (await import("../../components/node-exporter/component")).NodeExporter("node-exporter", { context: ctx, settings: cfg.nodeExporter }),
  );
  expect(cfg.nodeExporter.resources).not.toEqual(NODE_EXPORTER_DEFAULTS.resources);
  expect(one(r.resources, DS, "node-exporter").inputs.spec.template.spec.containers[0].resources).toEqual(cfg.nodeExporter.resources);
  expect(byKind(r.resources, SVC).map((s) => [s.inputs.metadata.name, s.inputs.metadata.namespace])).toEqual([["node-exporter", "observability"]]);
});

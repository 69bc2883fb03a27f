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
      ["kubernetes:core/v1:ServiceAccount", "team-a-nodes", "team-a"],
      ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "team-a-nodes", "team-a"],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "team-a-team-a-nodes-auth", undefined],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "team-a-team-a-nodes-auth", undefined],
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
    expect(c.resources).toEqual({
      requests: { ...NODE_EXPORTER_DEFAULTS.resources.requests, "ephemeral-storage": "64Mi" },
      limits: { ...NODE_EXPORTER_DEFAULTS.resources.limits, "ephemeral-storage": "256Mi" },
    });
    // The exporter itself listens on the loopback only: no port on the node's address.
    expect(c.ports).toBeUndefined();
    expect(c.args).toContain("--web.listen-address=127.0.0.1:9100");
  });

  test("the node's port is kube-rbac-proxy's: HTTPS, TokenReview and SubjectAccessReview for /metrics, upstream the loopback", () => {
    const pod = one(r.resources, DS, "team-a-nodes").inputs.spec.template.spec;
    const proxy = pod.containers.find((c: { name: string }) => c.name === "kube-rbac-proxy");
    expect(proxy.image).toBe("quay.io/brancz/kube-rbac-proxy:v0.22.1");
    expect(proxy.args).toEqual([
      "--secure-listen-address=[$(NODE_IP)]:9100",
      "--upstream=http://127.0.0.1:9100/",
      "--proxy-endpoints-port=9110",
      "--allow-paths=/metrics",
      "--tls-min-version=VersionTLS12",
    ]);
    expect(proxy.ports).toEqual([
      { name: "metrics", containerPort: 9100, hostPort: 9100 },
      { name: "proxy-health", containerPort: 9110, hostPort: 9110 },
    ]);
    expect(proxy.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "proxy-health", scheme: "HTTPS" });
    expect(proxy.livenessProbe.tcpSocket).toEqual({ port: "metrics" });
    // Only the proxy holds a token: the pod mounts none, the proxy a projected one.
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe("team-a-nodes");
    expect(proxy.volumeMounts).toEqual([{ name: "proxy-token", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true }]);
    expect(pod.containers.find((c: { name: string }) => c.name === "node-exporter").volumeMounts.map((m: { name: string }) => m.name)).toEqual(["proc", "sys", "root"]);
    expect(one(r.resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "team-a-team-a-nodes-auth").inputs.rules).toEqual([
      { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
      { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
    ]);
    expect(one(r.resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "team-a-team-a-nodes-auth").inputs.subjects).toEqual([
      { kind: "ServiceAccount", name: "team-a-nodes", namespace: "team-a" },
    ]);
  });

  test("readiness and liveness differ: the page is served, the port accepts connections (both on the loopback)", () => {
    const c = one(r.resources, DS, "team-a-nodes").inputs.spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ host: "127.0.0.1", path: "/", port: 9100 });
    expect(c.livenessProbe.tcpSocket).toEqual({ host: "127.0.0.1", port: 9100 });
  });
});

test("as the stack builds it: the stack's resources win over the defaults, the stack's name for its objects", async () => {
  const { ctx, cfg } = defaultsFor("prod");
  const r = await render("prod", async () =>
    new (await import("../../components/node-exporter/component")).NodeExporter("node-exporter", { context: ctx, settings: cfg.nodeExporter }),
  );
  expect(cfg.nodeExporter.resources).not.toEqual(NODE_EXPORTER_DEFAULTS.resources);
  expect(one(r.resources, DS, "node-exporter").inputs.spec.template.spec.containers[0].resources).toMatchObject(cfg.nodeExporter.resources);
  expect(byKind(r.resources, SVC).map((s) => [s.inputs.metadata.name, s.inputs.metadata.namespace])).toEqual([["node-exporter", "observability"]]);
});

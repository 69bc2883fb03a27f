/**
 * kube-state-metrics under Pulumi mocks: least-privilege RBAC (list and watch of exactly the kinds it
 * exports), the pinned image, the ports Prometheus scrapes, hardening, labels and its NetworkPolicy.
 */
import { REQUIRED_LABELS } from "../../components/labels";
import { image } from "../../components/versions";
import { byKind, defaultsFor, one, render, type Recorded } from "../helpers/mocks";

describe("KubeStateMetrics component", () => {
  let resources: Recorded[] = [];
  let scrape: { namespace: string; service: string; portNames: string[] };

  beforeAll(async () => {
    const { ctx } = defaultsFor("prod");
    const out = await render("prod", async () => {
      const { KubeStateMetrics } = await import("../../components/kube-state-metrics/component");
      return new KubeStateMetrics("kube-state-metrics", { context: ctx });
    });
    resources = out.resources;
    scrape = out.component.scrapeService;
  });

  it("may only list and watch the kinds it exports: no get, no write, no secrets or configmaps", () => {
    const role = byKind(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
    expect(role).toHaveLength(1);
    expect(role[0].inputs.metadata.name).toBe("observability-kube-state-metrics");
    expect(role[0].inputs.rules).toEqual([
      { apiGroups: [""], resources: ["pods", "nodes", "persistentvolumes", "persistentvolumeclaims"], verbs: ["list", "watch"] },
      { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets"], verbs: ["list", "watch"] },
      { apiGroups: ["batch"], resources: ["jobs"], verbs: ["list", "watch"] },
    ]);
    const binding = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "observability-kube-state-metrics");
    expect(binding.inputs.subjects).toEqual([{ kind: "ServiceAccount", name: "kube-state-metrics", namespace: "observability" }]);
  });

  it("runs the pinned image, exporting exactly the kinds its role may read, hardened, with requests and limits", () => {
    const d = one(resources, "kubernetes:apps/v1:Deployment", "kube-state-metrics");
    const pod = d.inputs.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(image("kubeStateMetrics"));
    expect(c.image).toMatch(/^registry\.k8s\.io\/kube-state-metrics\/kube-state-metrics:v2\.\d+\.\d+$/);
    expect(c.args).toEqual(["--port=8080", "--telemetry-port=8081", "--resources=pods,nodes,persistentvolumes,persistentvolumeclaims,deployments,statefulsets,daemonsets,jobs"]);
    expect(c.ports).toEqual([
      { name: "http-metrics", containerPort: 8080 },
      { name: "telemetry", containerPort: 8081 },
    ]);
    expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "telemetry" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/livez", port: "http-metrics" });
    expect(c.resources).toEqual({ requests: { cpu: "20m", memory: "64Mi", "ephemeral-storage": "64Mi" }, limits: { cpu: "200m", memory: "256Mi", "ephemeral-storage": "256Mi" } });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(pod.serviceAccountName).toBe("kube-state-metrics");
    expect(pod.hostNetwork).toBeUndefined();
  });

  it("carries the standard labels on every object and its pod template", () => {
    for (const r of resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      expect([r.name, Object.keys(r.inputs.metadata.labels).sort()]).toEqual([r.name, expect.arrayContaining([...REQUIRED_LABELS].sort())]);
    }
    const d = one(resources, "kubernetes:apps/v1:Deployment", "kube-state-metrics");
    expect(d.inputs.spec.template.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/component": "metrics-exporter", "app.kubernetes.io/version": "2.17.0" });
  });

  it("admits only Prometheus, on its two ports, and tells Prometheus where to scrape", () => {
    const np = one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "kube-state-metrics");
    expect(np.inputs.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }],
        ports: [
          { protocol: "TCP", port: 8080 },
          { protocol: "TCP", port: 8081 },
        ],
      },
    ]);
    const svc = one(resources, "kubernetes:core/v1:Service", "kube-state-metrics");
    expect(svc.inputs.spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual(["http-metrics:8080", "telemetry:8081"]);
    expect(scrape).toEqual({ namespace: "observability", service: "kube-state-metrics", portNames: ["http-metrics", "telemetry"] });
  });
});

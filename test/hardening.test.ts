/**
 * The stack's hardening, on the real program (index.ts) under mocks, dev and prod: two namespaces
 * (the node agents' privileged one, the main one restricted), a default-deny NetworkPolicy in each
 * and exact egress per component, readiness unlike liveness everywhere, ephemeral storage on every
 * container, headless governing Services, one Prometheus replica per Grafana, Grafana's admin
 * password from a file, and the node exporter behind its authenticating proxy.
 */
import YAML from "yaml";
import { quantityMi } from "../components/config/quantities";
import { QUERY_AFFINITY_SECONDS } from "../components/prometheus/component";
import { Synthesis, RecordedResource, byKind, container, one, prodOptions, synthesize } from "./helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const DEP = "kubernetes:apps/v1:Deployment";
const DS = "kubernetes:apps/v1:DaemonSet";
const SVC = "kubernetes:core/v1:Service";
const NS = "kubernetes:core/v1:Namespace";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const CM = "kubernetes:core/v1:ConfigMap";

let dev: Synthesis;
let prod: Synthesis;

beforeAll(async () => {
  dev = await synthesize({ stack: "dev" });
  prod = await synthesize(prodOptions());
});

const podTemplate = (r: RecordedResource) => r.inputs.spec?.jobTemplate?.spec?.template ?? r.inputs.spec?.template;
const workloads = (s: Synthesis) => s.resources.filter((r) => [STS, DEP, DS, "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob"].includes(r.type));
const DNS = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};
const pods = (app: string, namespace?: string) =>
  namespace
    ? { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } }, podSelector: { matchLabels: { "app.kubernetes.io/name": app } } }
    : { podSelector: { matchLabels: { "app.kubernetes.io/name": app } } };
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const any = [{ ipBlock: { cidr: "0.0.0.0/0" } }];
const policyOf = (s: Synthesis, name: string, namespace = "observability") =>
  byKind(s.resources, NETPOL).find((p) => p.inputs.metadata.name === name && p.inputs.metadata.namespace === namespace)!;

describe.each([
  ["dev", () => dev],
  ["prod", () => prod],
])("%s", (env, get) => {
  /** Prod runs Thanos (thanos.enabled), dev does not. */
  const thanos = env === "prod";
  it("the node agents have a namespace of their own, privileged; the main one enforces, warns and audits restricted", () => {
    const ns = Object.fromEntries(byKind(get().resources, NS).map((n) => [n.inputs.metadata.name, n.inputs.metadata.labels]));
    expect(Object.keys(ns).sort()).toEqual(["observability", "observability-agents"]);
    for (const mode of ["enforce", "warn", "audit"]) {
      expect([mode, ns.observability[`pod-security.kubernetes.io/${mode}`]]).toEqual([mode, "restricted"]);
      expect([mode, ns["observability-agents"][`pod-security.kubernetes.io/${mode}`]]).toEqual([mode, "privileged"]);
    }
    // Every object of the node exporter and Fluent Bit moved with them, their RBAC bound there.
    const agents = get().resources.filter((r) => r.inputs?.metadata?.namespace === "observability-agents");
    expect(new Set(agents.map((r) => r.inputs.metadata.labels["app.kubernetes.io/name"]))).toEqual(new Set(["node-exporter", "fluent-bit", "observability-stack"]));
    expect(byKind(get().resources, DS).map((d) => [d.inputs.metadata.name, d.inputs.metadata.namespace]).sort()).toEqual([
      ["fluent-bit", "observability-agents"],
      ["node-exporter", "observability-agents"],
    ]);
    for (const b of byKind(get().resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").filter((x) => /fluent-bit|node-exporter/.test(x.name))) {
      expect(b.inputs.subjects.map((x: { namespace: string }) => x.namespace)).toEqual(["observability-agents"]);
    }
  });

  it("every pod of the main namespace meets the restricted profile", () => {
    const main = workloads(get()).filter((w) => w.inputs.metadata.namespace === "observability");
    expect(main.length).toBeGreaterThan(6);
    const allowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
    for (const w of main) {
      const spec = podTemplate(w).spec;
      expect([w.name, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([w.name, false, false, false]);
      for (const v of spec.volumes ?? []) expect([w.name, v.name, Object.keys(v).filter((k) => k !== "name").every((k) => allowedVolumes.includes(k))]).toEqual([w.name, v.name, true]);
      const podSc = spec.securityContext ?? {};
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const sc = c.securityContext ?? {};
        const id = `${w.name}/${c.name}`;
        expect([id, sc.allowPrivilegeEscalation]).toEqual([id, false]);
        expect([id, sc.capabilities?.drop]).toEqual([id, ["ALL"]]);
        expect([id, sc.capabilities?.add ?? []]).toEqual([id, []]);
        expect([id, sc.runAsNonRoot ?? podSc.runAsNonRoot]).toEqual([id, true]);
        expect([id, (sc.runAsUser ?? podSc.runAsUser) !== 0]).toEqual([id, true]);
        expect([id, (sc.seccompProfile ?? podSc.seccompProfile)?.type]).toEqual([id, "RuntimeDefault"]);
        expect([id, (c.ports ?? []).some((p: { hostPort?: number }) => p.hostPort !== undefined)]).toEqual([id, false]);
      }
    }
  });

  it("each namespace denies all ingress and egress by default", () => {
    for (const ns of ["observability", "observability-agents"]) {
      const p = policyOf(get(), "default-deny", ns);
      expect(p.inputs.spec.policyTypes).toEqual(["Ingress", "Egress"]);
      expect(p.inputs.spec.podSelector ?? {}).toEqual({});
      expect(p.inputs.spec.ingress).toBeUndefined();
      expect(p.inputs.spec.egress).toBeUndefined();
    }
  });

  it("every component's policy limits its egress, DNS first", () => {
    const policies = byKind(get().resources, NETPOL).filter((p) => p.inputs.metadata.name !== "default-deny");
    expect(policies.length).toBeGreaterThan(10);
    for (const p of policies) {
      expect([p.name, p.inputs.spec.policyTypes]).toEqual([p.name, ["Ingress", "Egress"]]);
      expect([p.name, p.inputs.spec.egress[0]]).toEqual([p.name, DNS]);
    }
    // Every long-running or batch workload is selected by a policy of its own namespace.
    for (const w of workloads(get())) {
      const labels = podTemplate(w).metadata.labels;
      const selected = policies.some(
        (p) => p.inputs.metadata.namespace === w.inputs.metadata.namespace && Object.entries(p.inputs.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v),
      );
      expect([w.type, w.name, selected]).toEqual([w.type, w.name, true]);
    }
  });

  it("exact egress: the API server for what calls it, Fluent Bit to Loki and Elasticsearch across namespaces, Grafana to its datasources, Thanos to its stores and the bucket", () => {
    const s = get();
    const api = { to: any, ports: tcp(443, 6443) };
    expect(policyOf(s, "kube-state-metrics").inputs.spec.egress).toEqual([DNS, api]);
    expect(policyOf(s, "fluent-bit", "observability-agents").inputs.spec.egress).toEqual([
      DNS,
      { to: [pods("loki", "observability")], ports: tcp(3100) },
      { to: [pods("elasticsearch", "observability")], ports: tcp(9200) },
      api,
    ]);
    // Prod's sidecars upload to the bucket over HTTPS; so do the Store Gateway and the Compactor.
    const bucket = { to: any, ports: tcp(443) };
    const promEgress = [DNS, { to: [{ namespaceSelector: {} }] }, { to: any, ports: tcp(9100, 10250) }, api];
    expect(policyOf(s, "prometheus").inputs.spec.egress).toEqual(thanos ? [...promEgress, bucket] : promEgress);
    expect(policyOf(s, "grafana").inputs.spec.egress[1]).toEqual(thanos ? { to: [pods("thanos-query")], ports: tcp(10902) } : { to: [pods("prometheus")], ports: tcp(9090) });
    // Loki and Elasticsearch take Fluent Bit's traffic from the agents' namespace.
    expect(policyOf(s, "loki").inputs.spec.ingress[0].from[0]).toEqual(pods("fluent-bit", "observability-agents"));
    expect(policyOf(s, "elasticsearch").inputs.spec.ingress[0].from[0]).toEqual(pods("fluent-bit", "observability-agents"));
    if (!thanos) {
      expect(policyOf(s, "thanos-query")).toBeUndefined();
      return;
    }
    expect(policyOf(s, "thanos-store").inputs.spec.egress).toEqual([DNS, bucket]);
    expect(policyOf(s, "thanos-compact").inputs.spec.egress).toEqual([DNS, bucket]);
    expect(policyOf(s, "thanos-query").inputs.spec.egress).toEqual([DNS, { to: [pods("prometheus")], ports: tcp(10901) }, { to: [pods("thanos-store")], ports: tcp(10901) }]);
    // Query's API only for Grafana (and Prometheus' scrape); the sidecars' StoreAPI only for Query.
    expect(policyOf(s, "thanos-query").inputs.spec.ingress).toEqual([
      { from: [pods("grafana")], ports: tcp(10902) },
      { from: [pods("prometheus")], ports: tcp(10902) },
    ]);
    expect(policyOf(s, "prometheus").inputs.spec.ingress).toContainEqual({ from: [pods("thanos-query")], ports: tcp(10901) });
    // Grafana reads metrics through Thanos Query, not a replica.
    expect(policyOf(s, "grafana").inputs.spec.egress.slice(0, 5)).toEqual([
      DNS,
      { to: [pods("thanos-query")], ports: tcp(10902) },
      { to: [pods("loki")], ports: tcp(3100) },
      { to: [pods("elasticsearch")], ports: tcp(9200) },
      { to: [pods("jaeger")], ports: tcp(16686) },
    ]);
  });

  it("readiness and liveness differ in every container that has both; every long-running container has a liveness probe", () => {
    const handler = (p: Record<string, unknown>) => JSON.stringify({ httpGet: p.httpGet, tcpSocket: p.tcpSocket, exec: p.exec, grpc: p.grpc });
    let checked = 0;
    for (const w of workloads(get()).filter((x) => [STS, DEP, DS].includes(x.type))) {
      for (const c of podTemplate(w).spec.containers) {
        const id = `${w.name}/${c.name}`;
        expect([id, c.livenessProbe !== undefined]).toEqual([id, true]);
        if (c.readinessProbe) {
          checked++;
          expect([id, handler(c.readinessProbe) === handler(c.livenessProbe)]).toEqual([id, false]);
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    for (const sts of ["prometheus", "alertmanager"]) {
      const reloader = container(one(get().resources, STS, sts), "config-reloader");
      expect(reloader.livenessProbe.tcpSocket).toEqual({ port: "reloader" });
      expect(reloader.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "reloader" });
    }
  });

  it("every container and init container requests and limits ephemeral storage, and each pod's emptyDirs fit in its limits", () => {
    for (const w of workloads(get())) {
      const spec = podTemplate(w).spec;
      const main = spec.containers as { name: string; resources: { requests: Record<string, string>; limits: Record<string, string> } }[];
      for (const c of [...(spec.initContainers ?? []), ...main]) {
        const id = `${w.name}/${c.name}`;
        expect([id, typeof c.resources.requests["ephemeral-storage"], typeof c.resources.limits["ephemeral-storage"]]).toEqual([id, "string", "string"]);
        expect([id, quantityMi(c.resources.requests["ephemeral-storage"]) <= quantityMi(c.resources.limits["ephemeral-storage"])]).toEqual([id, true]);
      }
      // A memory-backed emptyDir counts against memory, not ephemeral storage.
      const emptyDirs = (spec.volumes ?? [])
        .filter((v: { emptyDir?: { medium?: string } }) => v.emptyDir && v.emptyDir.medium !== "Memory")
        .reduce((n: number, v: { emptyDir: { sizeLimit: string } }) => n + quantityMi(v.emptyDir.sizeLimit), 0);
      const limits = main.reduce((n, c) => n + quantityMi(c.resources.limits["ephemeral-storage"]), 0);
      expect([w.name, limits >= emptyDirs + 256]).toEqual([w.name, true]);
    }
  });

  it("the governing Service of every StatefulSet is headless", () => {
    const services = byKind(get().resources, SVC);
    for (const sts of byKind(get().resources, STS)) {
      const svc = services.find((x) => x.inputs.metadata.name === sts.inputs.spec.serviceName && x.inputs.metadata.namespace === sts.inputs.metadata.namespace);
      expect([sts.name, svc?.inputs.spec.clusterIP]).toEqual([sts.name, "None"]);
    }
  });

  it("the query Service stays ClientIP-affine to one replica (the stack's `prometheus` endpoint); prod's Grafana reads Thanos Query instead", () => {
    const q = one(get().resources, SVC, "prometheus-query").inputs.spec;
    expect(q.clusterIP).toBeUndefined();
    expect(q).toMatchObject({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: QUERY_AFFINITY_SECONDS } } });
    expect(q.selector).toEqual(one(get().resources, STS, "prometheus").inputs.spec.selector.matchLabels);
    const datasources = one(get().resources, CM, "grafana-datasources").inputs.data["datasources.yaml"] as string;
    if (thanos) {
      expect(datasources).toContain("url: http://thanos-query.observability.svc.cluster.local:10902");
      expect(datasources).not.toContain("prometheus-query");
    } else {
      expect(datasources).toContain("url: http://prometheus-query.observability.svc.cluster.local:9090");
    }
  });

  it("Grafana reads its admin user and password from the mounted Secret, never from the environment", () => {
    const grafana = one(get().resources, DEP, "grafana");
    const c = container(grafana, "grafana");
    const env = Object.fromEntries(c.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(Object.keys(env).filter((k) => k.startsWith("GF_SECURITY_ADMIN"))).toEqual(["GF_SECURITY_ADMIN_USER__FILE", "GF_SECURITY_ADMIN_PASSWORD__FILE"]);
    expect(env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe("/etc/grafana-admin/admin-password");
    expect(c.volumeMounts).toContainEqual({ name: "admin", mountPath: "/etc/grafana-admin", readOnly: true });
    expect(grafana.inputs.spec.template.spec.volumes).toContainEqual({ name: "admin", secret: { secretName: "grafana-admin", defaultMode: 0o440 } });
    expect(c.envFrom).toBeUndefined();
  });

  it("Prometheus scrapes the node exporter over HTTPS with its token; its role may get /metrics", () => {
    const cfg = one(get().resources, CM, "prometheus-config").inputs.data["prometheus.yml"] as string;
    const job = YAML.parse(cfg).scrape_configs.find((j: { job_name: string }) => j.job_name === "node-exporter");
    expect(job).toMatchObject({
      scheme: "https",
      authorization: { credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token" },
      tls_config: { insecure_skip_verify: true },
      kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: ["observability-agents"] } }],
    });
    expect(one(get().resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "observability-prometheus-discovery").inputs.rules).toContainEqual({ nonResourceURLs: ["/metrics"], verbs: ["get"] });
  });
});

describe("prod only", () => {
  it("Loki's targets reach each other (memberlist, gRPC, HTTP) and object storage over HTTPS in prod (AWS); dev's Loki has DNS only", () => {
    const ring = [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "loki", "observability-stack/loki-ring": "loki" } } }];
    for (const target of ["loki", "loki-read", "loki-backend"]) {
      expect([target, policyOf(prod, target).inputs.spec.egress]).toEqual([
        target,
        [
          DNS,
          { to: ring, ports: [{ protocol: "TCP", port: 7946 }, { protocol: "UDP", port: 7946 }] },
          { to: ring, ports: tcp(9095, 3100) },
          { to: any, ports: tcp(443) },
        ],
      ]);
    }
    expect(policyOf(dev, "loki").inputs.spec.egress).toEqual([DNS]);
  });

  it("Alertmanager and Grafana reach exactly the enabled receivers' ports; dev (no receiver) none", () => {
    // Slack and the dead man's switch (https URLs), PagerDuty: 443; the e-mail relay: 587.
    const receivers = { to: any, ports: tcp(443, 587) };
    const am = policyOf(prod, "alertmanager").inputs.spec.egress;
    expect(am).toEqual([DNS, { to: [pods("alertmanager")], ports: [{ protocol: "TCP", port: 9094 }, { protocol: "UDP", port: 9094 }] }, receivers]);
    expect(policyOf(prod, "grafana").inputs.spec.egress.at(-1)).toEqual(receivers);
    expect(policyOf(dev, "alertmanager").inputs.spec.egress).toEqual([DNS]);
    // The ports come from secret URLs; the URLs themselves appear nowhere in the policy.
    const plain = prod.resources.find((r) => r.type === NETPOL && r.inputs.metadata.name === "alertmanager")!.plainInputs;
    expect(plain).toContain("587");
    expect(plain).not.toMatch(/SECRET|slack|deadmans/i);
  });
});

test("a webhook on its own port opens that port, and only it", async () => {
  const s = await synthesize(
    prodOptions({ config: { alerting: { receivers: { webhook: { enabled: true } } } }, secrets: { webhookUrl: "https://hooks.platform.internal:8443/alerts" } }),
  );
  expect(policyOf(s, "alertmanager").inputs.spec.egress.at(-1)).toEqual({ to: any, ports: tcp(443, 587, 8443) });
});

test("dev may relax: baseline Pod Security and no default-deny, each by its own key", async () => {
  const s = await synthesize({ stack: "dev", config: { podSecurity: "baseline", network: { defaultDeny: false } } });
  const ns = byKind(s.resources, NS).find((n) => n.inputs.metadata.name === "observability")!;
  expect(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  expect(byKind(s.resources, NETPOL).filter((p) => p.inputs.metadata.name === "default-deny")).toEqual([]);
  // The components' own policies stay.
  expect(policyOf(s, "prometheus").inputs.spec.policyTypes).toEqual(["Ingress", "Egress"]);
});

test("the agents' namespace and the API server's addresses come from the config", async () => {
  const s = await synthesize({ stack: "dev", config: { agentsNamespace: "node-agents", network: { apiServer: { cidrs: ["10.0.0.10/32"], ports: [6443] } } } });
  expect(byKind(s.resources, DS).map((d) => d.inputs.metadata.namespace)).toEqual(["node-agents", "node-agents"]);
  expect(policyOf(s, "kube-state-metrics").inputs.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: "10.0.0.10/32" } }], ports: tcp(6443) });
  expect(policyOf(s, "loki").inputs.spec.ingress[0].from[0]).toEqual(pods("fluent-bit", "node-agents"));
});

import { parse } from "yaml";
import { REQUIRED_LABELS } from "../../components/labels";
import { IMAGES } from "../../components/versions";
import { byKind, defaultsFor, k8sObjects, one, podTemplates, render, valueOf, type Recorded } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const DEPLOY = "kubernetes:apps/v1:Deployment";
const SVC = "kubernetes:core/v1:Service";
const CM = "kubernetes:core/v1:ConfigMap";
const CRON = "kubernetes:batch/v1:CronJob";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const ES_URL = "http://elasticsearch.observability.svc.cluster.local:9200";

async function renderJaeger(env: "dev" | "prod", patch: Record<string, unknown> = {}, elasticsearchUrl?: string) {
  const { ctx, cfg } = defaultsFor(env);
  return render(env, async () => {
    const { Jaeger } = await import("../../components/jaeger/component");
    return new Jaeger("jaeger", { context: ctx, settings: { ...cfg.jaeger, ...patch }, elasticsearchUrl });
  });
}

const jaegerContainer = (r: Recorded) => podTemplates(r)[0].spec.containers.find((c: { name: string }) => c.name === "jaeger");

describe("Jaeger component", () => {
  let dev: Awaited<ReturnType<typeof renderJaeger>>;
  let prod: Awaited<ReturnType<typeof renderJaeger>>;
  beforeAll(async () => {
    dev = await renderJaeger("dev");
    prod = await renderJaeger("prod", {}, ES_URL);
  });

  test("dev: badger in a one-replica StatefulSet on the data volume; prod: 2-replica Deployment on Elasticsearch", () => {
    const sts = one(dev.resources, STS, "jaeger");
    expect(sts.inputs.spec.replicas).toBe(1);
    expect(byKind(dev.resources, DEPLOY)).toEqual([]);
    expect(jaegerContainer(sts).volumeMounts).toContainEqual({ name: "data", mountPath: "/var/lib/jaeger" });
    const d = one(prod.resources, DEPLOY, "jaeger");
    expect(d.inputs.spec.replicas).toBe(2);
    expect(byKind(prod.resources, STS)).toEqual([]);
    expect(jaegerContainer(d).volumeMounts.map((m: { name: string }) => m.name)).not.toContain("data");
  });

  test("config.yaml in the ConfigMap, its checksum on the pod template", () => {
    const cm = one(prod.resources, CM, "jaeger-config");
    const config = parse(cm.inputs.data["config.yaml"]);
    expect(config.extensions.jaeger_storage.backends.traces.elasticsearch.server_urls).toEqual([ES_URL]);
    expect(JSON.parse(cm.inputs.data["sampling-strategies.json"]).default_strategy).toEqual({ type: "probabilistic", param: 0.1 });
    const annotation = podTemplates(one(prod.resources, DEPLOY, "jaeger"))[0].metadata.annotations["checksum/config"];
    expect(annotation).toMatch(/^[0-9a-f]{64}$/);
    const devAnnotation = podTemplates(one(dev.resources, STS, "jaeger"))[0].metadata.annotations["checksum/config"];
    expect(devAnnotation).not.toBe(annotation);
    expect(jaegerContainer(one(prod.resources, DEPLOY, "jaeger")).args).toEqual(["--config", "/etc/jaeger/config.yaml"]);
  });

  test("Service: OTLP, the legacy Jaeger and Zipkin ports of the seeds' clients, query, sampling, metrics", () => {
    expect(one(prod.resources, SVC, "jaeger").inputs.spec.ports.map((p: { name: string; port: number; protocol?: string }) => [p.name, p.port, p.protocol ?? "TCP"])).toEqual([
      ["otlp-grpc", 4317, "TCP"],
      ["otlp-http", 4318, "TCP"],
      ["thrift-http", 14268, "TCP"],
      ["thrift-compact", 6831, "UDP"],
      ["thrift-binary", 6832, "UDP"],
      ["zipkin", 9411, "TCP"],
      ["query", 16686, "TCP"],
      ["sampling", 5778, "TCP"],
      ["metrics", 8888, "TCP"],
    ]);
  });

  test("probes on the health check, non-root, read-only root filesystem, resources from settings", () => {
    const c = jaegerContainer(one(prod.resources, DEPLOY, "jaeger"));
    expect(c.readinessProbe.httpGet).toEqual({ path: "/status", port: "health" });
    // Alive = accepts connections; a storage outage (unready) never restarts it.
    expect(c.livenessProbe.httpGet).toBeUndefined();
    expect(c.livenessProbe.tcpSocket).toEqual({ port: "health" });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    // The 256Mi /tmp counted in its ephemeral-storage limit (256Mi + 256Mi), a quarter requested.
    expect(c.resources).toEqual({ requests: { cpu: "200m", memory: "512Mi", "ephemeral-storage": "128Mi" }, limits: { cpu: "1", memory: "1Gi", "ephemeral-storage": "512Mi" } });
    expect(c.image).toBe(`${IMAGES.jaeger.repository}:${IMAGES.jaeger.tag}`);
  });

  test("NetworkPolicy: OTLP and sampling from the cluster, query from Grafana, metrics from Prometheus", () => {
    const np = one(prod.resources, NETPOL, "jaeger");
    expect(np.inputs.spec.ingress).toEqual([
      { from: [{ namespaceSelector: {} }], ports: [4317, 4318, 5778, 14268, 9411].map((port) => ({ protocol: "TCP", port })) },
      { from: [{ namespaceSelector: {} }], ports: [6831, 6832].map((port) => ({ protocol: "UDP", port })) },
      { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } } }], ports: [{ protocol: "TCP", port: 16686 }] },
      { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }], ports: [{ protocol: "TCP", port: 8888 }] },
    ]);
  });

  test("PDB and anti-affinity only in prod", () => {
    expect(byKind(dev.resources, PDB)).toEqual([]);
    expect(byKind(prod.resources, PDB).map((p) => p.inputs.spec.maxUnavailable)).toEqual([1]);
    expect(podTemplates(one(prod.resources, DEPLOY, "jaeger"))[0].spec.affinity.podAntiAffinity).toBeTruthy();
    expect(podTemplates(one(dev.resources, STS, "jaeger"))[0].spec.affinity).toBeUndefined();
  });

  test("prod: daily index cleaner with the retention as first argument; none with badger", () => {
    expect(byKind(dev.resources, CRON)).toEqual([]);
    const cron = one(prod.resources, CRON, "jaeger-index-cleaner");
    expect(cron.inputs.spec.concurrencyPolicy).toBe("Forbid");
    expect(cron.inputs.spec.schedule).toBe("15 0 * * *");
    expect(cron.inputs.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "jaeger", "app.kubernetes.io/component": "traces" });
    const pod = cron.inputs.spec.jobTemplate.spec.template;
    expect(pod.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "jaeger", "app.kubernetes.io/component": "traces" });
    const c = pod.spec.containers[0];
    expect(c.args).toEqual(["7", ES_URL]);
    expect(c.env).toEqual([{ name: "INDEX_PREFIX", value: "traces" }]);
    expect(c.image).toBe(`${IMAGES.jaegerIndexCleaner.repository}:${IMAGES.jaegerIndexCleaner.tag}`);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(c.resources.limits).toEqual({ cpu: "200m", memory: "128Mi", "ephemeral-storage": "256Mi" });
    // Its own instance: the Deployment's selector never matches the cleaner's pods.
    const selector = one(prod.resources, DEPLOY, "jaeger").inputs.spec.selector.matchLabels;
    expect(Object.entries(selector).every(([k, v]) => pod.metadata.labels[k] === v)).toBe(false);
  });

  test("badger data protected in a protected stack", async () => {
    const { ctx, cfg } = defaultsFor("prod");
    const r = await render("prod", async () => {
      const { Jaeger } = await import("../../components/jaeger/component");
      return new Jaeger("jaeger", { context: ctx, settings: { ...cfg.jaeger, storage: "badger", replicas: 1 } });
    });
    const sts = one(r.resources, STS, "jaeger");
    // The StatefulSet is protected; its claim holds the data and is also kept on delete.
    expect([sts.protect, sts.retainOnDelete]).toEqual([true, false]);
    const claim = one(r.resources, "kubernetes:core/v1:PersistentVolumeClaim", "data-jaeger-0");
    expect([claim.protect, claim.retainOnDelete]).toEqual([true, true]);
    expect(claim.inputs.spec.resources.requests.storage).toBe("10Gi");
    expect(sts.inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("10Gi");
    expect(byKind(r.resources, CRON)).toEqual([]);
  });

  test("outputs: OTLP endpoints and query URL", async () => {
    expect(await valueOf(prod.component.otlpGrpcEndpoint)).toBe("http://jaeger.observability.svc.cluster.local:4317");
    expect(await valueOf(prod.component.otlpHttpEndpoint)).toBe("http://jaeger.observability.svc.cluster.local:4318");
    expect(await valueOf(prod.component.queryUrl)).toBe("http://jaeger.observability.svc.cluster.local:16686");
  });

  test("elasticsearch storage without a URL, or shared badger, is refused before any resource", async () => {
    await expect(renderJaeger("prod")).rejects.toThrow(/no elasticsearchUrl/);
    await expect(renderJaeger("dev", { replicas: 2 })).rejects.toThrow(/2 replicas cannot share badger storage/);
  });

  test.each(["dev", "prod"] as const)("%s: the standard labels on every object and pod template; images pinned", (e) => {
    const r = e === "dev" ? dev : prod;
    const objects = k8sObjects(r.resources);
    expect(objects.length).toBeGreaterThanOrEqual(4);
    for (const o of objects) {
      for (const l of REQUIRED_LABELS) expect([o.inputs.metadata.name, l, o.inputs.metadata.labels?.[l]]).toEqual([o.inputs.metadata.name, l, expect.any(String)]);
      for (const t of podTemplates(o)) {
        for (const l of REQUIRED_LABELS) expect(t.metadata.labels[l]).toEqual(expect.any(String));
        for (const c of t.spec.containers) expect(c.image).toMatch(/^[^:]+:\d+\.\d+\.\d+$/);
      }
    }
  });
});

describe("Jaeger on its own, with only a namespace", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  beforeAll(async () => {
    r = await render("lib", async () => new (await import("../../components/jaeger/component")).Jaeger("traces", { namespace: "team-a" }));
  });

  test("badger by default: a one-replica StatefulSet named after it, with a claim of the default size", async () => {
    const { JAEGER_DEFAULTS } = await import("../../components/jaeger/component");
    const sts = one(r.resources, STS, "traces");
    expect(sts.inputs.spec.replicas).toBe(1);
    expect(sts.inputs.spec.serviceName).toBe("traces");
    expect(sts.inputs.metadata.namespace).toBe("team-a");
    expect(one(r.resources, "kubernetes:core/v1:PersistentVolumeClaim", "data-traces-0").inputs.spec.resources.requests.storage).toBe(`${JAEGER_DEFAULTS.storageGi}Gi`);
    expect(byKind(r.resources, CM).map((c) => c.inputs.metadata.name)).toEqual(["traces-config"]);
    expect(jaegerContainer(sts).resources).toMatchObject(JAEGER_DEFAULTS.resources);
    expect(byKind(r.resources, CRON)).toEqual([]);
  });

  test("endpoints from its Service", async () => {
    expect(await valueOf(r.component.otlpGrpcEndpoint)).toBe("http://traces.team-a.svc.cluster.local:4317");
    expect(await valueOf(r.component.queryUrl)).toBe("http://traces.team-a.svc.cluster.local:16686");
    expect(r.component.metricsService).toEqual({ service: "traces", portName: "metrics" });
  });
});

test("Jaeger on Elasticsearch on its own: the index cleaner is named after it", async () => {
  const r = await render("lib", async () =>
    new (await import("../../components/jaeger/component")).Jaeger("traces", { namespace: "team-a", storage: "elasticsearch", replicas: 2, elasticsearchUrl: "http://logs.team-a.svc.cluster.local:9200" }),
  );
  expect(byKind(r.resources, CRON).map((c) => c.inputs.metadata.name)).toEqual(["traces-index-cleaner"]);
  expect(one(r.resources, DEPLOY, "traces").inputs.spec.replicas).toBe(2);
  expect(one(r.resources, PDB, "traces").inputs.spec.maxUnavailable).toBe(1);
});

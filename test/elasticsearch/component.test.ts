import { parse } from "yaml";
import { REQUIRED_LABELS } from "../../components/labels";
import { IMAGES } from "../../components/versions";
import { byKind, defaultsFor, k8sObjects, one, podTemplates, render, valueOf, type Recorded } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const DEPLOY = "kubernetes:apps/v1:Deployment";
const SVC = "kubernetes:core/v1:Service";
const CM = "kubernetes:core/v1:ConfigMap";
const JOB = "kubernetes:batch/v1:Job";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

async function renderEs(env: "dev" | "prod", extra: Record<string, unknown> = {}) {
  const { ctx, cfg } = defaultsFor(env);
  return render(env, async () => {
    const { Elasticsearch } = await import("../../components/elasticsearch/component");
    return new Elasticsearch("elasticsearch", { context: ctx, settings: cfg.elasticsearch, ...extra });
  });
}

const bootstrapJob = (r: { resources: Recorded[] }) => byKind(r.resources, JOB).find((j) => j.name === "elasticsearch-bootstrap")!;
const container = (r: Recorded, name: string) => r.inputs.spec.template.spec.containers.find((c: { name: string }) => c.name === name);
const env = (c: { env: { name: string; value: string }[] }, name: string) => c.env.find((e) => e.name === name)?.value;

describe("Elasticsearch component", () => {
  let dev: Awaited<ReturnType<typeof renderEs>>;
  let prod: Awaited<ReturnType<typeof renderEs>>;
  beforeAll(async () => {
    dev = await renderEs("dev");
    prod = await renderEs("prod");
  });

  test("replicas 1 (single-node) in dev, 3 in prod with discovery through the headless Service", () => {
    const d = one(dev.resources, STS, "elasticsearch");
    const p = one(prod.resources, STS, "elasticsearch");
    expect(d.inputs.spec.replicas).toBe(1);
    expect(p.inputs.spec.replicas).toBe(3);
    expect(p.inputs.spec.serviceName).toBe("elasticsearch-nodes");
    const devYml = parse(one(dev.resources, CM, "elasticsearch-config").inputs.data["elasticsearch.yml"]);
    const prodYml = parse(one(prod.resources, CM, "elasticsearch-config").inputs.data["elasticsearch.yml"]);
    expect(devYml["discovery.type"]).toBe("single-node");
    expect(prodYml["discovery.seed_hosts"]).toEqual(["elasticsearch-nodes.observability.svc.cluster.local"]);
    expect(prodYml["cluster.initial_master_nodes"]).toEqual(["elasticsearch-0", "elasticsearch-1", "elasticsearch-2"]);
    expect(prodYml["node.store.allow_mmap"]).toBe(false);
  });

  test("heap and resources from the settings", () => {
    const c = container(one(prod.resources, STS, "elasticsearch"), "elasticsearch");
    expect(env(c, "ES_JAVA_OPTS")).toBe("-Xms2048m -Xmx2048m");
    // Its emptyDirs (config 64Mi, tmp 1Gi, logs 1Gi, zone 1Mi) fit in the ephemeral-storage limit: 256Mi + 2113Mi.
    expect(c.resources).toEqual({ requests: { cpu: "1", memory: "4Gi", "ephemeral-storage": "593Mi" }, limits: { cpu: "2", memory: "4Gi", "ephemeral-storage": "2369Mi" } });
    expect(env(container(one(dev.resources, STS, "elasticsearch"), "elasticsearch"), "ES_JAVA_OPTS")).toBe("-Xms512m -Xmx512m");
  });

  test("prod data is protected and retained; dev data is not; claims only with persistence", () => {
    const p = one(prod.resources, STS, "elasticsearch");
    const d = one(dev.resources, STS, "elasticsearch");
    // The StatefulSet is protected; the claims hold the data, and are also kept on delete.
    expect([p.protect, p.retainOnDelete]).toEqual([true, false]);
    expect([d.protect, d.retainOnDelete]).toEqual([false, false]);
    const claims = byKind(prod.resources, "kubernetes:core/v1:PersistentVolumeClaim");
    expect(claims.map((c) => [c.inputs.metadata.name, c.protect, c.retainOnDelete, c.inputs.spec.resources.requests.storage])).toEqual(
      [0, 1, 2].map((i) => [`data-elasticsearch-${i}`, true, true, "180Gi"]),
    );
    expect(byKind(dev.resources, "kubernetes:core/v1:PersistentVolumeClaim")).toEqual([]);
    expect(p.inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("180Gi");
    expect(d.inputs.spec.volumeClaimTemplates ?? []).toEqual([]);
    expect(d.inputs.spec.template.spec.volumes.find((v: { name: string }) => v.name === "data").emptyDir.sizeLimit).toBe("10Gi");
  });

  test("PDB and anti-affinity only in prod", () => {
    expect(byKind(dev.resources, PDB)).toEqual([]);
    const pdbs = byKind(prod.resources, PDB);
    expect(pdbs.map((p) => [p.inputs.metadata.name, p.inputs.spec.maxUnavailable])).toEqual([["elasticsearch", 1]]);
    expect(one(dev.resources, STS, "elasticsearch").inputs.spec.template.spec.affinity).toBeUndefined();
    expect(one(prod.resources, STS, "elasticsearch").inputs.spec.template.spec.affinity.podAntiAffinity).toBeTruthy();
  });

  test("non-root uid 1000, read-only root filesystem with volumes for what Elasticsearch writes, readiness gated on cluster health", () => {
    const sts = one(prod.resources, STS, "elasticsearch");
    const spec = sts.inputs.spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    const c = container(sts, "elasticsearch");
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] } });
    expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort()).toEqual(
      ["/mnt/elastic-password", "/mnt/zone", "/tmp", "/usr/share/elasticsearch/config", "/usr/share/elasticsearch/config/certs", "/usr/share/elasticsearch/data", "/usr/share/elasticsearch/logs"].sort(),
    );
    expect(c.readinessProbe.exec.command.slice(0, 2)).toEqual(["bash", "-c"]);
    expect(c.readinessProbe.exec.command[2]).toContain('http "/_cluster/health?wait_for_status=green&timeout=1s"');
    // Security on: the readiness script authenticates as elastic over TLS, verified against the CA.
    const envOf = (n: string) => c.env.find((e: { name: string }) => e.name === n);
    expect(envOf("ES_PROBE_SCHEME").value).toBe("https");
    expect(envOf("ES_PROBE_HOST").value).toBe("localhost");
    expect(envOf("ES_PROBE_CACERT").value).toBe("/usr/share/elasticsearch/config/certs/ca.crt");
    expect(envOf("ES_PROBE_USERNAME").value).toBe("elastic");
    expect(envOf("ES_PROBE_PASSWORD_FILE").value).toBe("/mnt/elastic-password/password");
    // The elastic password only as a file of its Secret (the image's entrypoint reads *_FILE).
    expect(envOf("ELASTIC_PASSWORD_FILE").value).toBe("/mnt/elastic-password/password");
    expect(c.env.filter((e: { valueFrom?: { secretKeyRef?: unknown } }) => e.valueFrom?.secretKeyRef)).toEqual([]);
    expect(spec.volumes.find((v: { name: string }) => v.name === "elastic-password").secret).toEqual({ secretName: "elasticsearch-user-elastic", items: [{ key: "password", path: "password" }], defaultMode: 0o440 });
    // No privileged sysctl init container: the unprivileged config copy and the zone reader.
    expect(spec.initContainers.map((i: { name: string }) => i.name)).toEqual(["config", "zone"]);
    for (const i of spec.initContainers) expect(i.securityContext).toMatchObject({ runAsNonRoot: true, privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  });

  test("Services: http on 9200, headless nodes Service publishing not-ready peers", () => {
    const svc = one(prod.resources, SVC, "elasticsearch");
    expect(svc.inputs.spec.ports).toEqual([{ name: "http", port: 9200, targetPort: "http" }]);
    const nodes = one(prod.resources, SVC, "elasticsearch-nodes");
    expect(nodes.inputs.spec.clusterIP).toBe("None");
    expect(nodes.inputs.spec.publishNotReadyAddresses).toBe(true);
    expect(nodes.inputs.spec.ports.map((p: { port: number }) => p.port)).toEqual([9200, 9300]);
  });

  test("NetworkPolicy: 9200 from the stack's clients only, 9300 from Elasticsearch only", () => {
    const np = one(prod.resources, NETPOL, "elasticsearch");
    const [http, transport] = np.inputs.spec.ingress;
    expect(http.ports).toEqual([{ protocol: "TCP", port: 9200 }]);
    expect(http.from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"]).sort()).toEqual(
      ["elasticsearch-bootstrap", "elasticsearch-exporter", "fluent-bit", "grafana", "jaeger", "kibana"].sort(),
    );
    expect(transport).toEqual({ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "elasticsearch" } } }], ports: [{ protocol: "TCP", port: 9300 }] });
  });

  test("bootstrap ConfigMap: the exact keys, labeled name=elasticsearch", () => {
    const cm = one(prod.resources, CM, "elasticsearch-bootstrap");
    expect(cm.inputs.metadata.labels["app.kubernetes.io/name"]).toBe("elasticsearch");
    expect(Object.keys(cm.inputs.data).sort()).toEqual(
      [
        "bootstrap.sh",
        "ilm-application.json",
        "ilm-audit.json",
        "ilm-security.json",
        "index-template-application.json",
        "index-template-audit.json",
        "index-template-security.json",
        "role-cluster-monitor.json",
        "role-jaeger-index-cleaner.json",
        "role-jaeger-writer.json",
        "role-log-and-trace-reader.json",
        "role-log-writer.json",
      ].sort(),
    );
    expect(JSON.parse(cm.inputs.data["ilm-audit.json"]).policy.phases.delete.min_age).toBe("2555d");
    expect(JSON.parse(cm.inputs.data["index-template-security.json"]).template.settings["index.number_of_replicas"]).toBe(1);
  });

  test("bootstrap Job: named by content, no TTL, non-root, waits for the StatefulSet", () => {
    const job = bootstrapJob(prod);
    expect(job.inputs.metadata.name).toMatch(/^elasticsearch-bootstrap-[0-9a-f]{10}$/);
    expect(job.inputs.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.inputs.spec.backoffLimit).toBe(6);
    expect(job.dependencies.some((u) => u.endsWith("::elasticsearch-statefulset"))).toBe(true);
    expect(job.protect).toBe(false);
    const c = job.inputs.spec.template.spec.containers[0];
    expect(c.image).toBe(`${IMAGES.elasticsearch.repository}:${IMAGES.elasticsearch.tag}`);
    expect(c.command).toEqual(["bash", "/bootstrap/bootstrap.sh"]);
    expect(env(c, "ES_URL")).toBe("https://elasticsearch.observability.svc.cluster.local:9200");
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    // dev and prod templates differ (replicas), so the Job names differ.
    expect(bootstrapJob(dev).inputs.metadata.name).not.toBe(job.inputs.metadata.name);
  });

  test("exporter: all nodes and indices, Service port named metrics", () => {
    const d = one(prod.resources, DEPLOY, "elasticsearch-exporter");
    const c = container(d, "exporter");
    expect(c.args).toEqual(["--es.uri=https://elasticsearch.observability.svc.cluster.local:9200", "--es.ca=/etc/elasticsearch-ca/ca.crt", "--es.all", "--es.indices", "--es.timeout=20s", "--web.listen-address=:9114"]);
    expect(one(prod.resources, SVC, "elasticsearch-exporter").inputs.spec.ports).toEqual([{ name: "metrics", port: 9114, targetPort: "metrics" }]);
    const np = one(prod.resources, NETPOL, "elasticsearch-exporter");
    expect(np.inputs.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }], ports: [{ protocol: "TCP", port: 9114 }] }]);
  });

  test("Kibana only when enabled (prod), pointed at the Elasticsearch Service, named <name>-kibana by default", async () => {
    expect(byKind(dev.resources, DEPLOY).map((d) => d.inputs.metadata.name)).toEqual(["elasticsearch-exporter"]);
    expect(dev.component.kibanaUrl).toBeUndefined();
    const k = container(one(prod.resources, DEPLOY, "elasticsearch-kibana"), "kibana");
    expect(JSON.parse(env(k, "ELASTICSEARCH_HOSTS")!)).toEqual(["https://elasticsearch.observability.svc.cluster.local:9200"]);
    // Behind a login, /api/status answers 401 to the kubelet: the login page says Kibana is up.
    expect(k.readinessProbe.httpGet).toEqual({ path: "/login", port: "http" });
    expect(k.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true });
    expect(k.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual([
      "/usr/share/kibana/data",
      "/usr/share/kibana/plugins",
      "/usr/share/kibana/logs",
      "/tmp",
      "/usr/share/kibana/config/elasticsearch-ca",
    ]);
    expect(one(prod.resources, NETPOL, "elasticsearch-kibana").inputs.spec.ingress).toEqual([{ from: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP", port: 5601 }] }]);
    expect(one(prod.resources, SVC, "elasticsearch-kibana").inputs.spec.ports).toEqual([{ name: "http", port: 5601, targetPort: "http" }]);
    expect(await valueOf(prod.component.kibanaUrl!)).toBe("http://elasticsearch-kibana.observability.svc.cluster.local:5601");
  });

  test("outputs: url and the log aliases", async () => {
    expect(await valueOf(prod.component.url)).toBe("https://elasticsearch.observability.svc.cluster.local:9200");
    expect(await valueOf(prod.component.logAliases)).toEqual({ application: "logs-application", audit: "logs-audit", security: "logs-security" });
  });

  test.each(["dev", "prod"] as const)("%s: the standard labels on every object and pod template; images pinned", (e) => {
    const r = e === "dev" ? dev : prod;
    const objects = k8sObjects(r.resources);
    expect(objects.length).toBeGreaterThan(8);
    for (const o of objects) {
      for (const l of REQUIRED_LABELS) expect([o.inputs.metadata.name, l, o.inputs.metadata.labels?.[l]]).toEqual([o.inputs.metadata.name, l, expect.any(String)]);
      expect(o.inputs.metadata.labels.environment).toBe(e);
      for (const t of podTemplates(o)) {
        for (const l of REQUIRED_LABELS) expect(t.metadata.labels[l]).toEqual(expect.any(String));
        for (const c of [...(t.spec.containers ?? []), ...(t.spec.initContainers ?? [])]) expect(c.image).toMatch(/^[^:]+(:\d[^:]*|:v\d[^:]*)$/);
      }
    }
  });
});

describe("Elasticsearch with snapshots", () => {
  const snapshot = {
    repositoryBody: { type: "s3", settings: { bucket: "es-snapshots-bucket" } },
    slmPolicyBody: { schedule: "0 30 1 * * ?", repository: "snapshots" },
    serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/es" },
    elasticsearchYml: { "s3.client.default.endpoint": "s3.eu-west-1.amazonaws.com" },
  };

  test("bodies into the bootstrap ConfigMap, IRSA annotation on the ServiceAccount, token link in the init container", async () => {
    const r = await renderEs("prod", { snapshot });
    const cm = one(r.resources, CM, "elasticsearch-bootstrap");
    expect(JSON.parse(cm.inputs.data["snapshot-repository.json"])).toEqual(snapshot.repositoryBody);
    expect(JSON.parse(cm.inputs.data["slm-policy.json"])).toEqual(snapshot.slmPolicyBody);
    expect(cm.inputs.data["bootstrap.sh"]).toContain('req PUT "/_snapshot/snapshots"');
    const sa = one(r.resources, "kubernetes:core/v1:ServiceAccount", "elasticsearch");
    expect(sa.inputs.metadata.annotations).toEqual(snapshot.serviceAccountAnnotations);
    const sts = one(r.resources, STS, "elasticsearch");
    expect(sts.inputs.spec.template.spec.serviceAccountName).toBe("elasticsearch");
    expect(sts.inputs.spec.template.spec.initContainers[0].command[2]).toContain("repository-s3/aws-web-identity-token-file");
    const yml = parse(one(r.resources, CM, "elasticsearch-config").inputs.data["elasticsearch.yml"]);
    expect(yml["s3.client.default.endpoint"]).toBe("s3.eu-west-1.amazonaws.com");
  });
});

describe("Elasticsearch on its own: named after itself, children of their own", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  beforeAll(async () => {
    r = await render("team", async () => {
      const { Elasticsearch } = await import("../../components/elasticsearch/component");
      return new Elasticsearch("logs", { namespace: "team-b", replicas: 3, kibana: { enabled: true, resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "1Gi" } } } });
    });
  });

  test("every object is named after the component; discovery follows the names", () => {
    expect(one(r.resources, STS, "logs").inputs.spec.serviceName).toBe("logs-nodes");
    expect(byKind(r.resources, SVC).map((s) => s.inputs.metadata.name).sort()).toEqual(["logs", "logs-exporter", "logs-kibana", "logs-nodes"]);
    expect(byKind(r.resources, DEPLOY).map((s) => s.inputs.metadata.name).sort()).toEqual(["logs-exporter", "logs-kibana"]);
    expect(byKind(r.resources, CM).map((s) => s.inputs.metadata.name).sort()).toEqual(["logs-bootstrap", "logs-config"]);
    expect(byKind(r.resources, JOB).map((j) => j.inputs.metadata.name).sort()).toEqual([expect.stringMatching(/^logs-bootstrap-[0-9a-f]{10}$/), expect.stringMatching(/^logs-certs-g1-[0-9a-f]{8}$/)]);
    expect(byKind(r.resources, PDB).map((s) => s.inputs.metadata.name)).toEqual(["logs"]);
    const yml = parse(one(r.resources, CM, "logs-config").inputs.data["elasticsearch.yml"]);
    expect(yml["discovery.seed_hosts"]).toEqual(["logs-nodes.team-b.svc.cluster.local"]);
    expect(yml["cluster.initial_master_nodes"]).toEqual(["logs-0", "logs-1", "logs-2"]);
    expect(yml["cluster.name"]).toBe("observability-stack-dev");
    const clusterScoped = ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"];
    for (const o of k8sObjects(r.resources).filter((x) => !clusterScoped.includes(x.type))) expect([o.inputs.metadata.name, o.inputs.metadata.namespace]).toEqual([o.inputs.metadata.name, "team-b"]);
    // Cluster-scoped: named after the namespace and the component.
    expect(k8sObjects(r.resources).filter((x) => clusterScoped.includes(x.type)).map((o) => o.inputs.metadata.name)).toEqual(["team-b-logs-node-zone", "team-b-logs-node-zone"]);
  });

  test("the defaults where nothing was set", () => {
    const { ELASTICSEARCH_DEFAULTS } = require("../../components/elasticsearch/component");
    const sts = one(r.resources, STS, "logs").inputs;
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${ELASTICSEARCH_DEFAULTS.storageGi}Gi`);
    expect(env(container(one(r.resources, STS, "logs"), "elasticsearch"), "ES_JAVA_OPTS")).toBe(`-Xms${ELASTICSEARCH_DEFAULTS.heapMi}m -Xmx${ELASTICSEARCH_DEFAULTS.heapMi}m`);
  });

  test("the URL, host and index pattern come from the component; the children use the URL", async () => {
    expect(await valueOf(r.component.url)).toBe("https://logs.team-b.svc.cluster.local:9200");
    expect(await valueOf(r.component.host)).toBe("logs.team-b.svc.cluster.local");
    expect(r.component.port).toBe(9200);
    expect(await valueOf(r.component.logIndexPattern)).toBe("logs-*");
    expect(await valueOf(r.component.kibanaUrl)).toBe("http://logs-kibana.team-b.svc.cluster.local:5601");
    expect(r.component.exporterService).toEqual({ service: "logs-exporter", portName: "metrics" });
    expect(container(one(r.resources, DEPLOY, "logs-exporter"), "exporter").args[0]).toBe("--es.uri=https://logs.team-b.svc.cluster.local:9200");
    const job = byKind(r.resources, JOB).find((j) => j.name === "logs-bootstrap")!;
    expect(job.inputs.spec.template.spec.containers[0].env[0]).toEqual({ name: "ES_URL", value: "https://logs.team-b.svc.cluster.local:9200" });
  });

  test("the bootstrap, the exporter and Kibana are child components, their objects aliased to their former parent", () => {
    const children = r.resources.filter((x) => ["ElasticsearchBootstrap", "ElasticsearchExporter", "Kibana"].some((t) => x.type === `observability:index:${t}`));
    expect(children.map((c) => [c.type, c.name]).sort()).toEqual([
      ["observability:index:ElasticsearchBootstrap", "logs-bootstrap"],
      ["observability:index:ElasticsearchExporter", "logs-exporter"],
      ["observability:index:Kibana", "logs-kibana"],
    ]);
    const parentUrn = children[0].parent;
    expect(parentUrn).toMatch(/observability:index:Elasticsearch::logs$/);
    for (const c of children) expect(c.parent).toBe(parentUrn);
    const moved = k8sObjects(r.resources).filter((o) => children.some((c) => o.parent.endsWith(`${c.type}::${c.name}`)));
    // ConfigMap + Job + NetworkPolicy, Deployment + Service + NetworkPolicy twice.
    expect(moved.map((o) => o.name).sort()).toEqual([
      "logs-bootstrap",
      "logs-bootstrap-config",
      "logs-bootstrap-netpol",
      "logs-exporter",
      "logs-exporter",
      "logs-exporter-netpol",
      "logs-kibana",
      "logs-kibana",
      "logs-kibana-netpol",
    ]);
    // (The provider adds aliases of its own to some types, e.g. NetworkPolicy's former API group.)
    // The bootstrap Job's NetworkPolicy came after the split: it never had another parent.
    for (const o of moved.filter((x) => x.name !== "logs-bootstrap-netpol")) expect([o.type, o.name, o.aliases.filter((a) => a.parent && !a.type)]).toEqual([o.type, o.name, [{ parent: parentUrn }]]);
    expect(moved.find((x) => x.name === "logs-bootstrap-netpol")!.aliases.filter((a) => a.parent && !a.type)).toEqual([]);
    // The objects that stayed children of Elasticsearch (the data among them) have no alias of a parent.
    const stayed = k8sObjects(r.resources).filter((x) => x.parent === parentUrn);
    expect(stayed.length).toBeGreaterThan(8);
    for (const o of stayed) expect(o.aliases.filter((a) => a.parent && !a.type)).toEqual([]);
  });
});

/**
 * The real program (index.ts) under mocks, for the dev and the prod config: every component's
 * resources exist, per-environment differences by value, labels everywhere, pinned images,
 * requests and limits, protected data in prod, secrets kept secret, and bad config registering nothing.
 */
import YAML from "yaml";
import { REQUIRED_LABELS } from "../components/labels";
import { IMAGES } from "../components/versions";
import { allDashboards } from "../dashboards";
import { Synthesis, RecordedResource, byKind, container, one, prodOptions, synthesize, PROD_SECRETS } from "./helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const DEP = "kubernetes:apps/v1:Deployment";
const DS = "kubernetes:apps/v1:DaemonSet";
const CM = "kubernetes:core/v1:ConfigMap";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

let dev: Synthesis;
let prod: Synthesis;

beforeAll(async () => {
  dev = await synthesize({ stack: "dev" });
  prod = await synthesize(prodOptions());
});

const k8s = (s: Synthesis) => s.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes");
const podTemplate = (r: RecordedResource) => r.inputs.spec?.jobTemplate?.spec?.template ?? r.inputs.spec?.template;
const workloads = (s: Synthesis) =>
  s.resources.filter((r) => [STS, DEP, DS, "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob"].includes(r.type));
const allContainers = (s: Synthesis) =>
  workloads(s).flatMap((w) => {
    const spec = podTemplate(w)?.spec ?? {};
    return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c: any) => ({ workload: w.name, c }));
  });

describe.each([
  ["dev", () => dev],
  ["prod", () => prod],
])("%s stack", (env, get) => {
  it("has every component", () => {
    const s = get();
    for (const name of ["prometheus", "alertmanager", "loki", "elasticsearch"]) expect(one(s.resources, STS, name).inputs.spec.replicas).toBeGreaterThan(0);
    for (const name of ["node-exporter", "fluent-bit"]) expect(one(s.resources, DS, name).inputs.spec.template.spec.tolerations).toEqual([{ operator: "Exists" }]);
    expect(one(s.resources, DEP, "grafana").inputs.spec.replicas).toBe(1);
    expect(s.resources.filter((r) => (r.type === DEP || r.type === STS) && r.inputs.metadata.name === "jaeger")).toHaveLength(1);
    // Grafana's content is provisioned from files: nothing talks to Grafana's API, so no Grafana
    // provider and no Grafana resource exists, and `pulumi up` needs only the Kubernetes API.
    expect(s.resources.filter((r) => r.type.startsWith("grafana:") || r.type === "pulumi:providers:grafana").map((r) => r.type)).toEqual([]);
    const dashboards = byKind(s.resources, "kubernetes:core/v1:ConfigMap").filter((r) => r.inputs.metadata.name.startsWith("grafana-dashboards-"));
    expect(dashboards.flatMap((r) => Object.keys(r.inputs.data)).sort()).toEqual(allDashboards().map((d) => `${d.uid}.json`).sort());
  });

  it("every Kubernetes object is applied by one stable field manager (retained data can be taken back)", () => {
    const objects = k8s(get());
    expect(objects.length).toBeGreaterThan(50);
    expect(objects.filter((o) => o.inputs.metadata?.annotations?.["pulumi.com/patchFieldManager"] !== "observability-stack").map((o) => o.name)).toEqual([]);
  });

  it("labels every Kubernetes object and pod template with the standard labels", () => {
    const objects = k8s(get());
    expect(objects.length).toBeGreaterThan(40);
    for (const r of objects) {
      const sets = [r.inputs.metadata?.labels, ...(podTemplate(r) ? [podTemplate(r).metadata?.labels] : [])];
      for (const labels of sets) {
        for (const key of REQUIRED_LABELS) {
          if (!labels?.[key]) throw new Error(`${r.type} ${r.name}: label ${key} missing`);
        }
        expect(labels.environment).toBe(env);
        expect(labels["app.kubernetes.io/managed-by"]).toBe("pulumi");
        expect(labels["app.kubernetes.io/part-of"]).toBe("observability-stack");
      }
    }
  });

  it("every namespaced object waits for its namespace (the main one, or the node agents')", () => {
    const namespaced = k8s(get()).filter((r) => !["kubernetes:core/v1:Namespace", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"].includes(r.type));
    expect(namespaced.length).toBeGreaterThan(40);
    expect(new Set(namespaced.map((r) => r.inputs.metadata.namespace))).toEqual(new Set(["observability", "observability-agents"]));
    for (const r of namespaced) {
      const ns = r.inputs.metadata.namespace === "observability-agents" ? "observability-agents-namespace" : "observability-namespace";
      if (!r.dependencies.some((d) => d.endsWith(`kubernetes:core/v1:Namespace::${ns}`))) {
        throw new Error(`${r.type} ${r.name} does not depend on the namespace: ${r.dependencies.join(", ")}`);
      }
    }
  });

  it("pins every image to an exact version from versions.ts", () => {
    const pinned = new Set(Object.values(IMAGES).map((i) => `${i.repository}:${i.tag}`));
    const containers = allContainers(get());
    expect(containers.length).toBeGreaterThan(10);
    for (const { workload, c } of containers) {
      if (!pinned.has(c.image)) throw new Error(`${workload}/${c.name}: image ${c.image} is not a pinned image of versions.ts`);
      expect(c.image).not.toMatch(/:latest$/);
    }
  });

  it("sets requests and limits on every container", () => {
    for (const { workload, c } of allContainers(get())) {
      for (const kind of ["requests", "limits"]) {
        for (const res of ["cpu", "memory"]) {
          if (!c.resources?.[kind]?.[res]) throw new Error(`${workload}/${c.name}: resources.${kind}.${res} missing`);
        }
      }
    }
  });

  it("runs containers without privilege escalation, and non-root unless declared", () => {
    for (const { workload, c } of allContainers(get())) {
      expect([workload, c.securityContext?.allowPrivilegeEscalation]).toEqual([workload, false]);
      expect([workload, c.securityContext?.privileged ?? false]).toEqual([workload, false]);
    }
  });

  it("fences every long-running workload with a NetworkPolicy", () => {
    const s = get();
    const selected = byKind(s.resources, NETPOL).map((p) => p.inputs.spec.podSelector?.matchLabels?.["app.kubernetes.io/name"]);
    for (const w of s.resources.filter((r) => [STS, DEP, DS].includes(r.type))) {
      const app = w.inputs.spec.selector.matchLabels["app.kubernetes.io/name"];
      if (!selected.includes(app)) throw new Error(`${w.type} ${w.name} (${app}) has no NetworkPolicy`);
    }
  });

  it("keeps every secret value out of ConfigMaps, env literals and plain outputs", () => {
    const s = get();
    // The generated passwords (the mocks' RandomPassword results): Grafana's admin and every Elasticsearch user's.
    const generated = byKind(s.resources, "random:index/randomPassword:RandomPassword").map((p) => `generated-${p.name}-password`);
    expect(generated.filter((g) => g.startsWith("generated-elasticsearch-user-")).sort()).toEqual(
      ["elastic", "kibana-system", "fluent-bit", "jaeger", "jaeger-index-cleaner", "grafana", "elasticsearch-exporter"].map((u) => `generated-elasticsearch-user-${u}-password-password`).sort(),
    );
    const values = [...Object.values(PROD_SECRETS), ...generated];
    let secretCarriers = 0;
    for (const r of s.resources) {
      const plain = r.plainInputs;
      for (const v of values) if (plain.includes(v)) throw new Error(`${r.type} ${r.name} holds a secret value in plain text`);
      if (JSON.stringify(r.inputs).match(/SECRET|generated-[a-z-]+-password-password/)) {
        secretCarriers++;
        // Only Secrets and the resources that must hand a credential to a provider may carry one.
        expect([r.type, r.name]).toEqual([expect.stringMatching(/^(kubernetes:core\/v1:Secret|grafana:alerting\/contactPoint:ContactPoint|pulumi:providers:grafana|random:index\/randomPassword:RandomPassword)$/), r.name]);
      }
    }
    expect(secretCarriers).toBeGreaterThan(env === "prod" ? 2 : 0);
    expect(s.secretOutputs).toContain("grafanaAdminPassword");
    for (const [k, v] of Object.entries(s.outputs)) {
      if (s.secretOutputs.has(k)) continue;
      for (const secret of values) expect(JSON.stringify(v ?? null)).not.toContain(secret);
    }
  });
});

describe("per-environment differences", () => {
  const args = (s: Synthesis, name: string, c: string) => container(one(s.resources, STS, name), c).args as string[];

  it("replicas: one of everything in dev, HA in prod", () => {
    const replicas = (s: Synthesis) => Object.fromEntries(["prometheus", "alertmanager", "loki", "elasticsearch"].map((n) => [n, one(s.resources, STS, n).inputs.spec.replicas]));
    expect(replicas(dev)).toEqual({ prometheus: 1, alertmanager: 1, loki: 1, elasticsearch: 1 });
    // Prod's Loki is scalable: the StatefulSet "loki" is its write target.
    expect(replicas(prod)).toEqual({ prometheus: 2, alertmanager: 3, loki: 3, elasticsearch: 3 });
    expect(one(prod.resources, STS, "loki-backend").inputs.spec.replicas).toBe(3);
    expect(one(prod.resources, DEP, "loki-read").inputs.spec.replicas).toBe(3);
    expect(byKind(dev.resources, DEP).filter((d) => d.inputs.metadata.name.startsWith("loki"))).toEqual([]);
  });

  it("SLO rules for the example service, over each environment's window, beside the other rule files", () => {
    const ruleFiles = (s: Synthesis) => byKind(s.resources, "kubernetes:core/v1:ConfigMap").find((r) => r.inputs.metadata.name === "prometheus-rules")!.inputs.data as Record<string, string>;
    for (const [s, days] of [
      [dev, 7],
      [prod, 30],
    ] as const) {
      const files = ruleFiles(s);
      expect(Object.keys(files)).toContain("slo.rules.yaml");
      expect(files["slo.rules.yaml"]).toContain(`record: slo:sli_error:ratio_rate${days}d`);
      expect(files["slo.rules.yaml"]).toContain("- name: slo.example-api.availability");
      expect(files["slo.rules.yaml"]).toContain("- name: slo.example-api.latency");
      expect(files["slo.rules.yaml"].match(/- alert: (Availability|Latency)ErrorBudgetBurn/g)).toHaveLength(4);
    }
  });

  it("Prometheus retention by time and size", () => {
    expect(args(dev, "prometheus", "prometheus")).toEqual(expect.arrayContaining(["--storage.tsdb.retention.time=7d", "--storage.tsdb.retention.size=8GB"]));
    expect(args(prod, "prometheus", "prometheus")).toEqual(expect.arrayContaining(["--storage.tsdb.retention.time=30d", "--storage.tsdb.retention.size=170GB"]));
  });

  it("a config or rule change is applied by reload, not left stale: the reloader watches every mounted config", () => {
    const prom = one(prod.resources, STS, "prometheus");
    expect(container(prom, "prometheus").args).toContain("--web.enable-lifecycle");
    expect(container(prom, "config-reloader").args).toEqual([
      "--reload-url=http://127.0.0.1:9090/-/reload",
      "--watched-dir=/etc/prometheus/config",
      "--watched-dir=/etc/prometheus/rules",
      "--listen-address=:8080",
    ]);
    const am = one(prod.resources, STS, "alertmanager");
    expect(container(am, "config-reloader").args).toContain("--watched-dir=/etc/alertmanager/config");
    // The config is in a Secret mounted where the reloader watches.
    expect(am.inputs.spec.template.spec.volumes).toContainEqual({ name: "config", secret: { secretName: "alertmanager-config" } });
  });

  it("Alertmanager: data retention set; gossip only in prod, with every peer", () => {
    expect(args(dev, "alertmanager", "alertmanager")).toEqual(expect.arrayContaining(["--data.retention=120h", "--cluster.listen-address="]));
    const p = args(prod, "alertmanager", "alertmanager");
    expect(p.filter((a) => a.startsWith("--cluster.peer="))).toEqual([0, 1, 2].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager-peers.observability.svc.cluster.local:9094`));
  });

  it("storage: emptyDir in dev, claims of the configured size in prod that outlive the StatefulSet", () => {
    const sts = one(dev.resources, STS, "prometheus").inputs.spec;
    expect(sts.volumeClaimTemplates ?? []).toEqual([]);
    expect(sts.template.spec.volumes).toContainEqual({ name: "data", emptyDir: { sizeLimit: "10Gi" } });
    const p = one(prod.resources, STS, "prometheus").inputs.spec;
    expect(p.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("200Gi");
    expect(p.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    // Claim templates are immutable: no version label that an image bump would change.
    expect(p.volumeClaimTemplates[0].metadata.labels).not.toHaveProperty(["app.kubernetes.io/version"]);
    expect(p.volumeClaimTemplates[0].metadata.labels["app.kubernetes.io/name"]).toBe("prometheus");
  });

  it("stateful data in prod is protected from destroy and kept on delete; dev is not", () => {
    for (const name of ["prometheus", "alertmanager", "loki", "elasticsearch"]) {
      // The StatefulSet is protected (no replacement, no destroy) but not retained: the data is in
      // its claims, which are, and a new StatefulSet adopts them.
      const p = one(prod.resources, STS, name);
      expect([name, p.protect, p.retainOnDelete]).toEqual([name, true, false]);
      const claim = one(prod.resources, "kubernetes:core/v1:PersistentVolumeClaim", `data-${name}-0`);
      expect([name, claim.protect, claim.retainOnDelete]).toEqual([name, true, true]);
      const d = one(dev.resources, STS, name);
      expect([name, d.protect]).toEqual([name, false]);
    }
    const ns = byKind(prod.resources, "kubernetes:core/v1:Namespace")[0];
    expect([ns.protect, ns.retainOnDelete]).toEqual([true, true]);
  });

  it("PodDisruptionBudgets and anti-affinity only in prod, for multi-replica workloads", () => {
    expect(byKind(dev.resources, PDB)).toEqual([]);
    const pdbApps = byKind(prod.resources, PDB).map((p) => p.inputs.spec.selector.matchLabels["app.kubernetes.io/name"]).sort();
    expect(pdbApps).toEqual(expect.arrayContaining(["alertmanager", "elasticsearch", "prometheus"]));
    expect(one(prod.resources, STS, "alertmanager").inputs.spec.template.spec.affinity.podAntiAffinity).toBeTruthy();
    expect(one(dev.resources, STS, "alertmanager").inputs.spec.template.spec.affinity).toBeUndefined();
  });

  it("prod failure domains: Elasticsearch, Alertmanager, Prometheus, Jaeger, Thanos Query and Store Gateway, and Loki's targets never share a node and spread over zones", () => {
    const workloads = [...byKind(prod.resources, STS), ...byKind(prod.resources, "kubernetes:apps/v1:Deployment")].filter((w) => w.inputs.spec.replicas > 1);
    expect(workloads.map((w) => w.inputs.metadata.name).sort()).toEqual(["alertmanager", "elasticsearch", "jaeger", "loki", "loki-backend", "loki-read", "prometheus", "thanos-query", "thanos-store"]);
    for (const w of workloads) {
      const name = w.inputs.metadata.name;
      const spec = w.inputs.spec.template.spec;
      const pods = { matchLabels: w.inputs.spec.selector.matchLabels };
      expect([name, spec.affinity.podAntiAffinity]).toEqual([name, { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: pods }] }]);
      expect([name, spec.topologySpreadConstraints]).toEqual([name, [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: pods }]]);
      expect([name, w.inputs.metadata.annotations?.["observability-stack/shared-failure-domains"]]).toEqual([name, undefined]);
    }
    // Single-replica workloads have nothing to spread.
    expect(one(dev.resources, STS, "loki").inputs.spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  it("prod: a Thanos sidecar in each Prometheus pod, uploading 2-hour blocks with the pod's name as its replica label; dev: no Thanos", () => {
    const spec = one(prod.resources, STS, "prometheus").inputs.spec.template.spec;
    expect(spec.containers.map((c: { name: string }) => c.name)).toEqual(["prometheus", "config-reloader", "thanos-sidecar"]);
    const prom = spec.containers[0];
    expect(prom.args).toEqual(expect.arrayContaining(["--storage.tsdb.min-block-duration=2h", "--storage.tsdb.max-block-duration=2h"]));
    expect(prom.env).toEqual([{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }]);
    const sidecar = spec.containers[2];
    expect(sidecar.image).toBe(`${IMAGES.thanos.repository}:${IMAGES.thanos.tag}`);
    expect(sidecar.args).toEqual([
      "sidecar",
      "--tsdb.path=/prometheus",
      "--prometheus.url=http://127.0.0.1:9090",
      "--grpc-address=0.0.0.0:10901",
      "--http-address=0.0.0.0:10902",
      "--objstore.config-file=/etc/thanos/objstore.yaml",
    ]);
    expect(spec.volumes).toContainEqual({ name: "objstore", secret: { secretName: "thanos-objstore" } });
    // The sidecars' role on Prometheus' ServiceAccount; the objstore config names no credential.
    const sa = one(prod.resources, "kubernetes:core/v1:ServiceAccount", "prometheus");
    expect(sa.inputs.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/thanos-sidecar-role/);
    // A secret value (the engine's marker wraps stringData): never plain in the state.
    const objstore = one(prod.resources, "kubernetes:core/v1:Secret", "thanos-objstore");
    expect(JSON.parse(objstore.plainInputs).stringData).toBe("[secret]");
    const yml = YAML.parse(objstore.inputs.stringData.value["objstore.yaml"]);
    expect(yml).toMatchObject({ type: "S3", config: { endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", aws_sdk_auth: true, insecure: false } });
    expect(yml.config.bucket).toMatch(/thanos/);
    expect(Object.keys(yml.config).filter((k) => /key|secret/i.test(k))).toEqual([]);
    // The Compactor's retention is the config's; Query deduplicates by the replica label.
    expect(one(prod.resources, STS, "thanos-compact").inputs.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(["--retention.resolution-raw=90d", "--retention.resolution-5m=180d", "--retention.resolution-1h=365d"]),
    );
    expect(one(prod.resources, DEP, "thanos-query").inputs.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(["--query.replica-label=prometheus_replica", "--endpoint=dns+prometheus.observability.svc.cluster.local:10901", "--endpoint=dns+thanos-store.observability.svc.cluster.local:10901"]),
    );
    const devProm = one(dev.resources, STS, "prometheus").inputs.spec.template.spec;
    expect(devProm.containers.map((c: { name: string }) => c.name)).toEqual(["prometheus", "config-reloader"]);
    expect(devProm.containers[0].args.some((a: string) => a.includes("block-duration"))).toBe(false);
    expect(dev.resources.filter((r) => r.inputs?.metadata?.labels?.["app.kubernetes.io/name"]?.startsWith("thanos"))).toEqual([]);
  });

  it("AWS: nothing in dev; tagged storage and roles in prod", () => {
    expect(dev.resources.filter((r) => r.type.startsWith("aws:") || r.type === "pulumi:providers:aws")).toEqual([]);
    const buckets = prod.resources.filter((r) => r.type.startsWith("aws:s3/bucket"));
    expect(buckets.length).toBeGreaterThan(0);
  });

  it("Grafana sends e-mail through the same SMTP server as Alertmanager, password by reference only", async () => {
    const env = (s: Synthesis) => Object.fromEntries(container(one(s.resources, DEP, "grafana"), "grafana").env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env(dev).GF_SMTP_ENABLED).toBeUndefined();
    expect(env(prod)).toMatchObject({ GF_SMTP_ENABLED: "true", GF_SMTP_HOST: "smtp.platform.internal:587", GF_SMTP_STARTTLS_POLICY: "MandatoryStartTLS" });
    const withAuth = await synthesize(prodOptions({ config: { alerting: { receivers: { email: { smtpAuthUsername: "alerts" } } } } }));
    expect(env(withAuth)).toMatchObject({ GF_SMTP_USER: "alerts", GF_SMTP_PASSWORD: { secretKeyRef: { name: "grafana-smtp", key: "password" } } });
    const smtpSecret = one(withAuth.resources, "kubernetes:core/v1:Secret", "grafana-smtp");
    expect(JSON.stringify(smtpSecret.inputs.stringData)).toContain(PROD_SECRETS.smtpPassword);
    expect(JSON.parse(smtpSecret.plainInputs).stringData).toBe("[secret]");
  });

  it("Grafana alerting is provisioned from a file; contact-point credentials only from a Secret", () => {
    const alertingCm = one(prod.resources, "kubernetes:core/v1:ConfigMap", "grafana-alerting");
    const text = alertingCm.inputs.data["alerting.yaml"] as string;
    expect(text).toContain("$CONTACT_POINT_SLACK_WEBHOOK_URL");
    for (const v of Object.values(PROD_SECRETS)) expect(text).not.toContain(v);
    const secret = one(prod.resources, "kubernetes:core/v1:Secret", "grafana-contact-points");
    expect(JSON.parse(secret.plainInputs).stringData).toBe("[secret]");
    expect(JSON.stringify(secret.inputs.stringData)).toContain(PROD_SECRETS.slackWebhookUrl);
    const grafana = one(prod.resources, DEP, "grafana");
    const env = container(grafana, "grafana").env;
    expect(env).toContainEqual({ name: "CONTACT_POINT_SLACK_WEBHOOK_URL", valueFrom: { secretKeyRef: { name: "grafana-contact-points", key: "CONTACT_POINT_SLACK_WEBHOOK_URL" } } });
    expect(env).toContainEqual({ name: "CONTACT_POINT_PAGERDUTY_ROUTING_KEY", valueFrom: { secretKeyRef: { name: "grafana-contact-points", key: "CONTACT_POINT_PAGERDUTY_ROUTING_KEY" } } });
    // Files read at start-up restart Grafana when they change; the dashboards are polled instead.
    const annotations = grafana.inputs.spec.template.metadata.annotations;
    expect(Object.keys(annotations).sort()).toEqual([
      "checksum/alerting",
      "checksum/contact-point-credentials",
      "checksum/dashboard-providers",
      "checksum/datasources",
      "observability-stack/elasticsearch-ca-generation",
    ]);
    expect(annotations["checksum/contact-point-credentials"]).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(grafana.inputs)).not.toContain(PROD_SECRETS.slackWebhookUrl);
    // dev: no receiver, no credential.
    expect(byKind(dev.resources, "kubernetes:core/v1:Secret").map((x) => x.inputs.metadata.name)).not.toContain("grafana-contact-points");
  });

  it("a public Grafana URL is Grafana's root_url and the exported URL", async () => {
    const s = await synthesize({ stack: "dev", config: { grafana: { url: "https://grafana.example.com" } } });
    const env = container(one(s.resources, DEP, "grafana"), "grafana").env;
    expect(env).toContainEqual({ name: "GF_SERVER_ROOT_URL", value: "https://grafana.example.com" });
    expect(s.outputs.grafanaUrl).toBe("https://grafana.example.com");
    expect(byKind(s.resources, "pulumi:providers:grafana")).toEqual([]);
  });

  it("an external Grafana (grafana.deploy: false) gets its content through its API", async () => {
    const s = await synthesize({
      stack: "dev",
      config: { grafana: { deploy: false, url: "https://grafana.example.com" } },
      secrets: { grafanaToken: "glsa_external-token" },
    });
    expect(byKind(s.resources, "pulumi:providers:grafana").map((p) => p.inputs.url)).toEqual(["https://grafana.example.com"]);
    expect(byKind(s.resources, DEP).filter((d) => d.inputs.metadata.name === "grafana")).toEqual([]);
    expect(byKind(s.resources, "grafana:oss/dashboard:Dashboard")).toHaveLength(allDashboards().length);
    expect(byKind(s.resources, "grafana:oss/folder:Folder")).toHaveLength(4);
    expect(byKind(s.resources, "grafana:oss/dataSource:DataSource")).toHaveLength(4);
  });

  it("exports the endpoints, the Grafana URL and the admin password as a secret", () => {
    expect(dev.outputs.grafanaUrl).toBe("http://grafana.observability.svc.cluster.local:3000");
    expect(dev.outputs.endpoints).toMatchObject({
      // The query Service (one replica per client), not the StatefulSet's headless one.
      prometheus: "http://prometheus-query.observability.svc.cluster.local:9090",
      alertmanager: "http://alertmanager.observability.svc.cluster.local:9093",
      loki: "http://loki.observability.svc.cluster.local:3100",
      elasticsearch: "https://elasticsearch.observability.svc.cluster.local:9200",
    });
    expect(dev.outputs.grafanaAdminPassword).toBe("generated-grafana-admin-password-password");
    expect(dev.secretOutputs.has("grafanaAdminPassword")).toBe(true);
  });
});

describe("components wired through each other's outputs", () => {
  const SVC = "kubernetes:core/v1:Service";
  /** Whether a resource's inputs came (in part) from the Service of that object name: it waits for it. */
  const waitsFor = (s: Synthesis, r: RecordedResource, service: string) => {
    const svc = one(s.resources, SVC, service);
    return r.dependencies.some((d) => d.endsWith(`$${SVC}::${svc.name}`));
  };

  it("Grafana's datasources wait for the Services they point at, and search the log aliases' pattern", () => {
    const ds = one(prod.resources, CM, "grafana-datasources");
    // Prod: metrics through Thanos Query (deduplicated, with the bucket's history), not a replica.
    expect(["thanos-query", "prometheus-query", "loki-read", "elasticsearch", "jaeger"].map((svc) => [svc, waitsFor(prod, ds, svc)])).toEqual([
      ["thanos-query", true],
      ["prometheus-query", false],
      ["loki-read", true],
      ["elasticsearch", true],
      ["jaeger", true],
    ]);
    expect(ds.inputs.data["datasources.yaml"]).toContain("url: http://thanos-query.observability.svc.cluster.local:10902");
    expect(ds.inputs.data["datasources.yaml"]).toContain("index: logs-*");
    // Dev has no Thanos: one Prometheus behind its query Service.
    const devDs = one(dev.resources, CM, "grafana-datasources");
    expect(waitsFor(dev, devDs, "prometheus-query")).toBe(true);
    expect(devDs.inputs.data["datasources.yaml"]).toContain("url: http://prometheus-query.observability.svc.cluster.local:9090");
    // Queries go to Loki's read target in prod, to the monolithic Loki in dev.
    expect(ds.inputs.data["datasources.yaml"]).toContain("url: http://loki-read.observability.svc.cluster.local:3100");
    expect(one(dev.resources, CM, "grafana-datasources").inputs.data["datasources.yaml"]).toContain("url: http://loki.observability.svc.cluster.local:3100");
    // Grafana is told what answers: Thanos Query at the image's version in prod, Prometheus in dev;
    // and in prod Loki's rules API is not at the read target Grafana queries.
    const parsed = (r: RecordedResource) =>
      Object.fromEntries((YAML.parse(r.inputs.data["datasources.yaml"]).datasources as { uid: string; jsonData: Record<string, unknown> }[]).map((d) => [d.uid, d.jsonData]));
    expect(parsed(ds).prometheus).toMatchObject({ prometheusType: "Thanos", prometheusVersion: IMAGES.thanos.tag.replace(/^v/, "") });
    expect(parsed(ds).loki.manageAlerts).toBe(false);
    expect(parsed(devDs).prometheus.prometheusType).toBe("Prometheus");
    expect(parsed(devDs).prometheus.prometheusVersion).toBeUndefined();
    expect(parsed(devDs).loki.manageAlerts).toBeUndefined();
  });

  it("Fluent Bit ships to Loki's and Elasticsearch's Services, waiting for them, into Elasticsearch's aliases", () => {
    const cm = one(prod.resources, CM, "fluent-bit-config");
    // Prod's Loki is scalable: pushes go to its write Service.
    expect([waitsFor(prod, cm, "loki-write"), waitsFor(prod, cm, "elasticsearch")]).toEqual([true, true]);
    const yaml = cm.inputs.data["fluent-bit.yaml"] as string;
    expect(yaml).toContain("host: loki-write.observability.svc.cluster.local");
    expect(one(dev.resources, CM, "fluent-bit-config").inputs.data["fluent-bit.yaml"]).toContain("host: loki.observability.svc.cluster.local");
    expect(yaml).toContain("host: elasticsearch.observability.svc.cluster.local");
    for (const alias of ["logs-application", "logs-audit", "logs-security"]) expect(yaml).toContain(alias);
  });

  it("Elasticsearch's children (bootstrap, exporter, Kibana) and Jaeger wait for its Service", () => {
    const job = prod.resources.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "elasticsearch-bootstrap")!;
    expect(waitsFor(prod, job, "elasticsearch")).toBe(true);
    expect(waitsFor(prod, one(prod.resources, DEP, "elasticsearch-exporter"), "elasticsearch")).toBe(true);
    expect(waitsFor(prod, one(prod.resources, DEP, "kibana"), "elasticsearch")).toBe(true);
    expect(waitsFor(prod, one(prod.resources, CM, "jaeger-config"), "elasticsearch")).toBe(true);
  });
});

describe("Elasticsearch's clients wait for the certificates and the Secrets they mount", () => {
  let prod: Synthesis;
  beforeAll(async () => {
    prod = await synthesize(prodOptions());
  });
  const certificateJob = () => prod.resources.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "elasticsearch-certificates")!;
  const secret = (username: string) => one(prod.resources, "kubernetes:core/v1:Secret", `elasticsearch-user-${username}`);
  // A recorded URN names the resource by type and name; a dependency's URN carries its parents' types too.
  const dependsOn = (r: RecordedResource, on: RecordedResource) => r.dependencies.some((d) => d.endsWith(`$${on.type}::${on.name}`));

  it.each([
    [STS, "elasticsearch", "elastic"],
    [DEP, "elasticsearch-exporter", "elasticsearch-exporter"],
    [DEP, "kibana", "kibana-system"],
    [DEP, "jaeger", "jaeger"],
    [DS, "fluent-bit", "fluent-bit"],
    [DEP, "grafana", "grafana"],
    ["kubernetes:batch/v1:CronJob", "jaeger-index-cleaner", "jaeger-index-cleaner"],
  ])("%s %s waits for the certificate Job and its user's Secret %s", (type, name, username) => {
    const w = one(prod.resources, type, name);
    expect([dependsOn(w, certificateJob()), dependsOn(w, secret(username))]).toEqual([true, true]);
  });

  it("Fluent Bit, Jaeger and Grafana: their password from their own Secret, only the CA mounted", () => {
    const spec = (type: string, name: string) => one(prod.resources, type, name).inputs.spec.template.spec;
    const fb = spec(DS, "fluent-bit");
    expect(fb.containers[0].env).toEqual([{ name: "ELASTICSEARCH_PASSWORD", valueFrom: { secretKeyRef: { name: "elasticsearch-user-fluent-bit", key: "password" } } }]);
    expect(fb.volumes.find((v: { name: string }) => v.name === "elasticsearch-ca").secret).toEqual({ secretName: "elasticsearch-ca", items: [{ key: "ca.crt", path: "ca.crt" }] });
    const fbConfig = one(prod.resources, CM, "fluent-bit-config").inputs.data["fluent-bit.yaml"] as string;
    expect(fbConfig).toContain("http_passwd: ${ELASTICSEARCH_PASSWORD}");
    expect(fbConfig).toContain("http_user: fluent-bit");
    const jaeger = spec(DEP, "jaeger");
    expect(jaeger.volumes.filter((v: { secret?: unknown }) => v.secret).map((v: { secret: unknown }) => v.secret)).toEqual([
      { secretName: "elasticsearch-ca", items: [{ key: "ca.crt", path: "ca.crt" }] },
      { secretName: "elasticsearch-user-jaeger", items: [{ key: "password", path: "password" }] },
    ]);
    const jaegerConfig = one(prod.resources, CM, "jaeger-config").inputs.data["config.yaml"] as string;
    expect(jaegerConfig).toContain("https://elasticsearch.observability.svc.cluster.local:9200");
    const grafana = spec(DEP, "grafana");
    expect(grafana.containers[0].env.find((e: { name: string }) => e.name === "ELASTICSEARCH_DATASOURCE_PASSWORD")).toEqual({
      name: "ELASTICSEARCH_DATASOURCE_PASSWORD",
      valueFrom: { secretKeyRef: { name: "elasticsearch-user-grafana", key: "password" } },
    });
    expect(grafana.volumes.find((v: { name: string }) => v.name === "elasticsearch-ca").secret.items).toEqual([{ key: "ca.crt", path: "ca.crt" }]);
    const datasources = one(prod.resources, CM, "grafana-datasources").inputs.data["datasources.yaml"] as string;
    expect(datasources).toContain("basicAuthPassword: $ELASTICSEARCH_DATASOURCE_PASSWORD");
  });

  it("the bootstrap Job waits for every user's Secret and the certificates", () => {
    const job = prod.resources.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "elasticsearch-bootstrap")!;
    for (const u of ["elastic", "kibana-system", "fluent-bit", "jaeger", "jaeger-index-cleaner", "grafana", "elasticsearch-exporter"]) {
      expect([u, dependsOn(job, secret(u))]).toEqual([u, true]);
    }
    expect(dependsOn(job, certificateJob())).toBe(true);
  });
});

describe("dev with elasticsearch.security.enabled false deploys as before security: plain HTTP, no users", () => {
  let dev: Synthesis;
  beforeAll(async () => {
    dev = await synthesize({ stack: "dev", config: { elasticsearch: { security: { enabled: false } } } });
  });

  it("no user Secrets, no certificate Job, no generated Elasticsearch password", () => {
    expect(byKind(dev.resources, "kubernetes:core/v1:Secret").map((r) => r.inputs.metadata.name).filter((n: string) => n.startsWith("elasticsearch"))).toEqual([]);
    expect(byKind(dev.resources, "kubernetes:batch/v1:Job").map((r) => r.name)).toEqual(["elasticsearch-bootstrap"]);
    expect(byKind(dev.resources, "random:index/randomPassword:RandomPassword").map((r) => r.name)).toEqual(["grafana-admin-password"]);
  });

  it("every client speaks plain HTTP without credentials", () => {
    expect((dev.outputs.endpoints as Record<string, string>).elasticsearch).toBe("http://elasticsearch.observability.svc.cluster.local:9200");
    const fluentBit = one(dev.resources, CM, "fluent-bit-config").inputs.data["fluent-bit.yaml"] as string;
    expect([fluentBit.includes("http_user"), fluentBit.includes("tls")]).toEqual([false, false]);
    const datasources = one(dev.resources, CM, "grafana-datasources").inputs.data["datasources.yaml"] as string;
    expect([datasources.includes("basicAuth"), datasources.includes("http://elasticsearch.observability.svc.cluster.local:9200")]).toEqual([false, true]);
    expect(container(one(dev.resources, DEP, "elasticsearch-exporter"), "exporter").env).toBeUndefined();
    const es = container(one(dev.resources, STS, "elasticsearch"), "elasticsearch");
    expect(es.env.map((e: { name: string }) => e.name)).toEqual(["NODE_NAME", "ES_JAVA_OPTS", "ES_TMPDIR"]);
    // The readiness script over plain HTTP: no ES_PROBE_* parameters, so http://127.0.0.1 without credentials.
    expect(es.readinessProbe.exec.command[2]).toContain('BASE="${ES_PROBE_SCHEME:-http}://${ES_PROBE_HOST:-127.0.0.1}:${ES_PROBE_PORT:-9200}"');
    expect(es.env.filter((e: { name: string }) => e.name.startsWith("ES_PROBE_"))).toEqual([]);
  });
});

describe("bad config registers nothing", () => {
  it.each([
    ["retention out of range", { stack: "dev", config: { prometheus: { retentionDays: 0 } } }, "observability-stack:prometheus.retentionDays: 0 is too small; allowed: >= 1"],
    ["prod secret missing", { stack: "prod", config: { aws: prodOptions().config!.aws } }, "observability-stack:slackWebhookUrl: missing secret"],
    ["unknown key", { stack: "dev", config: { lokii: {} } }, "observability-stack:lokii: unknown key"],
    [
      "an SLO objective of 1",
      { stack: "dev", config: { slo: { services: [{ service: "checkout", availability: { objective: 1, windowDays: 7 } }] } } },
      "observability-stack:slo.services[0].availability.objective: 1 is too large; allowed: < 0.99999",
    ],
    [
      "prod with Elasticsearch security off",
      prodOptions({ config: { elasticsearch: { security: { enabled: false } } } }),
      "observability-stack:elasticsearch.security.enabled: false is not allowed in prod; Elasticsearch holds the audit and security logs and needs TLS and authentication (allowed: true; only dev may turn it off)",
    ],
    [
      "a credential set without --secret",
      { stack: "dev", plainTextSecrets: { webhookUrl: "https://hooks.invalid/plain" } },
      "observability-stack:webhookUrl: stored in plain text; it is a secret, set it with `pulumi config set --secret webhookUrl <value>`",
    ],
  ])("%s", async (_l, opts, message) => {
    const err = await synthesize(opts as never).then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeDefined();
    expect(String(err.message)).toContain(message);
    expect(err.registeredResources).toBe(0);
  });
});

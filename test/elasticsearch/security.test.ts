/**
 * Elasticsearch security as the components render it: the users' Secrets, the certificate Job and
 * its RBAC, elasticsearch.yml, the least-privilege roles, and what each client mounts (only the CA
 * certificate) and authenticates with (its own user, its password from a Secret).
 */
import { createHmac } from "node:crypto";
import { parse } from "yaml";
import { ELASTICSEARCH_CLIENTS, JAEGER_INDEX_PATTERN, certificateScript, nodeDnsNames, securityRoles } from "../../components/elasticsearch/security";
import { byKind, defaultsFor, k8sObjects, one, podTemplates, render, type Recorded } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";
const CM = "kubernetes:core/v1:ConfigMap";

async function renderEs(env: "dev" | "prod", security?: { enabled: boolean; certificateGeneration: number }) {
  const { ctx, cfg } = defaultsFor(env);
  return render(env, async () => {
    const { Elasticsearch } = await import("../../components/elasticsearch/component");
    return new Elasticsearch("elasticsearch", { context: ctx, settings: { ...cfg.elasticsearch, ...(security ? { security } : {}) } });
  });
}

const USERS = ["elastic", "kibana_system", "fluent-bit", "jaeger", "jaeger-index-cleaner", "grafana", "elasticsearch-exporter"];

describe("Elasticsearch security on (the default of dev and prod)", () => {
  let prod: Awaited<ReturnType<typeof renderEs>>;
  beforeAll(async () => {
    prod = await renderEs("prod");
  });
  const certJob = () => byKind(prod.resources, JOB).find((j) => j.name === "elasticsearch-certificates")!;

  test("one basic-auth Secret per user, its password generated and marked secret", () => {
    const secrets = byKind(prod.resources, SECRET);
    expect(secrets.map((s) => s.inputs.metadata.name).sort()).toEqual(USERS.map((u) => `elasticsearch-user-${u.replace("_", "-")}`).sort());
    for (const s of secrets) {
      expect(s.inputs.type).toBe("kubernetes.io/basic-auth");
      // The engine receives stringData marked secret (the wire's secret envelope around the value).
      const data = s.inputs.stringData.value;
      expect(data.password).toMatch(/^generated-elasticsearch-user-[a-z-]+-password-password$/);
      expect(USERS).toContain(data.username);
      // Secret end to end: the engine would never keep the password in plain text.
      expect(JSON.parse(s.plainInputs).stringData).toBe("[secret]");
      expect(s.plainInputs).not.toContain(data.password);
    }
    for (const p of byKind(prod.resources, "random:index/randomPassword:RandomPassword")) expect([p.name, p.inputs.length, p.inputs.special]).toEqual([p.name, 32, false]);
  });

  test("elasticsearch.yml: security, TLS on HTTP (full verification) and transport (certificate), from the mounted certs", () => {
    const yml = parse(one(prod.resources, CM, "elasticsearch-config").inputs.data["elasticsearch.yml"]);
    expect(Object.fromEntries(Object.entries(yml).filter(([k]) => k.startsWith("xpack.security")))).toEqual({
      "xpack.security.enabled": true,
      "xpack.security.http.ssl.enabled": true,
      "xpack.security.http.ssl.verification_mode": "full",
      "xpack.security.http.ssl.key": "certs/tls.key",
      "xpack.security.http.ssl.certificate": "certs/tls.crt",
      "xpack.security.http.ssl.certificate_authorities": ["certs/ca.crt"],
      "xpack.security.transport.ssl.enabled": true,
      "xpack.security.transport.ssl.verification_mode": "certificate",
      "xpack.security.transport.ssl.key": "certs/tls.key",
      "xpack.security.transport.ssl.certificate": "certs/tls.crt",
      "xpack.security.transport.ssl.certificate_authorities": ["certs/ca.crt"],
      "xpack.security.enrollment.enabled": false,
    });
  });

  test("Elasticsearch: the elastic bootstrap password from its Secret as a file, the node certificates mounted read-only, no CA key", () => {
    const sts = one(prod.resources, STS, "elasticsearch");
    const spec = sts.inputs.spec.template.spec;
    const c = spec.containers[0];
    // The bootstrap password from its Secret, as a file the image's entrypoint reads (ELASTIC_PASSWORD_FILE).
    expect(c.env.find((e: { name: string }) => e.name === "ELASTIC_PASSWORD")).toBeUndefined();
    expect(c.env.find((e: { name: string }) => e.name === "ELASTIC_PASSWORD_FILE")).toEqual({ name: "ELASTIC_PASSWORD_FILE", value: "/mnt/elastic-password/password" });
    expect(c.volumeMounts.find((m: { name: string }) => m.name === "elastic-password")).toEqual({ name: "elastic-password", mountPath: "/mnt/elastic-password", readOnly: true });
    expect(spec.volumes.find((v: { name: string }) => v.name === "elastic-password").secret.secretName).toBe("elasticsearch-user-elastic");
    expect(c.volumeMounts.find((m: { name: string }) => m.name === "certs")).toEqual({ name: "certs", mountPath: "/usr/share/elasticsearch/config/certs", readOnly: true });
    expect(spec.volumes.find((v: { name: string }) => v.name === "certs").secret).toEqual({
      secretName: "elasticsearch-certs",
      items: ["ca.crt", "tls.crt", "tls.key"].map((k) => ({ key: k, path: k })),
    });
    // The StatefulSet waits for the certificate Job (its Secret exists only once the Job completed).
    expect(sts.dependencies.some((d) => d.endsWith(`$${JOB}::elasticsearch-certificates`))).toBe(true);
  });

  test("the certificate Job: its own ServiceAccount; a Role that reads and replaces only the two certificate Secrets", () => {
    const job = certJob();
    expect(job.inputs.metadata.name).toMatch(/^elasticsearch-certs-g1-[0-9a-f]{8}$/);
    const spec = job.inputs.spec.template.spec;
    expect([spec.serviceAccountName, spec.automountServiceAccountToken, spec.restartPolicy]).toEqual(["elasticsearch-certificates", true, "Never"]);
    expect(spec.volumes).toEqual([{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }]);
    const env = Object.fromEntries(spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect([env.NAMESPACE, env.NODE_CERTS_NAME, env.CA_CERTS_NAME, env.GENERATION]).toEqual(["observability", "elasticsearch-certs", "elasticsearch-ca", "1"]);
    expect(env.DNS_NAMES.split(",")).toEqual(nodeDnsNames({ statefulSet: "elasticsearch", service: "elasticsearch", headlessService: "elasticsearch-nodes", namespace: "observability", replicas: 3 }));
    expect(spec.containers[0].command).toEqual(["bash", "-c", certificateScript()]);
    const role = one(prod.resources, "kubernetes:rbac.authorization.k8s.io/v1:Role", "elasticsearch-certificates");
    expect(role.inputs.rules).toEqual([
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["elasticsearch-certs", "elasticsearch-ca"], verbs: ["get", "update"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
    ]);
    const binding = one(prod.resources, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "elasticsearch-certificates");
    expect([binding.inputs.roleRef, binding.inputs.subjects]).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "elasticsearch-certificates" },
      [{ kind: "ServiceAccount", name: "elasticsearch-certificates", namespace: "observability" }],
    ]);
    expect(job.dependencies.some((d) => d.endsWith(`$${binding.type}::elasticsearch-certificates`))).toBe(true);
    // No other pod of the component gets an API token.
    const withToken = k8sObjects(prod.resources).flatMap((o) => podTemplates(o).filter((t) => t.spec.automountServiceAccountToken !== false).map(() => o.name));
    expect(withToken).toEqual(["elasticsearch-certificates"]);
  });

  test("the node DNS names: every pod under the governing Service, a wildcard for scaled-up pods, both Services, localhost", () => {
    expect(nodeDnsNames({ statefulSet: "es", service: "es", headlessService: "es-nodes", namespace: "ns", replicas: 2 })).toEqual([
      "es-0.es-nodes",
      "es-0.es-nodes.ns.svc",
      "es-0.es-nodes.ns.svc.cluster.local",
      "es-1.es-nodes",
      "es-1.es-nodes.ns.svc",
      "es-1.es-nodes.ns.svc.cluster.local",
      "*.es-nodes.ns.svc.cluster.local",
      "es",
      "es.ns",
      "es.ns.svc",
      "es.ns.svc.cluster.local",
      "es-nodes",
      "es-nodes.ns",
      "es-nodes.ns.svc",
      "es-nodes.ns.svc.cluster.local",
      "localhost",
    ]);
  });

  test("clients mount only the CA certificate, never a key; only Elasticsearch mounts the node certificates", () => {
    for (const o of k8sObjects(prod.resources)) {
      for (const t of podTemplates(o)) {
        for (const v of t.spec.volumes ?? []) {
          if (!v.secret) continue;
          if (v.secret.secretName === "elasticsearch-ca") expect([o.name, v.secret.items]).toEqual([o.name, [{ key: "ca.crt", path: "ca.crt" }]]);
          if (v.secret.secretName === "elasticsearch-certs") expect(o.name).toBe("elasticsearch-statefulset");
        }
      }
    }
  });

  test("the exporter and Kibana: their own users, passwords from Secrets, the CA; Kibana as kibana_system", () => {
    const exporter = one(prod.resources, "kubernetes:apps/v1:Deployment", "elasticsearch-exporter").inputs.spec.template.spec.containers[0];
    expect(exporter.env).toEqual([
      { name: "ES_USERNAME", value: ELASTICSEARCH_CLIENTS.exporter.username },
      { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: "elasticsearch-user-elasticsearch-exporter", key: "password" } } },
    ]);
    const kibana = one(prod.resources, "kubernetes:apps/v1:Deployment", "elasticsearch-kibana").inputs.spec.template.spec.containers[0];
    const env = (n: string) => kibana.env.find((e: { name: string }) => e.name === n);
    expect([env("ELASTICSEARCH_USERNAME"), env("ELASTICSEARCH_PASSWORD"), env("ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES"), env("ELASTICSEARCH_SSL_VERIFICATIONMODE")]).toEqual([
      { name: "ELASTICSEARCH_USERNAME", value: "kibana_system" },
      { name: "ELASTICSEARCH_PASSWORD", valueFrom: { secretKeyRef: { name: "elasticsearch-user-kibana-system", key: "password" } } },
      { name: "ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES", value: "/usr/share/kibana/config/elasticsearch-ca/ca.crt" },
      { name: "ELASTICSEARCH_SSL_VERIFICATIONMODE", value: "full" },
    ]);
  });

  test("the bootstrap Job: as elastic over TLS, every user's password from its Secret, roles in its ConfigMap", () => {
    const job = byKind(prod.resources, JOB).find((j) => j.name === "elasticsearch-bootstrap")!;
    const c = job.inputs.spec.template.spec.containers[0];
    expect(c.env.map((e: { name: string; value?: string; valueFrom?: any }) => [e.name, e.value ?? e.valueFrom.secretKeyRef.name])).toEqual([
      ["ES_URL", "https://elasticsearch.observability.svc.cluster.local:9200"],
      ["ES_CA_FILE", "/etc/elasticsearch-ca/ca.crt"],
      ["ELASTIC_PASSWORD", "elasticsearch-user-elastic"],
      ["PASSWORD_KIBANA_SYSTEM", "elasticsearch-user-kibana-system"],
      ["PASSWORD_FLUENT_BIT", "elasticsearch-user-fluent-bit"],
      ["PASSWORD_JAEGER", "elasticsearch-user-jaeger"],
      ["PASSWORD_JAEGER_INDEX_CLEANER", "elasticsearch-user-jaeger-index-cleaner"],
      ["PASSWORD_GRAFANA", "elasticsearch-user-grafana"],
      ["PASSWORD_ELASTICSEARCH_EXPORTER", "elasticsearch-user-elasticsearch-exporter"],
    ]);
    const cm = one(prod.resources, CM, "elasticsearch-bootstrap");
    for (const [role, body] of Object.entries(securityRoles("logs-*"))) expect(JSON.parse(cm.inputs.data[`role-${role}.json`])).toEqual(body);
  });

  test("a new certificate generation runs a new certificate Job and restarts the clients (they read the CA at start-up)", async () => {
    const rotated = await renderEs("prod", { enabled: true, certificateGeneration: 2 });
    const job = byKind(rotated.resources, JOB).find((j) => j.name === "elasticsearch-certificates")!;
    expect(job.inputs.metadata.name).toMatch(/^elasticsearch-certs-g2-[0-9a-f]{8}$/);
    expect(job.inputs.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "GENERATION").value).toBe("2");
    const annotation = (r: Recorded[]) => one(r, "kubernetes:apps/v1:Deployment", "elasticsearch-exporter").inputs.spec.template.metadata.annotations;
    expect([annotation(prod.resources), annotation(rotated.resources)]).toEqual([
      { "observability-stack/elasticsearch-ca-generation": "1" },
      { "observability-stack/elasticsearch-ca-generation": "2" },
    ]);
  });
});

describe("a changed password re-runs the bootstrap", () => {
  test("the digest is an HMAC of every password keyed with elastic's, in plain text (it reveals none)", async () => {
    const r = await renderEs("prod");
    const digest = await new Promise<string>((ok) => (r.component as any).security.passwordsDigest.apply(ok));
    const pw = (u: string) => `generated-elasticsearch-user-${u}-password-password`;
    const rest = ["kibana-system", "fluent-bit", "jaeger", "jaeger-index-cleaner", "grafana", "elasticsearch-exporter"].map(pw);
    expect(digest).toBe(createHmac("sha256", pw("elastic")).update(rest.join("\n")).digest("hex"));
    expect(await (r.component as any).security.passwordsDigest.isSecret).toBe(false);
  });

  test("another digest, another bootstrap Job name", async () => {
    const names: string[] = [];
    for (const digest of ["digest-a", "digest-b"]) {
      const { ctx, cfg } = defaultsFor("prod");
      const r = await render("prod", async () => {
        const { ElasticsearchBootstrap } = await import("../../components/elasticsearch/bootstrap");
        const w = { name: "elasticsearch", instance: "elasticsearch", component: "logs", version: "8" };
        const userSecrets = Object.fromEntries(USERS.map((u) => [u, `elasticsearch-user-${u}`]));
        return new ElasticsearchBootstrap("elasticsearch-bootstrap", { context: ctx, url: "https://es:9200", elasticsearch: w, settings: cfg.elasticsearch, security: { userSecrets, caSecretName: "elasticsearch-ca", passwordsDigest: digest } });
      });
      names.push(byKind(r.resources, JOB)[0].inputs.metadata.name);
    }
    expect(names[0]).toMatch(/^elasticsearch-bootstrap-[0-9a-f]{10}$/);
    expect(names[1]).toMatch(/^elasticsearch-bootstrap-[0-9a-f]{10}$/);
    expect(names[0]).not.toBe(names[1]);
  });
});

describe("the least-privilege roles", () => {
  test("each client its own role; writers cannot read, readers cannot write, nobody but the cleaner deletes", () => {
    expect(Object.fromEntries(Object.values(ELASTICSEARCH_CLIENTS).map((c) => [c.username, c.role]))).toEqual({
      "fluent-bit": "log-writer",
      jaeger: "jaeger-writer",
      "jaeger-index-cleaner": "jaeger-index-cleaner",
      grafana: "log-and-trace-reader",
      "elasticsearch-exporter": "cluster-monitor",
    });
    expect(JAEGER_INDEX_PATTERN).toBe("traces-jaeger-*");
    expect(securityRoles("logs-*")).toEqual({
      "log-writer": { cluster: [], indices: [{ names: ["logs-*"], privileges: ["create_doc", "auto_configure"] }] },
      "jaeger-writer": { cluster: ["monitor", "manage_index_templates"], indices: [{ names: ["traces-jaeger-*"], privileges: ["create_index", "index", "read", "view_index_metadata"] }] },
      "jaeger-index-cleaner": { cluster: [], indices: [{ names: ["traces-jaeger-*"], privileges: ["view_index_metadata", "delete_index"] }] },
      "log-and-trace-reader": { cluster: ["monitor"], indices: [{ names: ["logs-*", "traces-jaeger-*"], privileges: ["read", "view_index_metadata"] }] },
      "cluster-monitor": { cluster: ["monitor"], indices: [{ names: ["*"], privileges: ["monitor"] }] },
    });
  });
});

describe("Elasticsearch security off (dev only)", () => {
  test("no Secrets, no certificate Job, plain HTTP, elasticsearch.yml says so", async () => {
    const dev = await renderEs("dev", { enabled: false, certificateGeneration: 1 });
    expect(byKind(dev.resources, SECRET)).toEqual([]);
    expect(byKind(dev.resources, JOB).map((j) => j.name)).toEqual(["elasticsearch-bootstrap"]);
    const yml = parse(one(dev.resources, CM, "elasticsearch-config").inputs.data["elasticsearch.yml"]);
    expect(Object.keys(yml).filter((k) => k.startsWith("xpack.security"))).toEqual(["xpack.security.enabled"]);
    expect(yml["xpack.security.enabled"]).toBe(false);
    const c = one(dev.resources, STS, "elasticsearch").inputs.spec.template.spec.containers[0];
    // The readiness script over plain HTTP: no ES_PROBE_* parameters, so http://127.0.0.1 without credentials.
    expect(c.readinessProbe.exec.command[2]).toContain('BASE="${ES_PROBE_SCHEME:-http}://${ES_PROBE_HOST:-127.0.0.1}:${ES_PROBE_PORT:-9200}"');
    expect(c.env.filter((e: { name: string }) => e.name.startsWith("ES_PROBE_"))).toEqual([]);
    expect(c.env.map((e: { name: string }) => e.name)).toEqual(["NODE_NAME", "ES_JAVA_OPTS", "ES_TMPDIR"]);
    const bootstrap = byKind(dev.resources, JOB)[0].inputs.spec.template.spec.containers[0];
    expect(bootstrap.env).toEqual([{ name: "ES_URL", value: "http://elasticsearch.observability.svc.cluster.local:9200" }]);
    expect(Object.keys(one(dev.resources, CM, "elasticsearch-bootstrap").inputs.data).filter((k) => k.startsWith("role-"))).toEqual([]);
  });
});

describe("a client given the name of an existing Secret reads it at preview", () => {
  test("Jaeger with plain Secret names: both Secrets are read (a missing one fails the preview, naming it)", async () => {
    const { ctx, cfg } = defaultsFor("prod");
    const r = await render("prod", async () => {
      const { Jaeger } = await import("../../components/jaeger/component");
      const auth = (u: string) => ({ username: u, passwordSecretName: `${u}-es-password`, caSecretName: "corp-es-ca" });
      return new Jaeger("jaeger", { context: ctx, settings: cfg.jaeger, elasticsearchUrl: "https://es.corp:9200", elasticsearchAuth: auth("jaeger"), indexCleanerAuth: auth("cleaner") });
    });
    // Reads register with the id they look up ("<namespace>/<name>") and no inputs of their own.
    const reads = byKind(r.resources, SECRET).map((s) => s.name).sort();
    expect(reads).toEqual(["jaeger-elasticsearch-ca", "jaeger-elasticsearch-password", "jaeger-index-cleaner-elasticsearch-ca", "jaeger-index-cleaner-elasticsearch-password"]);
    const dep = one(r.resources, "kubernetes:apps/v1:Deployment", "jaeger");
    for (const read of ["jaeger-elasticsearch-ca", "jaeger-elasticsearch-password"]) expect([read, dep.dependencies.some((d) => d.endsWith(`$${SECRET}::${read}`))]).toEqual([read, true]);
  });
});

/**
 * The bootstrap script run for real (bash + curl) against a small in-process stand-in for the
 * Elasticsearch endpoints it uses: proves the order of requests and that a second run changes
 * nothing (idempotent), and that it refuses a concrete index squatting on an alias name.
 */
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { execFileSync } from "child_process";
import { createServer, type IncomingMessage, type Server } from "http";
import { createServer as createHttpsServer } from "https";
import { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { promisify } from "util";
import { DEFAULTS, LOG_CLASSES } from "../../components/config";
import { ELASTICSEARCH_CLIENTS, ELASTICSEARCH_CLIENT_NAMES, passwordEnv, roleKey, securityRoles } from "../../components/elasticsearch/security";
import { BOOTSTRAP_SCRIPT_KEY, SLM_POLICY_KEY, SNAPSHOT_REPOSITORY_KEY, bootstrapScript, ilmKey, ilmPolicy, indexTemplate, indexTemplateKey } from "../../components/elasticsearch/config-file";

const run = promisify(execFile);

interface FakeEs {
  server: Server;
  url: string;
  log: string[];
  bodies: Record<string, unknown>;
  indices: Map<string, { aliases: Record<string, { is_write_index: boolean }> }>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = "";
    req.on("data", (c) => (s += c));
    req.on("end", () => resolve(s));
  });
}

/** A secured stand-in: TLS with this key and certificate, and only elastic with this password. */
interface Secured {
  key: string;
  cert: string;
  elasticPassword: string;
}

async function fakeEs(healthFailures = 0, secured?: Secured): Promise<FakeEs> {
  const es: FakeEs = { server: undefined as unknown as Server, url: "", log: [], bodies: {}, indices: new Map() };
  let failures = healthFailures;
  const handler = async (req: IncomingMessage, res: import("http").ServerResponse) => {
    const path = req.url ?? "";
    const text = await body(req);
    es.log.push(`${req.method} ${path.split("?")[0]}`);
    const send = (code: number, o: unknown) => {
      res.writeHead(code, { "Content-Type": "application/json" });
      res.end(JSON.stringify(o));
    };
    if (secured && req.headers.authorization !== `Basic ${Buffer.from(`elastic:${secured.elasticPassword}`).toString("base64")}`) {
      return send(401, { error: { type: "security_exception", reason: "missing authentication credentials" }, status: 401 });
    }
    if (secured && /^\/_security\/(role|user)\//.test(path) && (req.method === "PUT" || req.method === "POST")) {
      es.bodies[`${req.method} ${path}`] = JSON.parse(text);
      return send(200, path.startsWith("/_security/role/") ? { role: { created: true } } : path.endsWith("/_password") ? {} : { created: true });
    }
    if (path.startsWith("/_cluster/health")) {
      if (failures-- > 0) return send(503, { error: "master_not_discovered_exception" });
      return send(200, { status: "yellow" });
    }
    if (req.method === "PUT" && /^\/(_ilm\/policy|_index_template|_snapshot|_slm\/policy)\//.test(path)) {
      es.bodies[path] = JSON.parse(text);
      return send(200, { acknowledged: true });
    }
    const alias = /^\/_alias\/(.+)$/.exec(path);
    if (req.method === "GET" && alias) {
      for (const [name, i] of es.indices) if (i.aliases[alias[1]]) return send(200, { [name]: { aliases: i.aliases } });
      return send(404, { error: `alias [${alias[1]}] missing`, status: 404 });
    }
    const index = /^\/([a-z0-9-]+)$/.exec(path);
    if (index && req.method === "GET") return es.indices.has(index[1]) ? send(200, {}) : send(404, { status: 404 });
    if (index && req.method === "PUT") {
      if (es.indices.has(index[1])) return send(400, { error: { type: "resource_already_exists_exception" }, status: 400 });
      es.indices.set(index[1], JSON.parse(text));
      return send(200, { acknowledged: true, index: index[1] });
    }
    send(400, { error: `unexpected ${req.method} ${path}` });
  };
  es.server = secured ? (createHttpsServer({ key: secured.key, cert: secured.cert }, handler) as unknown as Server) : createServer(handler);
  await new Promise<void>((r) => es.server.listen(0, "127.0.0.1", () => r()));
  es.url = `${secured ? "https" : "http"}://localhost:${(es.server.address() as AddressInfo).port}`;
  return es;
}

function configDir(snapshot: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "es-bootstrap-run-"));
  const s = DEFAULTS.prod.elasticsearch;
  writeFileSync(join(dir, BOOTSTRAP_SCRIPT_KEY), bootstrapScript({ configDir: dir, snapshot }));
  for (const cls of LOG_CLASSES) {
    writeFileSync(join(dir, ilmKey(cls)), JSON.stringify(ilmPolicy(cls, s)));
    writeFileSync(join(dir, indexTemplateKey(cls)), JSON.stringify(indexTemplate(cls, s)));
  }
  writeFileSync(join(dir, SNAPSHOT_REPOSITORY_KEY), JSON.stringify({ type: "s3", settings: { bucket: "b" } }));
  writeFileSync(join(dir, SLM_POLICY_KEY), JSON.stringify({ schedule: "0 30 1 * * ?", repository: "snapshots" }));
  return dir;
}

const bootstrap = (dir: string, url: string) => run("bash", [join(dir, BOOTSTRAP_SCRIPT_KEY)], { env: { ...process.env, ES_URL: url, RETRY_DELAY_SECONDS: "0.1" }, timeout: 30_000 });

describe("bootstrap against a stand-in Elasticsearch", () => {
  let es: FakeEs;
  afterEach(() => es.server.close());

  test("first run installs policies, templates and write indices; a second run creates nothing", async () => {
    es = await fakeEs();
    const dir = configDir(false);
    await bootstrap(dir, es.url);
    expect([...es.indices.keys()].sort()).toEqual(["logs-application-000001", "logs-audit-000001", "logs-security-000001"]);
    expect(es.indices.get("logs-audit-000001")).toEqual({ aliases: { "logs-audit": { is_write_index: true } } });
    expect(es.bodies["/_ilm/policy/logs-security-policy"]).toEqual(ilmPolicy("security", DEFAULTS.prod.elasticsearch));
    expect(es.bodies["/_index_template/logs-application"]).toEqual(indexTemplate("application", DEFAULTS.prod.elasticsearch));
    expect(es.log.filter((l) => l.startsWith("PUT /_snapshot"))).toEqual([]);

    const before = es.log.length;
    await bootstrap(dir, es.url);
    const second = es.log.slice(before);
    expect(second.filter((l) => /^PUT \/logs-/.test(l))).toEqual([]);
    expect(second.filter((l) => l.startsWith("PUT /_ilm/policy/")).length).toBe(3);
    expect(es.indices.size).toBe(3);
  });

  test("waits while the cluster is not yet available", async () => {
    es = await fakeEs(1);
    const { stdout } = await bootstrap(configDir(false), es.url);
    expect(es.log.filter((l) => l === "GET /_cluster/health").length).toBe(2);
    expect(stdout).toContain("bootstrap complete");
  }, 30_000);

  test("registers the snapshot repository and SLM policy when asked", async () => {
    es = await fakeEs();
    await bootstrap(configDir(true), es.url);
    expect(es.bodies["/_snapshot/snapshots"]).toEqual({ type: "s3", settings: { bucket: "b" } });
    expect(es.bodies["/_slm/policy/nightly-snapshots"]).toMatchObject({ repository: "snapshots" });
  });

  test("refuses an index squatting on an alias name", async () => {
    es = await fakeEs();
    es.indices.set("logs-application", { aliases: {} });
    await expect(bootstrap(configDir(false), es.url)).rejects.toMatchObject({ stderr: expect.stringContaining("a concrete index named logs-application exists") });
  });
});

describe("bootstrap of a secured Elasticsearch (TLS, elastic's password, the clients' roles and users)", () => {
  const users = ELASTICSEARCH_CLIENT_NAMES.map((c) => ({ ...ELASTICSEARCH_CLIENTS[c], env: passwordEnv(ELASTICSEARCH_CLIENTS[c].username) }));
  const roles = securityRoles("logs-*");
  let es: FakeEs;
  let tls: { key: string; cert: string; caFile: string };
  beforeAll(() => {
    // A self-signed certificate for localhost: the script must verify the server against it.
    const dir = mkdtempSync(join(tmpdir(), "es-bootstrap-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", join(dir, "tls.key"), "-out", join(dir, "ca.crt")], { stdio: "ignore" });
    tls = { key: readFileSync(join(dir, "tls.key"), "utf8"), cert: readFileSync(join(dir, "ca.crt"), "utf8"), caFile: join(dir, "ca.crt") };
  });
  afterEach(() => es.server.close());

  function securedDir(): string {
    const dir = configDir(false);
    writeFileSync(join(dir, BOOTSTRAP_SCRIPT_KEY), bootstrapScript({ configDir: dir, snapshot: false, security: { roles: Object.keys(roles), users, kibanaSystemEnv: "PASSWORD_KIBANA_SYSTEM" } }));
    for (const [role, b] of Object.entries(roles)) writeFileSync(join(dir, roleKey(role)), JSON.stringify(b));
    return dir;
  }
  const passwords = Object.fromEntries([...users.map((u) => [u.env, `pw-of-${u.username}`]), ["PASSWORD_KIBANA_SYSTEM", "pw-of-kibana-system"]]);
  const run2 = (dir: string, extra: Record<string, string>) =>
    run("bash", [join(dir, BOOTSTRAP_SCRIPT_KEY)], { env: { ...process.env, ES_URL: es.url, RETRY_DELAY_SECONDS: "0.1", ...passwords, ...extra }, timeout: 30_000 });

  test("puts every role and user and kibana_system's password over verified TLS as elastic; a second run puts the same again", async () => {
    es = await fakeEs(0, { ...tls, elasticPassword: "the-elastic-password" });
    const dir = securedDir();
    const env = { ES_CA_FILE: tls.caFile, ELASTIC_PASSWORD: "the-elastic-password" };
    const { stdout } = await run2(dir, env);
    expect(stdout).toContain("bootstrap complete");
    for (const [role, b] of Object.entries(roles)) expect(es.bodies[`PUT /_security/role/${role}`]).toEqual(b);
    for (const u of users) expect(es.bodies[`PUT /_security/user/${u.username}`]).toEqual({ password: `pw-of-${u.username}`, roles: [u.role], metadata: { managed_by: "pulumi" } });
    expect(es.bodies["POST /_security/user/kibana_system/_password"]).toEqual({ password: "pw-of-kibana-system" });
    expect([...es.indices.keys()].sort()).toEqual(["logs-application-000001", "logs-audit-000001", "logs-security-000001"]);
    // The passwords never reach the output (the request bodies are not echoed on success).
    for (const pw of Object.values(passwords)) expect(stdout).not.toContain(pw);

    const before = es.log.length;
    await run2(dir, env);
    const second = es.log.slice(before);
    expect(second.filter((l) => l.startsWith("PUT /_security/") || l.startsWith("POST /_security/")).length).toBe(Object.keys(roles).length + users.length + 1);
    expect(second.filter((l) => /^PUT \/logs-/.test(l))).toEqual([]);
  });

  test("without the CA it refuses the server's certificate (nothing is sent in clear or unverified)", async () => {
    es = await fakeEs(0, { ...tls, elasticPassword: "the-elastic-password" });
    const emptyCa = join(mkdtempSync(join(tmpdir(), "es-no-ca-")), "none.crt");
    writeFileSync(emptyCa, "");
    // Connection errors are retried, then the health wait goes on: bounded by the timeout.
    await expect(
      run("bash", [join(securedDir(), BOOTSTRAP_SCRIPT_KEY)], { env: { ...process.env, ES_URL: es.url, RETRY_DELAY_SECONDS: "0.05", ...passwords, ELASTIC_PASSWORD: "the-elastic-password", ES_CA_FILE: emptyCa }, timeout: 3_000 }),
    ).rejects.toBeDefined();
    expect(es.log).toEqual([]);
  });

  test("with a wrong elastic password nothing is configured", async () => {
    es = await fakeEs(0, { ...tls, elasticPassword: "the-elastic-password" });
    await expect(run2(securedDir(), { ES_CA_FILE: tls.caFile, ELASTIC_PASSWORD: "wrong" })).rejects.toBeDefined();
    expect(Object.keys(es.bodies)).toEqual([]);
  }, 30_000);
});

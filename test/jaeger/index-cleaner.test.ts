/**
 * The index cleaner run exactly as the CronJob runs it — args [retentionDays, elasticsearchUrl] and
 * INDEX_PREFIX from the container env — by the real jaeger-es-index-cleaner v2.13.0 (tools/build.sh
 * jaeger), against a stand-in for the two Elasticsearch endpoints it uses: it deletes the prefixed
 * trace indices older than the retention and nothing else.
 */
import { execFile } from "child_process";
import { existsSync } from "fs";
import { createServer, type Server } from "http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "https";
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AddressInfo } from "net";
import { promisify } from "util";
import { DEFAULTS } from "../../components/config";
import { defaultsFor, one, render } from "../helpers/mocks";
import { missingTool, toolPath } from "../helpers/tools";

const run = promisify(execFile);
const CLEANER = toolPath("jaeger-es-index-cleaner");
const MISSING = missingTool("jaeger-es-index-cleaner");

const DAY = 24 * 3600 * 1000;
const date = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);

describe("jaeger-es-index-cleaner with the CronJob's arguments", () => {
  let server: Server;
  afterAll(() => server?.close());

  test("deletes traces-jaeger-* indices older than retentionDays, keeps the rest", async () => {
    if (!existsSync(CLEANER)) throw new Error(MISSING);
    // The container as the component renders it (prod: Elasticsearch storage).
    const { ctx, cfg } = defaultsFor("prod");
    const r = await render("prod", async () => {
      const { Jaeger } = await import("../../components/jaeger/component");
      return new Jaeger("jaeger", { context: ctx, settings: cfg.jaeger, elasticsearchUrl: "http://placeholder:9200" });
    });
    const c = one(r.resources, "kubernetes:batch/v1:CronJob", "jaeger-index-cleaner").inputs.spec.jobTemplate.spec.template.spec.containers[0];
    const retention = DEFAULTS.prod.jaeger.retentionDays;
    expect(c.args[0]).toBe(String(retention));

    const ages: Record<string, number> = {};
    for (const kind of ["span", "service", "dependencies", "sampling"]) {
      // Clear of the cutoff (tomorrow 00:00 UTC minus the retention) whatever the time of day.
      for (const age of [0, 1, retention - 2, retention + 1, retention + 5]) ages[`traces-jaeger-${kind}-${date(age)}`] = age;
    }
    const requests: string[] = [];
    const deleted: string[] = [];
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const url = new URL(req.url!, "http://x");
      res.setHeader("Content-Type", "application/json");
      if (req.method === "GET" && url.pathname === "/traces-jaeger-*") {
        const body: Record<string, unknown> = {};
        for (const [name, age] of Object.entries(ages)) body[name] = { aliases: {}, settings: { "index.creation_date": String(Date.now() - age * DAY - 3600_000) } };
        return res.end(JSON.stringify(body));
      }
      if (req.method === "DELETE") {
        deleted.push(...decodeURIComponent(url.pathname.slice(1)).split(",").filter(Boolean));
        return res.end(JSON.stringify({ acknowledged: true }));
      }
      res.statusCode = 400;
      return res.end(JSON.stringify({ error: `unexpected ${req.method} ${req.url}` }));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const env = Object.fromEntries((c.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    await run(CLEANER, [c.args[0], url], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 });

    const expected = Object.entries(ages).filter(([, age]) => age > retention).map(([name]) => name);
    expect(deleted.sort()).toEqual(expected.sort());
    expect(requests[0]).toMatch(/^GET \/traces-jaeger-\*\?/);
  });
});

describe("jaeger-es-index-cleaner with the CronJob's environment for a secured Elasticsearch", () => {
  let server: HttpsServer;
  afterAll(() => server?.close());

  test("authenticates as its own user over TLS verified against the mounted CA", async () => {
    if (!existsSync(CLEANER)) throw new Error(MISSING);
    const { ctx, cfg } = defaultsFor("prod");
    const auth = (u: string) => ({ username: u, passwordSecretName: `elasticsearch-user-${u}`, caSecretName: "elasticsearch-ca" });
    const r = await render("prod", async () => {
      const { Jaeger } = await import("../../components/jaeger/component");
      return new Jaeger("jaeger", { context: ctx, settings: cfg.jaeger, elasticsearchUrl: "https://placeholder:9200", elasticsearchAuth: auth("jaeger"), indexCleanerAuth: auth("jaeger-index-cleaner") });
    });
    const spec = one(r.resources, "kubernetes:batch/v1:CronJob", "jaeger-index-cleaner").inputs.spec.jobTemplate.spec.template.spec;
    const c = spec.containers[0];
    expect(c.env).toEqual([
      { name: "INDEX_PREFIX", value: "traces" },
      { name: "ES_USERNAME", value: "jaeger-index-cleaner" },
      { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: "elasticsearch-user-jaeger-index-cleaner", key: "password" } } },
      { name: "ES_TLS_ENABLED", value: "true" },
      { name: "ES_TLS_CA", value: "/etc/jaeger/elasticsearch-ca/ca.crt" },
    ]);
    expect(spec.volumes).toEqual([{ name: "elasticsearch-ca", secret: { secretName: "elasticsearch-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } }]);

    // A stand-in Elasticsearch on https://localhost with a self-signed certificate, which is the CA the cleaner gets.
    const dir = mkdtempSync(join(tmpdir(), "cleaner-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", join(dir, "tls.key"), "-out", join(dir, "ca.crt")], { stdio: "ignore" });
    const authorizations: (string | undefined)[] = [];
    server = createHttpsServer({ key: readFileSync(join(dir, "tls.key")), cert: readFileSync(join(dir, "ca.crt")) }, (req, res) => {
      authorizations.push(req.headers.authorization);
      res.setHeader("Content-Type", "application/json");
      if (req.method === "GET") return res.end(JSON.stringify({ [`traces-jaeger-span-${date(30)}`]: { aliases: {}, settings: { "index.creation_date": String(Date.now() - 30 * DAY) } } }));
      if (req.method === "DELETE") return res.end(JSON.stringify({ acknowledged: true }));
      res.statusCode = 400;
      return res.end("{}");
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
    const url = `https://localhost:${(server.address() as AddressInfo).port}`;

    const env: Record<string, string> = Object.fromEntries(c.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
    env.ES_PASSWORD = "the-cleaner-password";
    env.ES_TLS_CA = join(dir, "ca.crt");
    await run(CLEANER, [c.args[0], url], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 });
    const basic = `Basic ${Buffer.from("jaeger-index-cleaner:the-cleaner-password").toString("base64")}`;
    expect(authorizations).toEqual([basic, basic]);

    // Negative control: without the CA the cleaner refuses the server's certificate.
    const before = authorizations.length;
    await expect(run(CLEANER, [c.args[0], url], { env: { PATH: process.env.PATH, ...env, ES_TLS_CA: "" }, timeout: 30_000 })).rejects.toBeDefined();
    expect(authorizations.length).toBe(before);
  });
});

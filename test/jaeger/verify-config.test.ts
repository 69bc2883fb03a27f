/**
 * The generated Jaeger configs, checked by the real jaeger binary (v2.13.0, the image we deploy),
 * built from the Go module proxy by tools/build.sh jaeger:
 *  - `jaeger validate` accepts the badger (dev), memory and Elasticsearch (prod) configs exactly as
 *    they go into the ConfigMap; a misspelt key is rejected (negative control);
 *  - the dev (badger) config, moved onto loopback free ports and a temporary data directory, runs:
 *    the health check turns ready, a span sent over OTLP/HTTP comes back from the query API,
 *    remote sampling serves the configured probability, and the Prometheus metrics are served.
 */
import { execFile, spawn, type ChildProcess } from "child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { createServer } from "net";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { promisify } from "util";
import YAML from "yaml";
import { DEFAULTS } from "../../components/config";
import { buildJaegerConfig, buildSamplingStrategies, type JaegerSettings } from "../../components/jaeger/config";
import { IMAGES } from "../../components/versions";

const run = promisify(execFile);
const JAEGER = resolve(__dirname, "../../.tools/bin/jaeger");
const MISSING = `the jaeger binary is missing at ${JAEGER}: run tools/build.sh jaeger`;

const work = mkdtempSync(join(tmpdir(), "jaeger-verify-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeConfig(name: string, conf: object): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, YAML.stringify(conf));
  return file;
}

async function validate(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await run(JAEGER, ["validate", "--config", file], { timeout: 60_000 });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}${err.message}` };
  }
}

const ns = { namespace: "observability" };
const esUrl = "http://elasticsearch.observability.svc.cluster.local:9200";

describe("jaeger validate", () => {
  test("the binary is there and is the version of the deployed image", async () => {
    if (!existsSync(JAEGER)) throw new Error(MISSING);
    const { stdout } = await run(JAEGER, ["version"]);
    expect(JSON.parse(stdout.trim().split("\n").pop()!).gitVersion).toBe(`v${IMAGES.jaeger.tag}`);
  });

  test.each([
    ["dev-badger", buildJaegerConfig(DEFAULTS.dev.jaeger, ns)],
    ["memory", buildJaegerConfig({ ...DEFAULTS.dev.jaeger, storage: "memory" }, ns)],
    ["prod-elasticsearch", buildJaegerConfig(DEFAULTS.prod.jaeger, { ...ns, environment: "prod", elasticsearchUrl: esUrl })],
  ])("%s config is valid", async (name, conf) => {
    if (!existsSync(JAEGER)) throw new Error(MISSING);
    const r = await validate(writeConfig(name, conf));
    expect([r.ok, r.output]).toEqual([true, expect.any(String)]);
  });

  test("negative control: a misspelt key is rejected", async () => {
    if (!existsSync(JAEGER)) throw new Error(MISSING);
    const conf = buildJaegerConfig(DEFAULTS.dev.jaeger, ns) as any;
    conf.processors.memory_limiter.limit_mibb = 10;
    const r = await validate(writeConfig("bad", conf));
    expect(r.ok).toBe(false);
    expect(r.output).toContain("limit_mibb");
  });
});

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function poll<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

describe("jaeger runs the dev config", () => {
  let proc: ChildProcess | undefined;
  let logs = "";
  afterAll(() => proc?.kill("SIGKILL"));

  test("ready, stores and returns a span, serves the sampling strategy and metrics", async () => {
    if (!existsSync(JAEGER)) throw new Error(MISSING);
    const settings: JaegerSettings = { ...DEFAULTS.dev.jaeger, samplingRate: 0.25 };
    const conf = buildJaegerConfig(settings, ns) as any;
    // The same config, moved onto loopback free ports and a temporary data directory.
    const [grpc, http, query, sampling, health, metrics] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePort()));
    const swap = (endpoint: string, port: number) => {
      expect(endpoint).toMatch(/^0\.0\.0\.0:\d+$/);
      return `127.0.0.1:${port}`;
    };
    conf.receivers.otlp.protocols.grpc.endpoint = swap(conf.receivers.otlp.protocols.grpc.endpoint, grpc);
    conf.receivers.otlp.protocols.http.endpoint = swap(conf.receivers.otlp.protocols.http.endpoint, http);
    conf.extensions.jaeger_query.http.endpoint = swap(conf.extensions.jaeger_query.http.endpoint, query);
    conf.extensions.jaeger_query.grpc = { endpoint: `127.0.0.1:${await freePort()}` };
    conf.extensions.remote_sampling.http.endpoint = swap(conf.extensions.remote_sampling.http.endpoint, sampling);
    conf.extensions.healthcheckv2.http.endpoint = swap(conf.extensions.healthcheckv2.http.endpoint, health);
    conf.service.telemetry.metrics.readers[0].pull.exporter.prometheus = { host: "127.0.0.1", port: metrics };
    const badger = conf.extensions.jaeger_storage.backends.traces.badger;
    badger.directories = { keys: badger.directories.keys.replace("/var/lib/jaeger", work), values: badger.directories.values.replace("/var/lib/jaeger", work) };
    const strategies = join(work, "sampling-strategies.json");
    writeFileSync(strategies, JSON.stringify(buildSamplingStrategies(settings)));
    conf.extensions.remote_sampling.file.path = strategies;

    proc = spawn(JAEGER, ["--config", writeConfig("run", conf)], { stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout!.on("data", (d) => (logs += d));
    proc.stderr!.on("data", (d) => (logs += d));

    await poll(`health on ${health} (logs: ${logs.slice(-2000)})`, async () => ((await fetch(`http://127.0.0.1:${health}/status`)).ok ? true : undefined));

    const traceId = "5b8efff798038103d269b633813fc60c";
    const span = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
          scopeSpans: [
            {
              spans: [
                { traceId, spanId: "eee19b7ec3c1b174", name: "GET /cart", kind: 2, startTimeUnixNano: `${(Date.now() - 1000) * 1e6}`, endTimeUnixNano: `${Date.now() * 1e6}` },
              ],
            },
          ],
        },
      ],
    };
    const sent = await fetch(`http://127.0.0.1:${http}/v1/traces`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(span) });
    expect(sent.status).toBe(200);

    const trace = await poll("the span from the query API", async () => {
      const r = await fetch(`http://127.0.0.1:${query}/api/traces/${traceId}`);
      if (!r.ok) return undefined;
      const body = (await r.json()) as { data: { spans: { operationName: string }[] }[] };
      return body.data?.[0]?.spans?.length ? body.data[0] : undefined;
    });
    expect(trace.spans.map((s) => s.operationName)).toEqual(["GET /cart"]);

    const strategy = (await (await fetch(`http://127.0.0.1:${sampling}/api/sampling?service=checkout`)).json()) as Record<string, any>;
    expect(strategy.probabilisticSampling.samplingRate).toBe(0.25);

    const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    expect(text).toMatch(/otelcol_receiver_accepted_spans/);
  }, 90_000);
});

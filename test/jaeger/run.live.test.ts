/**
 * The dev Jaeger config run for real on loopback: the slow part of the real-binary checks, run by
 * `npm run test:live` (part of `npm run check`), kept out of the fast unit run.
 */
import { spawn, type ChildProcess } from "child_process";
import { existsSync, writeFileSync } from "fs";
import { join } from "path";
import { DEFAULTS } from "../../components/config";
import { buildJaegerConfig, buildSamplingStrategies, type JaegerSettings } from "../../components/jaeger/config-file";
import { freePort, missingTool, scratchYaml, toolPath } from "../helpers/tools";

const JAEGER = toolPath("jaeger");
const MISSING = missingTool("jaeger");

const scratch = scratchYaml("jaeger-verify");
const work = scratch.dir;
const writeConfig = scratch.write;

const ns = { namespace: "observability" };

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

  test("ready, stores and returns OTLP and Zipkin spans, serves the sampling strategy and metrics", async () => {
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
    // The legacy receivers too: Jaeger Thrift (HTTP, UDP compact/binary) and Zipkin.
    const zipkin = await freePort();
    for (const proto of ["thrift_http", "thrift_compact", "thrift_binary"]) {
      conf.receivers.jaeger.protocols[proto].endpoint = swap(conf.receivers.jaeger.protocols[proto].endpoint, await freePort());
    }
    conf.receivers.zipkin.endpoint = swap(conf.receivers.zipkin.endpoint, zipkin);
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

    // An application still on Zipkin (as in the seeds) reaches the same store.
    const zipkinTrace = "6b221d5bc9e6496c9b1a2f3c4d5e6f70";
    const zipkinSpan = [
      { traceId: zipkinTrace, id: "6b221d5bc9e6496c", name: "post /enroll", timestamp: (Date.now() - 1000) * 1000, duration: 1500, localEndpoint: { serviceName: "enrollment" } },
    ];
    const zsent = await fetch(`http://127.0.0.1:${zipkin}/api/v2/spans`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(zipkinSpan) });
    expect(zsent.status).toBeLessThan(300);
    const ztrace = await poll("the Zipkin span from the query API", async () => {
      const r = await fetch(`http://127.0.0.1:${query}/api/traces/${zipkinTrace}`);
      if (!r.ok) return undefined;
      const body = (await r.json()) as { data: { spans: { operationName: string }[] }[] };
      return body.data?.[0]?.spans?.length ? body.data[0] : undefined;
    });
    expect(ztrace.spans.map((s) => s.operationName)).toEqual(["post /enroll"]);

    const strategy = (await (await fetch(`http://127.0.0.1:${sampling}/api/sampling?service=checkout`)).json()) as Record<string, any>;
    expect(strategy.probabilisticSampling.samplingRate).toBe(0.25);

    const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    expect(text).toMatch(/otelcol_receiver_accepted_spans/);
  }, 90_000);
});

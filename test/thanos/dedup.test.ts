/**
 * Thanos with the real binaries on 127.0.0.1: two pinned Prometheus servers (tools/prometheus) run
 * the generated prometheus.yml with the replica label and the sidecar's block flags, each with its
 * own POD_NAME (as the StatefulSet's pods have), a pinned Thanos sidecar (tools/thanos) beside each
 * with the generated sidecar flags, and a Query with the generated query flags over both sidecars.
 *
 * It proves what the manifests cannot: Prometheus 3 expands ${POD_NAME} in external_labels; the
 * sidecars serve each replica's series with those labels; Query merges the pair into one series per
 * target by REPLICA_LABEL (and returns both copies when asked not to deduplicate); and the generated
 * objstore config is one the sidecar accepts. It measures the time from start to the first
 * deduplicated answer.
 *
 * What is rewritten, and only that: the listen addresses (loopback, free ports), the sidecars'
 * Prometheus URL and the objstore endpoint (a loopback port nothing listens on: no block is finished
 * in a test's few seconds, so nothing is uploaded), the Query endpoints (the two sidecars instead of
 * the cluster's DNS names), the scrape interval (1 s) and the targets (two test servers).
 *
 * The set-up builds the thanos binary with the test tools; without it this file fails, naming the
 * command that builds it (tools/build.sh thanos).
 */
import { ChildProcess, spawn } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { createServer, Server } from "http";
import { AddressInfo } from "net";
import { join } from "path";
import { stringify } from "yaml";
import { buildPrometheusConfig } from "../../components/prometheus/config-file";
import { POD_NAME_ENV, PROMETHEUS_BLOCK_FLAGS, REPLICA_LABEL, objstoreConfig, queryArgs, sidecarArgs } from "../../components/thanos/config-file";
import { freePort } from "../helpers/tools";
import { scratchDir, stackConfig, tool } from "../alerting/helpers";

jest.setTimeout(120_000);

const dir = scratchDir("thanos-dedup");
const procs: { name: string; proc: ChildProcess; log: () => string }[] = [];
const servers: Server[] = [];
const REPLICAS = ["prometheus-0", "prometheus-1"];

function start(bin: string, args: string[], name: string, env: Record<string, string> = {}): void {
  const proc = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", HOME: dir, ...env } });
  let log = "";
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  procs.push({ name, proc, log: () => log });
}

/** The logs of the processes that exited early: why a wait timed out. */
function exited(): string {
  return procs
    .filter((p) => p.proc.exitCode !== null)
    .map((p) => `${p.name} exited ${p.proc.exitCode}:\n${p.log().slice(-2000)}`)
    .join("\n");
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${exited()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function ok(url: string): Promise<true | undefined> {
  try {
    return (await fetch(url)).ok ? true : undefined;
  } catch {
    return undefined;
  }
}

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}
async function query(port: number, promql: string, dedup: boolean): Promise<Series[]> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}&dedup=${dedup}`);
  const body = (await r.json()) as { status: string; data: { result: Series[] } };
  if (body.status !== "success") throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
  return body.data.result;
}

const cfg = stackConfig("prod");
const ports = { query: { grpc: 0, http: 0 }, prom: [0, 0], sidecar: [{ grpc: 0, http: 0 }, { grpc: 0, http: 0 }] };
const targets: string[] = [];
let startedAt = 0;
let firstDedupAfterMs = 0;

beforeAll(async () => {
  // Both binaries first: a missing one fails here with the command that builds it.
  const prometheus = tool("prometheus");
  const thanos = tool("thanos");
  for (const job of ["checkout", "orders"]) {
    const s = createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" }).end(`demo_requests_total{service="${job}"} 1\n`));
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    targets.push(`127.0.0.1:${(s.address() as AddressInfo).port}`);
  }
  ports.query = { grpc: await freePort(), http: await freePort() };
  for (let i = 0; i < 2; i++) {
    ports.prom[i] = await freePort();
    ports.sidecar[i] = { grpc: await freePort(), http: await freePort() };
  }
  const unusedPort = await freePort();

  const prom = buildPrometheusConfig({
    environment: cfg.environment,
    clusterName: cfg.clusterName,
    scrapeIntervalSeconds: cfg.prometheus.scrapeIntervalSeconds,
    evaluationIntervalSeconds: cfg.prometheus.evaluationIntervalSeconds,
    serviceTargets: [],
    staticTargets: [{ job: "demo", targets, metricsPath: "/metrics", scheme: "http", labels: {} }],
    replicaLabel: { name: REPLICA_LABEL, envVar: POD_NAME_ENV },
  }) as { global: Record<string, unknown>; scrape_configs: Record<string, unknown>[] };
  // Loopback only: no Kubernetes discovery; a short test interval.
  prom.scrape_configs = prom.scrape_configs.filter((j) => !("kubernetes_sd_configs" in j)).map((j) => ({ ...j, scrape_interval: "1s" }));
  expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(["demo"]);
  expect(prom.global.external_labels).toEqual({ cluster: "prod", environment: "prod", [REPLICA_LABEL]: `\${${POD_NAME_ENV}}` });
  prom.global = { ...prom.global, scrape_interval: "1s", scrape_timeout: "1s" };
  writeFileSync(join(dir, "prometheus.yml"), stringify(prom));

  // The objstore config as the stack generates it, pointed at a loopback port nothing listens on.
  const objstore = objstoreConfig({ bucket: "thanos-test", endpoint: `127.0.0.1:${unusedPort}`, region: cfg.aws.region, awsSdkAuth: false });
  writeFileSync(join(dir, "objstore.yaml"), stringify(objstore));

  startedAt = Date.now();
  for (let i = 0; i < 2; i++) {
    const tsdb = join(dir, `prom-${i}`);
    mkdirSync(tsdb);
    start(
      prometheus,
      [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${tsdb}`, `--web.listen-address=127.0.0.1:${ports.prom[i]}`, ...PROMETHEUS_BLOCK_FLAGS],
      REPLICAS[i],
      { [POD_NAME_ENV]: REPLICAS[i] },
    );
    start(
      thanos,
      sidecarArgs({
        tsdbPath: tsdb,
        prometheusUrl: `http://127.0.0.1:${ports.prom[i]}`,
        objstoreFile: join(dir, "objstore.yaml"),
        listen: { grpc: `127.0.0.1:${ports.sidecar[i].grpc}`, http: `127.0.0.1:${ports.sidecar[i].http}` },
      }),
      `sidecar-${i}`,
    );
  }
  start(
    thanos,
    queryArgs({
      endpoints: ports.sidecar.map((p) => `127.0.0.1:${p.grpc}`),
      listen: { grpc: `127.0.0.1:${ports.query.grpc}`, http: `127.0.0.1:${ports.query.http}` },
    }),
    "query",
  );
  for (let i = 0; i < 2; i++) {
    await waitFor(`${REPLICAS[i]} ready`, () => ok(`http://127.0.0.1:${ports.prom[i]}/-/ready`), 30_000);
    await waitFor(`sidecar ${i} ready`, () => ok(`http://127.0.0.1:${ports.sidecar[i].http}/-/ready`), 30_000);
  }
  await waitFor("Query ready", () => ok(`http://127.0.0.1:${ports.query.http}/-/ready`), 30_000);
  // Every target scraped by both replicas, seen through Query.
  await waitFor(
    "both replicas' samples of both targets through Query",
    async () => ((await query(ports.query.http, 'up{job="demo"}', false).catch(() => [])).length === 4 ? true : undefined),
    30_000,
  );
  await waitFor("a deduplicated answer", async () => ((await query(ports.query.http, 'up{job="demo"}', true).catch(() => [])).length > 0 ? true : undefined), 30_000);
  firstDedupAfterMs = Date.now() - startedAt;
});

afterAll(async () => {
  await Promise.all(
    procs.map(
      ({ proc }) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          const kill = setTimeout(() => proc.kill("SIGKILL"), 5000);
          proc.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          proc.kill("SIGTERM");
        }),
    ),
  );
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const byInstance = (s: Series[]) => s.map((x) => x.metric).sort((a, b) => `${a.instance}${a[REPLICA_LABEL]}`.localeCompare(`${b.instance}${b[REPLICA_LABEL]}`));

test("each replica's external labels carry its own pod name, expanded by Prometheus", async () => {
  for (let i = 0; i < 2; i++) {
    const r = await fetch(`http://127.0.0.1:${ports.sidecar[i].http}/metrics`);
    expect(r.ok).toBe(true);
  }
  const all = await query(ports.query.http, 'up{job="demo"}', false);
  expect(new Set(all.map((s) => s.metric[REPLICA_LABEL]))).toEqual(new Set(REPLICAS));
  for (const s of all) expect([s.metric.cluster, s.metric.environment]).toEqual(["prod", "prod"]);
});

test("without deduplication: two series per target, one from each replica", async () => {
  const all = await query(ports.query.http, 'up{job="demo"}', false);
  expect(all).toHaveLength(4);
  expect(byInstance(all).map((m) => [m.instance, m[REPLICA_LABEL]])).toEqual([
    [targets[0], "prometheus-0"],
    [targets[0], "prometheus-1"],
    [targets[1], "prometheus-0"],
    [targets[1], "prometheus-1"],
  ].sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)));
});

test("with the generated replica label: one series per target, without the replica label", async () => {
  const dedup = await query(ports.query.http, 'up{job="demo"}', true);
  expect(dedup).toHaveLength(2);
  expect(dedup.map((s) => s.metric.instance).sort()).toEqual([...targets].sort());
  for (const s of dedup) {
    expect(s.metric[REPLICA_LABEL]).toBeUndefined();
    expect(s.metric).toEqual({ __name__: "up", job: "demo", instance: s.metric.instance, service: "demo", cluster: "prod", environment: "prod" });
    expect(s.value[1]).toBe("1");
  }
  // An aggregation over the pair counts each target once.
  const count = await query(ports.query.http, 'count(up{job="demo"})', true);
  expect(count.map((s) => s.value[1])).toEqual(["2"]);
  const doubled = await query(ports.query.http, 'count(up{job="demo"})', false);
  expect(doubled.map((s) => s.value[1])).toEqual(["4"]);
  process.stdout.write(`thanos dedup: first deduplicated answer ${firstDedupAfterMs} ms after start (2 Prometheus, 2 sidecars, 1 Query)\n`);
});

test("every process listened on loopback only and is still running", () => {
  for (const p of procs) expect([p.name, p.proc.exitCode]).toEqual([p.name, null]);
  const flags = procs.flatMap((p) => p.proc.spawnargs.slice(1)).filter((a) => /address=/.test(a));
  expect(flags.length).toBe(2 + 2 * 2 + 2);
  for (const f of flags) expect(f).toMatch(/address=127\.0\.0\.1:\d+$/);
});

/**
 * The metrics Thanos' alerts read (components/alerting/rule-groups/thanos.ts), as the pinned Thanos
 * binary exposes them: a real Compactor runs with the generated flags on 127.0.0.1, and its /metrics
 * must carry every thanos_* series the rules select, with the labels they aggregate by. The bucket
 * metrics come from the object-storage client every Thanos component shares (sidecar, Store Gateway,
 * Compactor).
 *
 * What is rewritten, and only that: the HTTP address (loopback, a free port) and the object store (a
 * directory: the FILESYSTEM type, instead of S3 no test can reach).
 */
import { ChildProcess, spawn } from "child_process";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { RULE_METRICS } from "../../components/alerting/rules";
import { compactArgs } from "../../components/thanos/config-file";
import { freePort } from "../helpers/tools";
import { scratchDir, stackConfig, tool } from "../alerting/helpers";

jest.setTimeout(60_000);

const dir = scratchDir("thanos-alert-metrics");
let proc: ChildProcess | undefined;
let log = "";
let metrics = "";

beforeAll(async () => {
  const thanos = tool("thanos");
  const port = await freePort();
  mkdirSync(join(dir, "bucket"));
  writeFileSync(join(dir, "objstore.yaml"), stringify({ type: "FILESYSTEM", config: { directory: join(dir, "bucket") } }));
  const args = compactArgs({ dataDir: join(dir, "data"), objstoreFile: join(dir, "objstore.yaml"), retention: stackConfig("prod").thanos.retention, http: `127.0.0.1:${port}` });
  proc = spawn(thanos, args, { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", HOME: dir } });
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  const end = Date.now() + 30_000;
  while (!/^thanos_compact_halted /m.test(metrics)) {
    if (proc.exitCode !== null) throw new Error(`thanos compact exited ${proc.exitCode}:\n${log.slice(-2000)}`);
    if (Date.now() > end) throw new Error(`no thanos_compact_halted on /metrics after 30 s:\n${log.slice(-2000)}`);
    metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(() => "");
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => proc!.kill("SIGKILL"), 5000);
      proc!.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      proc!.kill("SIGTERM");
    });
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The label names of a metric's series on the /metrics page. */
function labelNames(name: string): string[][] {
  return metrics
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => [...(/\{(.*)\}/.exec(l)?.[1] ?? "").matchAll(/(\w+)="/g)].map((m) => m[1]).sort());
}

test("every thanos_* metric the alerts read is on a real Compactor's /metrics", () => {
  const used = RULE_METRICS.filter((m) => m.startsWith("thanos_"));
  expect(used).toEqual(["thanos_compact_halted", "thanos_objstore_bucket_operations_total", "thanos_objstore_bucket_operation_failures_total", "thanos_objstore_bucket_last_successful_upload_time"]);
  for (const m of used) expect([m, labelNames(m).length > 0]).toEqual([m, true]);
});

test("a running Compactor is not halted, and nothing was uploaded yet: the stall alert's `> 0` guard is needed", () => {
  expect(metrics).toMatch(/^thanos_compact_halted 0$/m);
  expect(metrics).toMatch(/^thanos_objstore_bucket_last_successful_upload_time\{bucket="[^"]+"\} 0$/m);
});

test("the bucket counters carry the operation label the failure-ratio alert groups by", () => {
  for (const m of ["thanos_objstore_bucket_operations_total", "thanos_objstore_bucket_operation_failures_total"]) {
    expect(labelNames(m)).toContainEqual(["bucket", "operation"]);
    expect(metrics).toMatch(new RegExp(`^${m}\\{bucket="[^"]+",operation="upload"\\} \\d+$`, "m"));
  }
});

test("the Compactor listened on loopback only", () => {
  expect(proc!.spawnargs.filter((a) => /address=/.test(a))).toEqual([expect.stringMatching(/^--http-address=127\.0\.0\.1:\d+$/)]);
});

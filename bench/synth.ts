/**
 * npm run bench: synthesis time of the dev and prod stacks under mocks (each in a fresh process,
 * 3 runs), resource counts, and the CPU/memory each environment requests; the checkov scan of the
 * rendered manifests; the real engine's preview, deploy and alert path where their tools are built.
 * Goal: dev requests at most 1.5 vCPU / 3 GiB.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CHECKOV, type Finding, checkovArgs, checkovEnv, compare, loadExceptions, parseReport } from "../test/helpers/checkov";
import { ENVIRONMENTS, manifestsFromYaml } from "../test/helpers/manifests";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DEV_GOAL = { cpuMilli: 1500, memoryMi: 3072 };

interface Result {
  env: string;
  ms: number;
  resources: number;
  byType: Record<string, number>;
  requests: { workloads: { cpuMilli: number; memoryMi: number }; perNode: { cpuMilli: number; memoryMi: number } };
  rssMi: number;
}

function runOnce(env: string): Result {
  const out = execFileSync(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "synth-one.ts"), env], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cores = (m: number) => `${(m / 1000).toFixed(2)} vCPU`;
const gib = (mi: number) => `${(mi / 1024).toFixed(2)} GiB`;

for (const env of ["dev", "prod"]) {
  const runs = Array.from({ length: RUNS }, () => runOnce(env));
  const r = runs[runs.length - 1];
  const w = r.requests.workloads;
  const n = r.requests.perNode;
  console.log(`\n== ${env} ==`);
  console.log(`synthesis under mocks: median ${median(runs.map((x) => x.ms)).toFixed(0)} ms over ${RUNS} runs (min ${Math.min(...runs.map((x) => x.ms)).toFixed(0)} ms), peak RSS ${median(runs.map((x) => x.rssMi)).toFixed(0)} MiB`);
  console.log(`resources: ${r.resources}`);
  for (const [t, c] of Object.entries(r.byType).sort()) console.log(`  ${String(c).padStart(3)}  ${t}`);
  console.log(`requested by Deployments/StatefulSets (x replicas): ${cores(w.cpuMilli)}, ${gib(w.memoryMi)}`);
  console.log(`requested per node by DaemonSets: ${cores(n.cpuMilli)}, ${gib(n.memoryMi)}`);
  if (env === "dev") {
    const total = { cpuMilli: w.cpuMilli + n.cpuMilli, memoryMi: w.memoryMi + n.memoryMi };
    const ok = total.cpuMilli <= DEV_GOAL.cpuMilli && total.memoryMi <= DEV_GOAL.memoryMi;
    console.log(`dev on one node: ${cores(total.cpuMilli)}, ${gib(total.memoryMi)} — goal <= ${cores(DEV_GOAL.cpuMilli)}, ${gib(DEV_GOAL.memoryMi)}: ${ok ? "met" : "MISSED"}`);
  }
}

// Loading a stack's config: prod as it is, and prod sized from a load (capacity.load: the model runs
// and the config is merged and validated twice), in this process.
{
  const { loadConfig } = require("../components/config") as typeof import("../components/config");
  const { REFERENCE_LOAD } = require("../components/capacity") as typeof import("../components/capacity");
  const { PROD_ADDRESSES, PROD_AWS, PROD_SECRETS } = require("../test/helpers/mocks") as typeof import("../test/helpers/mocks");
  const raw = (extra: Record<string, unknown>) => ({ stack: "prod", values: { aws: PROD_AWS, ...PROD_ADDRESSES, ...extra }, secretsSet: new Set(Object.keys(PROD_SECRETS)) });
  const load = { series: REFERENCE_LOAD.series * 4, logsGbPerDay: 150, spansPerSecond: 50, nodes: 40 };
  const N = 200;
  const time = (extra: Record<string, unknown>) => {
    loadConfig(raw(extra));
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) loadConfig(raw(extra));
    return Number(process.hrtime.bigint() - start) / 1e6 / N;
  };
  const plain = time({});
  const sized = time({ capacity: { load } });
  console.log(`\n== config ==\nloadConfig prod: ${plain.toFixed(2)} ms; with capacity.load ${JSON.stringify(load)}: ${sized.toFixed(2)} ms (mean of ${N})`);
}

// The security scan (test/security/checkov.test.ts): checkov over the rendered dev and prod
// manifests, twice, and its findings per environment and check. BENCH_CHECKOV=0 skips it.
const repo = path.join(__dirname, "..");
if (process.env.BENCH_CHECKOV !== "0" && fs.existsSync(CHECKOV)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-checkov-"));
  try {
    execFileSync(process.execPath, [require.resolve("tsx/cli"), path.join(repo, "scripts", "render-manifests.ts"), "--out", dir], { stdio: "ignore" });
    const manifests = Object.fromEntries(ENVIRONMENTS.map((env) => [env, manifestsFromYaml(fs.readFileSync(path.join(dir, `${env}.yaml`), "utf8"))]));
    const times: number[] = [];
    let findings: Finding[] = [];
    for (let i = 0; i < 2; i++) {
      const start = process.hrtime.bigint();
      const r = spawnSync(CHECKOV, checkovArgs(dir), { cwd: dir, env: checkovEnv(), encoding: "utf8", timeout: 180_000, killSignal: "SIGKILL", maxBuffer: 256 * 2 ** 20 });
      if (r.status !== 0) {
        console.log(`\ncheckov failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${r.stderr.split("\n").slice(-20).join("\n")}`);
        process.exit(1);
      }
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
      findings = parseReport(r.stdout, manifests).findings;
    }
    console.log(`\n== security scan (checkov over the rendered dev and prod manifests) ==`);
    console.log(`checkov -d (dev + prod, ${ENVIRONMENTS.map((e) => manifests[e].length).join(" + ")} objects): ${times.map((t) => `${t.toFixed(1)} s`).join(", ")}`);
    for (const env of ENVIRONMENTS) {
      const mine = findings.filter((f) => f.env === env);
      const byCheck = new Map<string, number>();
      for (const f of mine) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
      console.log(`${env}: ${mine.length} findings (${[...byCheck].map(([c, n]) => `${c} ${n}`).join(", ")})`);
    }
    const { unexcepted, stale } = compare(findings, loadExceptions().exceptions);
    console.log(`not in security/checkov-exceptions.yaml: ${unexcepted.length}; stale exceptions: ${stale.length}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log("\n== security scan ==\nnot measured: checkov is not installed yet (bash tools/build.sh checkov)");
}

// The real engine: `pulumi preview` of the dev stack with the policy pack (scripts/preview.sh),
// once to warm up (stack creation, plugin install), then timed.
if (fs.existsSync(path.join(repo, ".tools", "bin", "pulumi")) || process.env.BENCH_PREVIEW === "1") {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync("bash", [path.join(repo, "scripts", "preview.sh"), "dev"], { cwd: repo, encoding: "utf8" });
    if (r.status !== 0) {
      console.log(`\nreal preview failed:\n${r.stdout}\n${r.stderr}`);
      process.exit(1);
    }
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  console.log(`\n== real engine ==\npulumi preview --stack dev --policy-pack policies, warm: ${times.map((t) => `${t.toFixed(1)} s`).join(", ")} (goal <= 60 s)`);
} else {
  console.log("\n== real engine ==\nnot measured: the Pulumi CLI is not built yet (npm run preview builds it)");
}

// The real deploy: the dev stack's up, no-change up and destroy on the local Kubernetes, from the
// deploy test's timing table (scripts/deploy-test.ts). BENCH_DEPLOY=0 skips it.
const deployTools = ["pulumi", "pulumi-resource-kubernetes", "pulumi-resource-random", "kube-apiserver", "etcd", "kwok"];
if (process.env.BENCH_DEPLOY !== "0" && deployTools.every((t) => fs.existsSync(path.join(repo, ".tools", "bin", t)))) {
  const r = spawnSync("npx", ["tsx", path.join(repo, "scripts", "deploy-test.ts")], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, DEPLOY_TEST_STACKS: "dev" },
  });
  if (r.status !== 0) {
    console.log(`\nreal deploy failed:\n${r.stdout}\n${r.stderr.split("\n").slice(-40).join("\n")}`);
    process.exit(1);
  }
  const timings = JSON.parse(fs.readFileSync(path.join(repo, ".deploy-test", "timings.json"), "utf8")) as { stack: string; step: string; seconds: number }[];
  const t = (step: string) => timings.find((x) => x.stack === "dev" && x.step === step)?.seconds.toFixed(1) ?? "?";
  console.log("\n== real deploy (dev, local Kubernetes, real kubernetes provider) ==");
  console.log(`pulumi up (create everything, wait for Ready): ${t("up")} s`);
  console.log(`second pulumi up (0 changes): ${t("second up: 0 changes")} s`);
  console.log(`pulumi destroy: ${t("destroy")} s`);
  const cluster = timings.find((x) => x.step === "cluster up");
  if (cluster) console.log(`local cluster start: ${cluster.seconds.toFixed(1)} s`);
} else {
  console.log("\n== real deploy ==\nnot measured: the deploy tools are not built yet (npm run test:deploy builds them)");
}

// The alert path with the real Prometheus and Alertmanager servers (test/alerting/alert-path.test.ts):
// run it, then print the latencies it measured. BENCH_ALERT_PATH=0 skips it.
const alertTools = ["prometheus", "alertmanager"];
if (process.env.BENCH_ALERT_PATH !== "0" && alertTools.every((t) => fs.existsSync(path.join(repo, ".tools", "bin", t)))) {
  const figuresFile = path.join(repo, ".alert-path.json");
  fs.rmSync(figuresFile, { force: true });
  const r = spawnSync("npx", ["jest", "--testPathPatterns", "test/alerting/alert-path\\.test\\.ts$"], { cwd: repo, encoding: "utf8" });
  if (r.status !== 0 || !fs.existsSync(figuresFile)) {
    console.log(`\nalert path failed:\n${r.stdout}\n${r.stderr.split("\n").slice(-40).join("\n")}`);
    process.exit(1);
  }
  const f = JSON.parse(fs.readFileSync(figuresFile, "utf8")) as { firingToWebhookMs: number; targetDownToPageMs: number; scrapeIntervalS: number; evaluationIntervalS: number; criticalGroupWaitS: number };
  console.log("\n== alert path (real Prometheus and Alertmanager servers on loopback) ==");
  console.log(`critical alert firing in Prometheus -> webhook: ${(f.firingToWebhookMs / 1000).toFixed(2)} s (goal < 5 s)`);
  console.log(`target down -> page: ${(f.targetDownToPageMs / 1000).toFixed(2)} s (test intervals: scrape ${f.scrapeIntervalS} s, evaluation ${f.evaluationIntervalS} s, critical group_wait ${f.criticalGroupWaitS} s, for: 0)`);
} else {
  console.log("\n== alert path ==\nnot measured: the Prometheus and Alertmanager servers are not built yet (npm run check builds them)");
}

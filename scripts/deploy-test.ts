/**
 * The deploy test (`npm run test:deploy`): the real Pulumi engine, the real Kubernetes provider
 * plugin and the policy pack deploy the stack to a local Kubernetes (scripts/cluster.sh: a real
 * kube-apiserver, controller manager and scheduler, with kwok's fake nodes), for dev and for prod
 * without AWS, and prove what mocks cannot:
 *
 *   up            every object is accepted by the API server, every workload becomes Ready, the
 *                 Elasticsearch bootstrap Job completes; kubectl checks each component's objects
 *   second up     changes nothing (`up --expect-no-changes`), and `refresh` is clean
 *   retention     a retention change updates in place: no StatefulSet replaced, no claim recreated
 *   storage       prod: a larger size grows the claims in place; a smaller one, or growth on a
 *                 StorageClass without volume expansion, is refused at preview with the key and sizes
 *   upgrade       prod: bumped image tags (a changed copy of the source) roll the pods, Elasticsearch
 *                 one node at a time (a pod watch counts), replacing no StatefulSet or claim
 *   rename        prod: a component renamed with an alias is an update
 *   persistence   dev: turned on and off, the StatefulSets are replaced (the preview shows it rather
 *                 than failing), and the claims are kept when it is turned off
 *   dashboards    (dev) a dashboard change lands in its ConfigMap in place, Grafana not restarted
 *   destroy       dev: everything is removed; prod: stops on the protected data, which stays
 *   take back     prod: after unprotect + destroy (the data is retained), a new up takes the
 *                 namespace, StatefulSets and claims back without recreating any
 *
 * It ends with a table of steps and wall times, also written to .deploy-test/timings.json (which
 * `npm run bench` reads). The only stand-in is tools/random-test-double, for the one
 * random:index/randomPassword:RandomPassword of the Grafana admin password (no random provider
 * builds here). The cluster it starts is always stopped, on failure and on interrupt too.
 *
 *   npm run test:deploy                 # dev and prod
 *   DEPLOY_TEST_STACKS=dev npm run test:deploy
 *   DEPLOY_TEST_KEEP=1 ...              # leave the cluster and state up afterwards, for a look
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REFERENCE_LOAD } from "../components/capacity";
import { DEFAULTS } from "../components/config";

const repo = path.resolve(__dirname, "..");
const work = path.join(repo, ".deploy-test");
const bin = path.join(repo, ".tools", "bin");
const clusterDir = path.join(work, "cluster");
const kubeconfig = path.join(clusterDir, "kubeconfig");
const NAMESPACE = "observability";
/** The node agents' namespace (agentsNamespace's default): the one that admits host access. */
const AGENTS_NAMESPACE = `${NAMESPACE}-agents`;

type Stack = "dev" | "prod";
const stacks = (process.env.DEPLOY_TEST_STACKS ?? "dev,prod").split(",").map((s) => s.trim()) as Stack[];
for (const s of stacks) if (s !== "dev" && s !== "prod") throw new Error(`DEPLOY_TEST_STACKS: "${s}" is not a stack; allowed: dev, prod`);

// Ports of the test's own cluster: apart from scripts/cluster.sh's defaults, so a cluster a
// developer has up is left alone. Each can be overridden like the script's own variables.
const clusterEnv: Record<string, string> = {
  CLUSTER_DIR: clusterDir,
  CLUSTER_ETCD_PORT: process.env.CLUSTER_ETCD_PORT ?? "23790",
  CLUSTER_ETCD_PEER_PORT: process.env.CLUSTER_ETCD_PEER_PORT ?? "23800",
  CLUSTER_APISERVER_PORT: process.env.CLUSTER_APISERVER_PORT ?? "16443",
  CLUSTER_CONTROLLER_MANAGER_PORT: process.env.CLUSTER_CONTROLLER_MANAGER_PORT ?? "20257",
  CLUSTER_SCHEDULER_PORT: process.env.CLUSTER_SCHEDULER_PORT ?? "20259",
  CLUSTER_KWOK_PORT: process.env.CLUSTER_KWOK_PORT ?? "20247",
};

const pulumiEnv: Record<string, string> = {
  PATH: `${bin}:${process.env.PATH}`,
  PULUMI_HOME: path.join(work, "home"),
  PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
  // Protects only this test's throw-away state and its test secrets.
  PULUMI_CONFIG_PASSPHRASE: "deploy-test-only",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
  PULUMI_NODEJS_TYPESCRIPT: "true",
  KUBECONFIG: kubeconfig,
};

// ---------------------------------------------------------------------------------------------
// Running things

interface Timing {
  stack: string;
  step: string;
  seconds: number;
  result: string;
}
const timings: Timing[] = [];

function log(msg: string): void {
  process.stderr.write(`deploy-test: ${msg}\n`);
}

class StepError extends Error {}

interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}
/** The child running now: an interrupt stops it before stopping the cluster. */
let child: ChildProcess | undefined;

async function run(cmd: string, args: string[], opts: { env?: Record<string, string>; allowFail?: boolean; logFile?: string; cwd?: string } = {}): Promise<RunResult> {
  const r = await new Promise<RunResult>((resolve, reject) => {
    const c = spawn(cmd, args, { cwd: opts.cwd ?? repo, env: { ...process.env, ...(opts.env ?? {}) }, stdio: ["ignore", "pipe", "pipe"] });
    child = c;
    let stdout = "";
    let stderr = "";
    c.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    c.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    c.on("error", reject);
    c.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  }).finally(() => (child = undefined));
  if (opts.logFile) fs.appendFileSync(opts.logFile, `\n$ ${cmd} ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  if (r.status !== 0 && !opts.allowFail) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-60).join("\n");
    throw new StepError(`${path.basename(cmd)} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${tail}`);
  }
  return r;
}

async function step(stack: string, name: string, fn: () => Promise<void> | void): Promise<void> {
  log(`[${stack}] ${name}`);
  const start = Date.now();
  try {
    await fn();
    timings.push({ stack, step: name, seconds: (Date.now() - start) / 1000, result: "ok" });
  } catch (e) {
    timings.push({ stack, step: name, seconds: (Date.now() - start) / 1000, result: interrupted ? "interrupted" : "FAILED" });
    throw e;
  }
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new StepError(what);
}

// ---------------------------------------------------------------------------------------------
// The cluster

let clusterStarted = false;
async function clusterUp(): Promise<void> {
  // Marked before the call: an `up` that fails half-way has still started something to stop.
  clusterStarted = true;
  await run("bash", ["scripts/cluster.sh", "up"], { env: clusterEnv });
}
function clusterDown(): void {
  if (!clusterStarted || process.env.DEPLOY_TEST_KEEP) return;
  clusterStarted = false;
  const r = spawnSync("bash", ["scripts/cluster.sh", "down"], { cwd: repo, env: { ...process.env, ...clusterEnv }, stdio: "inherit" });
  if (r.status !== 0) log("scripts/cluster.sh down failed; see its output above");
}
/** Set by an interrupt: the step running is stopped, the cluster stopped, and the test exits 130. */
let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping the step that runs, then the cluster`);
    // The child (pulumi, kubectl, cluster.sh) ends; its step fails; main() stops the cluster. If the
    // child does not end within 30 s, stop the cluster anyway.
    child?.kill("SIGTERM");
    setTimeout(() => {
      clusterDown();
      process.exit(130);
    }, 30_000).unref();
  });
}

async function kubectl(args: string[], allowFail = false): Promise<RunResult> {
  return run(path.join(bin, "kubectl"), ["--kubeconfig", kubeconfig, "--request-timeout=30s", ...args], { allowFail });
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type K8sObject = { metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; status?: any; data?: Record<string, string> };
async function list(kind: string, namespaced: boolean | string = true): Promise<K8sObject[]> {
  const ns = namespaced === true ? NAMESPACE : namespaced;
  return JSON.parse((await kubectl(["get", kind, ...(ns ? ["-n", ns] : []), "-o", "json"])).stdout).items as K8sObject[];
}
async function get(kind: string, name: string): Promise<K8sObject> {
  return JSON.parse((await kubectl(["get", kind, name, "-n", NAMESPACE, "-o", "json"])).stdout) as K8sObject;
}

// ---------------------------------------------------------------------------------------------
// Pulumi

// The test's own project folder: the repository's Pulumi.yaml with `main` pointing back at the
// program in the repository, so stack files (and the passphrase salt `stack init` writes into them) stay out of
// the checkout.
const projectDir = path.join(work, "project");
function writeProject(main = repo): void {
  fs.mkdirSync(projectDir, { recursive: true });
  const project = fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8");
  const entry = /^main: (.+)$/m.exec(project);
  if (!entry) throw new Error("Pulumi.yaml has no main: the deploy test points it at the program's file");
  fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), project.replace(/^main: .+$/m, `main: ${path.join(main, entry[1])}`));
}

async function pulumi(stack: Stack, args: string[], opts: { allowFail?: boolean; env?: Record<string, string> } = {}): Promise<RunResult> {
  return run(path.join(bin, "pulumi"), [...args, "--stack", stack, "--non-interactive"], {
    cwd: projectDir,
    env: { ...pulumiEnv, ...(opts.env ?? {}) },
    allowFail: opts.allowFail,
    logFile: path.join(work, `${stack}.log`),
  });
}
const policyArgs = (stack: Stack) => ["--policy-pack", path.join(repo, "policies"), "--policy-pack-config", path.join(repo, "policies", "config", `${stack}.json`)];

/** The test's secrets for prod's receivers: made-up destinations, never contacted (nothing runs). */
const PROD_TEST_SECRETS: Record<string, string> = {
  slackWebhookUrl: "https://alerts.invalid/slack/deploy-test",
  pagerdutyRoutingKey: "deploy-test-routing-key-0000000000",
  deadMansSwitchUrl: "https://alerts.invalid/deadmansswitch/deploy-test",
};

/** The test's e-mail relay and recipients for prod: made up, under a private-use name, never contacted. */
const PROD_TEST_ADDRESSES: Record<string, string> = {
  smarthost: "smtp.deploy-test.internal:587",
  from: "alertmanager@deploy-test.internal",
  onCallTo: "oncall@deploy-test.internal",
  educationTeamTo: "education-team@deploy-test.internal",
};

/** The test's object storage for prod's Thanos (no AWS): made up, under a private-use name, never contacted. */
const PROD_TEST_OBJECT_STORAGE: Record<string, string> = { endpoint: "s3.deploy-test.internal", bucket: "thanos-deploy-test" };

async function setUpStack(stack: Stack): Promise<void> {
  // The committed example stack file, plus the test's changes, in a file of the test's own.
  fs.copyFileSync(path.join(repo, `Pulumi.${stack}.yaml`), path.join(projectDir, `Pulumi.${stack}.yaml`));
  await pulumi(stack, ["stack", "init"]);
  if (stack === "prod") {
    // Prod without AWS: everything else is the prod defaults (HA, persistence, protection).
    await pulumi(stack, ["config", "set", "--path", "aws.enabled", "false"]);
    for (const [k, v] of Object.entries(PROD_TEST_SECRETS)) await pulumi(stack, ["config", "set", "--secret", k, v]);
    // Prod has no placeholder addresses: the test names its own (never contacted; nothing runs).
    await pulumi(stack, ["config", "set", "runbookBaseUrl", "https://runbooks.deploy-test.internal/observability"]);
    for (const [k, v] of Object.entries(PROD_TEST_ADDRESSES)) await pulumi(stack, ["config", "set", "--path", `alerting.receivers.email.${k}`, v]);
    // Thanos without AWS needs an S3-compatible bucket of its own: a made-up one, never contacted.
    for (const [k, v] of Object.entries(PROD_TEST_OBJECT_STORAGE)) await pulumi(stack, ["config", "set", "--path", `thanos.objectStorage.${k}`, v]);
    // Prod's Loki is scalable, which needs object storage its targets share: without AWS, an
    // S3-compatible endpoint of the test's own (made up, never contacted: no container runs).
    for (const [k, v] of Object.entries(PROD_TEST_LOKI_STORE)) await pulumi(stack, ["config", "set", "--path", `loki.objectStore.${k}`, v]);
    // First as an existing stack had it: one monolithic Loki ("Loki: monolithic to scalable in place").
    await pulumi(stack, ["config", "set", "--path", "loki.mode", "monolithic"]);
  }
}

/** Prod's Loki object store without AWS: a made-up S3-compatible endpoint under .internal. */
const PROD_TEST_LOKI_STORE: Record<string, string> = {
  endpoint: "objects.deploy-test.internal:443",
  region: "deploy-test",
  chunksBucket: "deploy-test-loki-chunks",
  rulerBucket: "deploy-test-loki-ruler",
};

async function installPlugins(): Promise<void> {
  const sdkVersion = (pkg: string) => JSON.parse(fs.readFileSync(path.join(repo, "node_modules", pkg, "package.json"), "utf8")).version as string;
  const plugins: [string, string, string][] = [
    ["kubernetes", sdkVersion("@pulumi/kubernetes"), path.join(bin, "pulumi-resource-kubernetes")],
    // The one stand-in: a labelled test double for random:index/randomPassword:RandomPassword.
    ["random", sdkVersion("@pulumi/random"), path.join(bin, "pulumi-resource-random")],
  ];
  for (const [name, version, file] of plugins) {
    await run(path.join(bin, "pulumi"), ["plugin", "install", "resource", name, version, "--file", file, "--reinstall"], { env: pulumiEnv });
  }
}

interface PlanStep {
  op: string;
  urn: string;
  type: string;
}
/** The steps of a preview, from `pulumi preview --json`. */
async function plan(stack: Stack): Promise<PlanStep[]> {
  const r = await pulumi(stack, ["preview", "--json", ...policyArgs(stack)]);
  const parsed = JSON.parse(r.stdout) as { steps?: { op: string; urn: string; newState?: { type: string }; oldState?: { type: string } }[] };
  return (parsed.steps ?? []).map((s) => ({ op: s.op, urn: s.urn, type: s.newState?.type ?? s.oldState?.type ?? s.urn.split("::")[2] }));
}
const changes = (p: PlanStep[]) => p.filter((s) => s.op !== "same" && s.op !== "read");
const REPLACE_OPS = ["replace", "create-replacement", "delete-replaced", "discard-replaced"];

// ---------------------------------------------------------------------------------------------
// What each stack must have

interface Expected {
  statefulSets: Record<string, number>;
  deployments: Record<string, number>;
  daemonSets: string[];
  claims: boolean;
  /** Loki's Services: the monolithic one's, or the scalable targets'. */
  lokiServices: string[];
}
function expected(stack: Stack): Expected {
  const d = DEFAULTS[stack];
  const jaegerKind = d.jaeger.storage === "badger" ? "statefulSets" : "deployments";
  const out: Expected = {
    statefulSets: { prometheus: d.prometheus.replicas, alertmanager: d.alertmanager.replicas, loki: 1, elasticsearch: d.elasticsearch.replicas },
    deployments: { grafana: 1, "kube-state-metrics": 1 },
    lokiServices: ["loki"],
    daemonSets: ["node-exporter", "fluent-bit"],
    claims: d.persistence.enabled,
  };
  out[jaegerKind].jaeger = d.jaeger.replicas;
  if (d.loki.mode === "scalable") {
    // The StatefulSet "loki" is the write target.
    out.statefulSets.loki = d.loki.write.replicas;
    out.statefulSets["loki-backend"] = d.loki.backend.replicas;
    out.deployments["loki-read"] = d.loki.read.replicas;
    out.lokiServices = ["loki", "loki-write", "loki-read", "loki-backend", "loki-backend-headless", "loki-memberlist"];
  }
  if (d.elasticsearch.kibana.enabled) out.deployments.kibana = 1;
  if (d.thanos.enabled) {
    out.statefulSets["thanos-store"] = d.thanos.storeGateway.replicas;
    out.statefulSets["thanos-compact"] = 1;
    out.deployments["thanos-query"] = d.thanos.query.replicas;
  }
  return out;
}

async function checkObjects(stack: Stack): Promise<void> {
  const e = expected(stack);
  const nodes = (await list("nodes", false)).length;
  const sts = new Map((await list("statefulsets")).map((s) => [s.metadata.name, s]));
  for (const [name, replicas] of Object.entries(e.statefulSets)) {
    const s = sts.get(name);
    check(s !== undefined, `StatefulSet ${name} is missing; have ${[...sts.keys()].join(", ")}`);
    check(s!.spec.replicas === replicas, `StatefulSet ${name}: spec.replicas ${s!.spec.replicas}, expected ${replicas}`);
    check(s!.status.readyReplicas === replicas, `StatefulSet ${name}: ${s!.status.readyReplicas ?? 0}/${replicas} ready`);
  }
  await checkPlacement(stack, e);
  const deps = new Map((await list("deployments")).map((d) => [d.metadata.name, d]));
  for (const [name, replicas] of Object.entries(e.deployments)) {
    const d = deps.get(name);
    check(d !== undefined, `Deployment ${name} is missing; have ${[...deps.keys()].join(", ")}`);
    check(d!.status.readyReplicas === replicas, `Deployment ${name}: ${d!.status.readyReplicas ?? 0}/${replicas} ready`);
  }
  // The node agents run in their own (privileged) namespace; every pod of the main one was admitted
  // by the API server's PodSecurity admission at the restricted level.
  const ds = new Map((await list("daemonsets", AGENTS_NAMESPACE)).map((d) => [d.metadata.name, d]));
  const namespaces = new Map((await list("namespaces", false)).map((n) => [n.metadata.name, n]));
  check(namespaces.get(NAMESPACE)?.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted", `namespace ${NAMESPACE} does not enforce restricted`);
  check(namespaces.get(AGENTS_NAMESPACE)?.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "privileged", `namespace ${AGENTS_NAMESPACE} is missing or not privileged`);
  for (const ns of [NAMESPACE, AGENTS_NAMESPACE]) {
    const policies = (await list("networkpolicies", ns)).map((p) => p.metadata.name);
    check(policies.includes("default-deny"), `namespace ${ns} has no default-deny NetworkPolicy: ${policies.join(", ")}`);
  }
  const services = new Map((await list("services")).map((s) => [s.metadata.name, s]));
  for (const name of ["prometheus", "loki"]) check(services.get(name)?.spec.clusterIP === "None", `the governing Service ${name} is not headless`);
  check(services.get("prometheus-query")?.spec.sessionAffinity === "ClientIP", "Service prometheus-query has no ClientIP affinity");
  for (const name of e.daemonSets) {
    const d = ds.get(name);
    check(d !== undefined, `DaemonSet ${name} is missing`);
    check(d!.status.numberReady === nodes, `DaemonSet ${name}: ${d!.status.numberReady}/${nodes} nodes ready`);
  }
  const jobs = await list("jobs");
  const bootstrap = jobs.find((j) => j.metadata.name.startsWith("elasticsearch") && j.metadata.name.includes("bootstrap"));
  check(bootstrap !== undefined, `the Elasticsearch bootstrap Job is missing; jobs: ${jobs.map((j) => j.metadata.name).join(", ")}`);
  check(bootstrap!.status.succeeded === 1, `Job ${bootstrap!.metadata.name} has not completed: ${JSON.stringify(bootstrap!.status)}`);
  const pvcs = await list("persistentvolumeclaims");
  if (e.claims) {
    const want = Object.entries(e.statefulSets).reduce((n, [, r]) => n + r, 0);
    check(pvcs.length >= want, `${pvcs.length} claims, expected at least ${want} (one per StatefulSet replica)`);
    for (const c of pvcs) check(c.status.phase === "Bound", `claim ${c.metadata.name} is ${c.status.phase}`);
  } else {
    check(pvcs.length === 0, `dev keeps no data, but has claims ${pvcs.map((c) => c.metadata.name).join(", ")}`);
  }
  for (const name of ["prometheus", "alertmanager", "elasticsearch", "grafana", ...e.lokiServices]) check(services.has(name), `Service ${name} is missing`);
  const endpoints = await list("endpoints");
  const thanos = DEFAULTS[stack].thanos.enabled;
  if (thanos) {
    for (const name of ["thanos-store", "thanos-compact"]) check(services.get(name)?.spec.clusterIP === "None", `the governing Service ${name} is not headless`);
    const prometheusPods = (await list("pods")).filter((x) => ordinalPod("prometheus").test(x.metadata.name));
    for (const p of prometheusPods) {
      const containers = (p.spec.containers as { name: string }[]).map((c) => c.name);
      check(containers.includes("thanos-sidecar"), `pod ${p.metadata.name} has no thanos-sidecar: ${containers.join(", ")}`);
    }
  }
  for (const name of ["prometheus", "prometheus-query", "grafana", ...(thanos ? ["thanos-query", "thanos-store"] : [])]) {
    const ep = endpoints.find((x) => x.metadata.name === name) as unknown as { subsets?: { addresses?: unknown[] }[] } | undefined;
    check((ep?.subsets ?? []).some((s) => (s.addresses ?? []).length > 0), `Service ${name} has no ready endpoint`);
  }
  const cms = (await list("configmaps")).map((c) => c.metadata.name);
  for (const f of ["platform", "applications", "business", "observability"]) check(cms.includes(`grafana-dashboards-${f}`), `ConfigMap grafana-dashboards-${f} is missing`);
  check(cms.includes("grafana-alerting"), "ConfigMap grafana-alerting is missing");
  log(`[${stack}] ${sts.size} StatefulSets, ${deps.size} Deployments, ${ds.size} DaemonSets on ${nodes} nodes, ${pvcs.length} claims, ${jobs.length} Jobs: as configured`);
}

/**
 * Where the replicated StatefulSets' pods landed: with required anti-affinity never two on one node,
 * and with DoNotSchedule spread the zones at most one pod apart.
 */
async function checkPlacement(stack: Stack, e: Expected): Promise<void> {
  const p = DEFAULTS[stack].placement;
  const nodes = await list("nodes", false);
  const zoneOf = new Map(nodes.map((n) => [n.metadata.name, (n.metadata.labels ?? {})[p.zoneLabel] as string | undefined]));
  const zones = [...new Set([...zoneOf.values()].filter((z): z is string => z !== undefined))];
  const pods = await list("pods");
  const landed: string[] = [];
  for (const [name, replicas] of Object.entries(e.statefulSets)) {
    if (replicas < 2) continue;
    const own = pods.filter((x) => ordinalPod(name).test(x.metadata.name));
    const onNodes = own.map((x) => x.spec.nodeName as string);
    const perZone = zones.map((z) => onNodes.filter((n) => zoneOf.get(n) === z).length);
    landed.push(`${name} ${own.map((x, i) => `${x.metadata.name}@${onNodes[i]}/${zoneOf.get(onNodes[i])}`).join(" ")}`);
    check(own.length === replicas, `${name}: ${own.length} pods, expected ${replicas}`);
    if (p.antiAffinity === "required") check(new Set(onNodes).size === onNodes.length, `${name}: two pods share a node: ${onNodes.join(", ")}`);
    if (p.zoneSpread === "DoNotSchedule") check(Math.max(...perZone) - Math.min(...perZone) <= 1, `${name}: pods per zone ${zones.map((z, i) => `${z}=${perZone[i]}`).join(", ")} are more than one apart`);
  }
  log(`[${stack}] placement (${p.antiAffinity} anti-affinity, ${p.zoneSpread} over ${p.zoneLabel}): ${landed.join("; ")}`);
}

const uids = async (kind: string) => Object.fromEntries((await list(kind)).map((o) => [o.metadata.name, o.metadata.uid]));
/** The UIDs of the objects that hold data: a recreated one has a new UID. */
const dataUids = async () => ({ sts: await uids("statefulsets"), pvc: await uids("persistentvolumeclaims") });
/** Fails, naming both sides, unless the UIDs are the same. */
function checkSame(before: object, after: object, what: string): void {
  check(JSON.stringify(after) === JSON.stringify(before), `${what}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
}


const claimSize = (c: K8sObject) => ({ spec: c.spec.resources.requests.storage as string, capacity: c.status?.capacity?.storage as string | undefined });
/** A StatefulSet's pod names: `<statefulset>-<ordinal>`. */
const ordinalPod = (statefulSet: string) => new RegExp(`^${statefulSet}-\\d+$`);
/** UIDs of a StatefulSet's pods, by name. */
const podUids = async (statefulSet: string) => Object.fromEntries(Object.entries(await uids("pods")).filter(([name]) => ordinalPod(statefulSet).test(name)));
const describe = (p: PlanStep[]) => p.map((s) => `${s.op} ${s.type.split(":").pop()} ${s.urn.split("::").pop()}`).join(", ");

/** What the program is compiled from: a copy of these is a complete program (node_modules linked). */
const PROGRAM_FILES = ["index.ts", "package.json", "tsconfig.json", "components", "dashboards"];

/**
 * The last release before the components became a library (defaulted args, names derived from the
 * component's name, Elasticsearch's children split out). A stack deployed from it must upgrade to
 * today's program without a replacement or a deletion: existing stacks keep their objects.
 */
const RELEASE_BEFORE_LIBRARY = "1275f62d1051c6939203ec3e2d8cc5f75e5c9552";

/** Kinds an upgrade never replaces or deletes: they hold the data. */
const NEVER_REPLACED = ["StatefulSet", "PersistentVolumeClaim", "Namespace"];

/**
 * What an upgrade from RELEASE_BEFORE_LIBRARY replaces or deletes, and why: every replace or delete
 * step of the preview must match one, and every one must still match a step.
 */
const UPGRADE_REPLACEMENTS: { kinds: string[]; names: RegExp; reason: string }[] = [
  {
    kinds: ["Service"],
    names: /^(prometheus|loki|jaeger)(-service)?$/,
    reason: "a StatefulSet's governing Service became headless; clusterIP None cannot be set in place (same name, deleted first)",
  },
  {
    kinds: ["Job"],
    names: /^elasticsearch-bootstrap$/,
    reason: "the bootstrap Job's name carries a checksum of what it puts (now the security roles and users too): a changed bootstrap runs as a new Job",
  },
  {
    kinds: ["DaemonSet", "Service", "ServiceAccount", "ConfigMap", "NetworkPolicy", "ClusterRole", "ClusterRoleBinding"],
    names: /^(node-exporter|fluent-bit)/,
    reason: "the node agents moved to a namespace of their own (privileged), so the main one enforces restricted",
  },
];
const kindOf = (s: PlanStep) => s.type.split(":").pop()!;
const nameOf = (s: PlanStep) => s.urn.split("::").pop()!;

/** Runs `fn` with the program loaded from the repository's source at `rev` (from git history). */
async function withReleasedSource(rev: string, fn: () => Promise<void>): Promise<void> {
  const src = path.join(work, "released-source");
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(src, { recursive: true });
  const full = await run("git", ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { allowFail: true });
  if (full.status !== 0) throw new StepError(`commit ${rev} is not in this checkout's history; the upgrade step needs a full clone (git fetch --unshallow)`);
  const archive = path.join(work, "released-source.tar");
  await run("git", ["archive", "--output", archive, full.stdout.trim(), ...PROGRAM_FILES]);
  await run("tar", ["-xf", archive, "-C", src]);
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(src, "node_modules"));
  writeProject(src);
  try {
    await fn();
  } finally {
    writeProject();
  }
}

/**
 * Runs `fn` with the program loaded from a copy of the repository's source, changed by `edits`
 * (each must match, or the step fails naming it): what a developer's change would deploy. The
 * project points back at the repository afterwards.
 */
async function withChangedSource(edits: { file: string; from: string | RegExp; to: string }[], fn: () => Promise<void>): Promise<void> {
  const src = path.join(work, "changed-source");
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(src, { recursive: true });
  for (const f of PROGRAM_FILES) fs.cpSync(path.join(repo, f), path.join(src, f), { recursive: true });
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(src, "node_modules"));
  for (const e of edits) {
    const file = path.join(src, e.file);
    const text = fs.readFileSync(file, "utf8");
    const changed = text.replace(e.from, e.to);
    if (changed === text) throw new StepError(`${e.file}: ${String(e.from)} not found; the step's source change no longer applies`);
    fs.writeFileSync(file, changed);
  }
  writeProject(src);
  try {
    await fn();
  } finally {
    writeProject();
  }
}

/**
 * Watches pods whose names are `<prefix>-<ordinal>` while `fn` runs, and returns the most that were
 * unavailable (missing, terminating or not Ready) at any one event.
 */
async function maxUnavailableDuring(prefix: string, replicas: number, fn: () => Promise<void>): Promise<{ maxUnavailable: number; events: number }> {
  const watch = spawn(path.join(bin, "kubectl"), ["--kubeconfig", kubeconfig, "get", "pods", "-n", NAMESPACE, "--watch", "--output-watch-events", "-o", "json"], { stdio: ["ignore", "pipe", "pipe"] });
  const state = new Map<string, { ready: boolean; terminating: boolean }>();
  const isOrdinal = ordinalPod(prefix);
  let buf = "";
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let maxUnavailable = 0;
  let events = 0;
  let counting = false;
  const unavailable = () => {
    let available = 0;
    for (let i = 0; i < replicas; i++) {
      const p = state.get(`${prefix}-${i}`);
      if (p && p.ready && !p.terminating) available++;
    }
    return replicas - available;
  };
  const onEvent = (e: { type: string; object: K8sObject & { metadata: { deletionTimestamp?: string } } }) => {
    const name = e.object.metadata.name;
    if (!isOrdinal.test(name)) return;
    if (counting) events++;
    if (e.type === "DELETED") state.delete(name);
    else {
      const ready = (e.object.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True");
      state.set(name, { ready, terminating: Boolean(e.object.metadata.deletionTimestamp) });
    }
    if (counting) maxUnavailable = Math.max(maxUnavailable, unavailable());
  };
  watch.stdout.setEncoding("utf8").on("data", (d: string) => {
    // A stream of JSON objects: split at the end of each top-level object.
    for (let i = 0; i < d.length; i++) {
      const ch = d[i];
      buf += ch;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === "\\") escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === "{") {
        if (depth === 0) start = buf.length - 1;
        depth++;
      } else if (ch === "}") {
        depth--;
        if (depth === 0 && start >= 0) {
          onEvent(JSON.parse(buf.slice(start)));
          buf = "";
          start = -1;
        }
      }
    }
  });
  // The initial listing (one ADDED event per pod) arrives first; the counting starts after it.
  await new Promise((r) => setTimeout(r, 2000));
  const initial = unavailable();
  counting = true;
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    watch.kill("SIGTERM");
  }
  check(initial === 0, `${prefix}: ${initial} pods were unavailable before the change`);
  return { maxUnavailable, events };
}

// ---------------------------------------------------------------------------------------------
// The scenario

/**
 * A kubeconfig that points nowhere (a closed loopback port): `pulumi up` must stop with the
 * provider's error, promptly, having created no Kubernetes object. The stack is removed afterwards.
 */
async function unreachable(stack: Stack): Promise<void> {
  const dir = path.join(work, "nowhere");
  fs.mkdirSync(dir, { recursive: true });
  const kc = path.join(dir, "kubeconfig");
  fs.writeFileSync(
    kc,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: nowhere, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}]",
      "users: [{name: nobody, user: {token: none}}]",
      "contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]",
      "current-context: nowhere",
      "",
    ].join("\n"),
  );
  await setUpStack(stack);
  const start = Date.now();
  const r = await pulumi(stack, ["up", "--yes", "--skip-preview"], { allowFail: true, env: { KUBECONFIG: kc } });
  const seconds = (Date.now() - start) / 1000;
  const out = `${r.stdout}\n${r.stderr}`;
  check(r.status !== 0, "pulumi up against an unreachable cluster succeeded");
  check(/configured Kubernetes cluster is unreachable/.test(out), `no clear error for an unreachable cluster:\n${out.split("\n").slice(-20).join("\n")}`);
  check(seconds < 120, `pulumi up took ${seconds.toFixed(0)} s to give up on an unreachable cluster`);
  const state = JSON.parse((await pulumi(stack, ["stack", "export"])).stdout) as { deployment: { resources?: { type: string }[] } };
  const created = (state.deployment.resources ?? []).filter((x) => x.type.startsWith("kubernetes:") && !x.type.startsWith("pulumi:providers"));
  check(created.length === 0, `created ${created.length} Kubernetes objects against an unreachable cluster`);
  await pulumi(stack, ["stack", "rm", "--yes", "--force"]);
  log(`[${stack}] failed in ${seconds.toFixed(1)} s with "configured Kubernetes cluster is unreachable"; nothing created`);
}

async function deployStack(stack: Stack): Promise<void> {
  await step(stack, "up", async () => {
    await setUpStack(stack);
    if (stack === "prod") {
      // Prod starts as an existing stack with its monolithic Loki, which the pack now refuses ...
      const r = await pulumi(stack, ["preview", ...policyArgs(stack)], { allowFail: true });
      const out = `${r.stdout}\n${r.stderr}`;
      check(r.status !== 0 && out.includes("loki-no-single-replica") && out.includes(`runs Loki's monolithic process as 1 replica`), `the pack did not refuse prod's monolithic Loki:\n${out.split("\n").slice(-30).join("\n")}`);
      // ... so it is deployed as it was before the pack had that policy; the next step moves it to the
      // scalable mode, with the pack.
      await pulumi(stack, ["up", "--yes", "--skip-preview"]);
      return;
    }
    await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
  });
  if (stack === "prod") await step(stack, "Loki: monolithic to scalable in place", () => lokiToScalable(stack));
  await step(stack, "objects and replicas", () => checkObjects(stack));
  await step(stack, "second up: 0 changes", async () => {
    const r = await pulumi(stack, ["up", "--yes", "--expect-no-changes", ...policyArgs(stack)]);
    const m = /(\d+) unchanged/.exec(r.stdout);
    check(m !== null && !/\b(to create|created|to update|updated|to delete|deleted|to replace|replaced)\b/.test(r.stdout), `the second up changed something:\n${r.stdout.split("\n").slice(-25).join("\n")}`);
    log(`[${stack}] ${m![1]} resources unchanged`);
  });
  await step(stack, "refresh", async () => {
    await pulumi(stack, ["refresh", "--yes", "--expect-no-changes"]);
  });
  if (stack === "prod") await step(stack, "capacity.load: the reference load is prod; a larger one grows Prometheus in place", () => capacityLoad(stack));

  await step(stack, "retention change in place", async () => {
    const before = await dataUids();
    const days = DEFAULTS[stack].prometheus.retentionDays + 1;
    await pulumi(stack, ["config", "set", "--path", "prometheus.retentionDays", String(days)]);
    const p = changes(await plan(stack));
    const replaced = p.filter((s) => REPLACE_OPS.includes(s.op));
    check(replaced.length === 0, `a retention change would replace ${replaced.map((s) => `${s.type} ${s.urn.split("::").pop()}`).join(", ")}`);
    const updated = p.filter((s) => s.op === "update").map((s) => s.urn.split("::").pop());
    check(updated.includes("prometheus-statefulset") || updated.some((u) => u?.startsWith("prometheus")), `the plan does not update Prometheus: ${JSON.stringify(p)}`);
    await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
    const sts = await get("statefulset", "prometheus");
    const args: string[] = sts.spec.template.spec.containers.find((c: { name: string }) => c.name === "prometheus").args;
    check(args.includes(`--storage.tsdb.retention.time=${days}d`), `prometheus args after the change: ${args.join(" ")}`);
    const after = await dataUids();
    checkSame(before.sts, after.sts, "StatefulSets recreated");
    checkSame(before.pvc, after.pvc, "claims recreated");
    log(`[${stack}] ${p.length} updates, 0 replacements; ${Object.keys(after.pvc).length} claims kept (same UIDs)`);
  });


  if (stack === "prod") await day2Prod(stack);
  if (stack === "dev") await day2Dev(stack);

  if (stack === "dev") {
    await step(stack, "dashboard change in place", async () => {
      // The HTTP status label is read by the dashboards' queries: a change of it is a dashboard change.
      const before = await get("deployment", "grafana");
      const cmBefore = await get("configmap", "grafana-dashboards-applications");
      await pulumi(stack, ["config", "set", "--path", "alerting.httpStatusLabel", "http_status_code"]);
      await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
      const cm = await get("configmap", "grafana-dashboards-applications");
      check(cm.metadata.uid === cmBefore.metadata.uid, "the dashboards ConfigMap was recreated instead of updated");
      check(Object.values(cm.data ?? {}).some((v) => v.includes("http_status_code")), "the dashboards do not use the new status label");
      const after = await get("deployment", "grafana");
      check(
        JSON.stringify(after.spec.template.metadata.annotations) === JSON.stringify(before.spec.template.metadata.annotations),
        "Grafana's pod template changed: a dashboard change should need no restart (Grafana rescans the files)",
      );
    });
  }

  if (stack === "dev") {
    await step(stack, "destroy", async () => {
      await pulumi(stack, ["destroy", "--yes", "--skip-preview"]);
      for (const name of [NAMESPACE, AGENTS_NAMESPACE]) {
        const ns = await kubectl(["get", "namespace", name], true);
        check(ns.status !== 0 && /NotFound/.test(ns.stderr), `namespace ${name} still exists after destroy`);
      }
      const roles = JSON.parse((await kubectl(["get", "clusterroles,clusterrolebindings", "-o", "json"])).stdout).items as K8sObject[];
      const left = roles.filter((r) => r.metadata.labels?.["app.kubernetes.io/managed-by"] === "pulumi").map((r) => r.metadata.name);
      check(left.length === 0, `cluster-scoped objects left after destroy: ${left.join(", ")}`);
    });
    await step(stack, `upgrade from ${RELEASE_BEFORE_LIBRARY.slice(0, 7)}: no replacement, no deletion`, () => upgradeFromRelease(stack));
  } else {
    await step(stack, "destroy stops on protected data", async () => {
      const before = await dataUids();
      const r = await pulumi(stack, ["destroy", "--yes"], { allowFail: true });
      const out = `${r.stdout}\n${r.stderr}`;
      check(r.status !== 0, "pulumi destroy of prod succeeded, but its data is protected");
      check(/protected/.test(out), `pulumi destroy failed, but not on protection:\n${out.split("\n").slice(-30).join("\n")}`);
      const after = await dataUids();
      checkSame(before, after, "a refused destroy still changed the StatefulSets or claims");
      log(`[${stack}] destroy refused; ${Object.keys(after.pvc).length} claims and ${Object.keys(after.sts).length} StatefulSets kept`);
    });
    await step(stack, "retained data taken back", async () => {
      // The README's recovery procedure: a destroy that keeps the data (protection lifted), then a
      // new up of the same stack takes the retained namespace and claims back, recreating none of
      // them. The StatefulSets are deleted with the destroy and created again: they adopt the claims.
      const nsUid = async () => (await kubectl(["get", "namespace", NAMESPACE, "-o", "jsonpath={.metadata.uid}"])).stdout;
      const kept = async () => ({ ns: await nsUid(), pvc: await uids("persistentvolumeclaims") });
      const before = await kept();
      await pulumi(stack, ["state", "unprotect", "--all", "--yes"]);
      await pulumi(stack, ["destroy", "--yes", "--skip-preview"]);
      checkSame(before, await kept(), "destroy did not keep the data");
      check((await list("statefulsets")).length === 0, "destroy kept StatefulSets; only the namespace and claims are retained");
      const state = JSON.parse((await pulumi(stack, ["stack", "export"])).stdout) as { deployment: { resources?: unknown[] } };
      check((state.deployment.resources ?? []).length === 0, `the stack still has ${(state.deployment.resources ?? []).length} resources after destroy`);
      await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
      const after = await kept();
      checkSame(before, after, "the new up recreated retained objects");
      await pulumi(stack, ["up", "--yes", "--expect-no-changes", ...policyArgs(stack)]);
      await checkObjects(stack);
      log(`[${stack}] namespace and ${Object.keys(after.pvc).length} claims taken back with the same UIDs (grown claims included); StatefulSets created again on them; protected again`);
    });
  }
}

/**
 * A stack deployed by the release before the library takes today's program: the preview replaces and
 * deletes nothing (renamed children carry aliases), the up keeps every StatefulSet, Deployment and
 * DaemonSet (same UIDs), a second up has 0 changes, and the stack is destroyed again.
 */
async function upgradeFromRelease(stack: Stack): Promise<void> {
  const workloads = async () => ({ sts: await uids("statefulsets"), deploy: await uids("deployments"), ds: await uids("daemonsets") });
  let before: Awaited<ReturnType<typeof workloads>> | undefined;
  await withReleasedSource(RELEASE_BEFORE_LIBRARY, async () => {
    await pulumi(stack, ["up", "--yes", "--skip-preview"]);
    before = await workloads();
  });
  const steps = await plan(stack);
  const removed = steps.filter((s) => REPLACE_OPS.includes(s.op) || s.op === "delete");
  const why = (s: PlanStep) => UPGRADE_REPLACEMENTS.find((r) => r.kinds.includes(kindOf(s)) && r.names.test(nameOf(s)));
  const unexplained = removed.filter((s) => NEVER_REPLACED.includes(kindOf(s)) || !why(s));
  check(unexplained.length === 0, `upgrading a stack of ${RELEASE_BEFORE_LIBRARY.slice(0, 7)} replaces or deletes what it must keep: ${describe(unexplained)}`);
  const unused = UPGRADE_REPLACEMENTS.filter((r) => !removed.some((s) => why(s) === r));
  check(unused.length === 0, `expected replacements that no longer happen (remove them): ${unused.map((r) => r.reason).join("; ")}`);
  const count = (op: string) => steps.filter((s) => s.op === op).length;
  await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
  const after = await workloads();
  const replacedNames = new Set(removed.map((s) => s.urn.split("::").pop()!));
  for (const kind of ["sts", "deploy", "ds"] as const) {
    const lost = Object.keys(before![kind]).filter((n) => after[kind][n] !== before![kind][n] && ![...replacedNames].some((r) => r.startsWith(n)));
    check(lost.length === 0, `the upgrade recreated or removed ${kind} ${lost.join(", ")}`);
  }
  await pulumi(stack, ["up", "--yes", "--expect-no-changes", ...policyArgs(stack)]);
  await pulumi(stack, ["destroy", "--yes", "--skip-preview"]);
  const kept = Object.values(before!).reduce((n, o) => n + Object.keys(o).length, 0);
  log(`[${stack}] upgrade from ${RELEASE_BEFORE_LIBRARY.slice(0, 7)}: ${count("update")} updated, ${count("create")} created, ${removed.length} replace/delete steps, each explained (${describe(removed)}); ${kept} workloads before, every StatefulSet kept its UID`);
}

/**
 * An existing prod stack's monolithic Loki moved to the scalable mode: the StatefulSet "loki" and its
 * claim data-loki-0 are updated in place (same UIDs: loki-0 replays its WAL as write replica 0), the
 * new targets and claims are created, and nothing is replaced or deleted.
 */
async function lokiToScalable(stack: Stack): Promise<void> {
  const before = await dataUids();
  check(before.sts.loki !== undefined && before.pvc["data-loki-0"] !== undefined, `no monolithic Loki to start from: ${JSON.stringify(before)}`);
  await pulumi(stack, ["config", "rm", "--path", "loki.mode"]);
  const p = changes(await plan(stack));
  const removed = p.filter((s) => REPLACE_OPS.includes(s.op) || s.op === "delete");
  check(removed.length === 0, `moving Loki to the scalable mode replaces or deletes ${describe(removed)}`);
  const updated = p.filter((s) => s.op === "update").map(nameOf);
  check(updated.includes("loki-statefulset"), `the plan does not update the StatefulSet loki in place: ${describe(p)}`);
  await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
  const after = await dataUids();
  const lost = [
    ...Object.entries(before.sts).filter(([n, uid]) => after.sts[n] !== uid).map(([n]) => `StatefulSet ${n}`),
    ...Object.entries(before.pvc).filter(([n, uid]) => after.pvc[n] !== uid).map(([n]) => `claim ${n}`),
  ];
  check(lost.length === 0, `the move to the scalable mode recreated or removed ${lost.join(", ")}`);
  const sts = await get("statefulset", "loki");
  const args: string[] = sts.spec.template.spec.containers.find((c: { name: string }) => c.name === "loki").args;
  check(args.includes("-target=write") && sts.spec.replicas === DEFAULTS[stack].loki.write.replicas, `StatefulSet loki after the move: ${sts.spec.replicas} replicas, ${args.join(" ")}`);
  log(`[${stack}] Loki monolithic → scalable: ${updated.length} updates, ${p.filter((s) => s.op === "create").length} creates, 0 replacements; StatefulSet loki and data-loki-0 kept their UIDs`);
}

/**
 * The stack file gives its load instead of sizes (capacity.load): at the reference load the real
 * engine plans no change at all (prod's defaults are the model's output for it); at twice the series
 * it plans updates only, Prometheus' StatefulSet and its claims among them (grown in place). Previews
 * only: the load is removed again.
 */
async function capacityLoad(stack: Stack): Promise<void> {
  const setLoad = async (load: Record<string, number>) => {
    for (const [k, v] of Object.entries(load)) await pulumi(stack, ["config", "set", "--path", `capacity.load.${k}`, String(v)]);
  };
  await setLoad({ series: REFERENCE_LOAD.series, logsGbPerDay: REFERENCE_LOAD.logsGbPerDay, spansPerSecond: REFERENCE_LOAD.spansPerSecond, nodes: REFERENCE_LOAD.nodes });
  const same = changes(await plan(stack));
  check(same.length === 0, `the reference load as capacity.load changes prod: ${describe(same)}`);
  await setLoad({ series: REFERENCE_LOAD.series * 2 });
  const p = changes(await plan(stack));
  const updated = p.filter((s) => s.op === "update").map(nameOf);
  check(p.length > 0 && p.every((s) => s.op === "update"), `twice the series should only update objects: ${describe(p)}`);
  const claims = p.filter((s) => s.type === "kubernetes:core/v1:PersistentVolumeClaim").map(nameOf);
  check(updated.some((u) => u.startsWith("prometheus")) && claims.length === DEFAULTS[stack].prometheus.replicas, `twice the series should update Prometheus and grow its ${DEFAULTS[stack].prometheus.replicas} claims: ${describe(p)}`);
  await pulumi(stack, ["config", "rm", "--path", "capacity"]);
  check(changes(await plan(stack)).length === 0, "removing capacity.load again does not return to 0 changes");
  log(`[${stack}] capacity.load at the reference load: 0 changes; at twice the series: ${p.length} updates (${updated.join(", ")}), 0 replacements`);
}

/** Day-2 changes on prod's data: storage grown in place, shrinking refused, upgrades and renames. */
async function day2Prod(stack: Stack): Promise<void> {
  const d = DEFAULTS[stack];
  const grownGi = d.prometheus.storageGi + 10;
  await step(stack, "storage grown in place", async () => {
    const before = { ...(await dataUids()), pods: await podUids("prometheus") };
    await pulumi(stack, ["config", "set", "--path", "prometheus.storageGi", String(grownGi)]);
    const p = changes(await plan(stack));
    const claimUpdates = p.filter((s) => s.op === "update" && s.type === "kubernetes:core/v1:PersistentVolumeClaim");
    check(claimUpdates.length === d.prometheus.replicas && p.every((s) => s.op === "update"), `the plan should update the ${d.prometheus.replicas} Prometheus claims only: ${describe(p)}`);
    await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
    for (let i = 0; i < d.prometheus.replicas; i++) {
      const size = claimSize(await get("pvc", `data-prometheus-${i}`));
      check(size.spec === `${grownGi}Gi` && size.capacity === `${grownGi}Gi`, `data-prometheus-${i}: requested ${size.spec}, capacity ${size.capacity}; expected ${grownGi}Gi`);
    }
    const after = { ...(await dataUids()), pods: await podUids("prometheus") };
    checkSame(before, after, "growing the claims recreated a StatefulSet, claim or pod");
    log(`[${stack}] ${claimUpdates.length} claims grown to ${grownGi}Gi in place; StatefulSet, claims and pods kept (same UIDs)`);
  });
  await step(stack, "storage decrease refused", async () => {
    const before = await dataUids();
    await pulumi(stack, ["config", "set", "--path", "prometheus.storageGi", String(grownGi - 5)]);
    const r = await pulumi(stack, ["preview", ...policyArgs(stack)], { allowFail: true });
    const out = `${r.stdout}\n${r.stderr}`;
    check(r.status !== 0, "a smaller prometheus.storageGi was accepted");
    const want = `prometheus.storageGi: ${grownGi - 5} is smaller than the current size of its claims (${grownGi} Gi`;
    check(out.includes(want), `no clear error for a smaller volume; expected "${want}":\n${out.split("\n").slice(-15).join("\n")}`);
    await pulumi(stack, ["config", "set", "--path", "prometheus.storageGi", String(grownGi)]);
    checkSame(before, await dataUids(), "a refused decrease changed the data");
    check(claimSize(await get("pvc", "data-prometheus-0")).spec === `${grownGi}Gi`, "a refused decrease changed a claim");
  });
  await step(stack, "growth refused without volume expansion", async () => {
    const cls = (await get("pvc", "data-loki-0")).spec.storageClassName as string;
    await kubectl(["patch", "storageclass", cls, "--type=merge", "-p", '{"allowVolumeExpansion":false}']);
    try {
      await pulumi(stack, ["config", "set", "--path", "loki.storageGi", String(d.loki.storageGi + 5)]);
      const r = await pulumi(stack, ["preview", ...policyArgs(stack)], { allowFail: true });
      const out = `${r.stdout}\n${r.stderr}`;
      check(r.status !== 0, `growing loki's claims on StorageClass ${cls} without expansion was accepted`);
      check(out.includes(`loki.storageGi (${d.loki.storageGi} → ${d.loki.storageGi + 5} Gi): the claims' StorageClass "${cls}" does not allow volume expansion`), `no clear error:\n${out.split("\n").slice(-15).join("\n")}`);
    } finally {
      await pulumi(stack, ["config", "set", "--path", "loki.storageGi", String(d.loki.storageGi)]);
      await kubectl(["patch", "storageclass", cls, "--type=merge", "-p", '{"allowVolumeExpansion":true}']);
    }
  });
  await step(stack, "version upgrade rolls, one Elasticsearch node at a time", async () => {
    const before = await dataUids();
    const esPods = await podUids("elasticsearch");
    const bump = (name: string, from: string, to: string) => ({ file: "components/versions.ts", from: new RegExp(`(${name}: \\{ repository: "[^"]+", tag: ")${from.replace(/\./g, "\\.")}"`), to: `$1${to}"` });
    const { IMAGES } = await import("../components/versions");
    const esTag = IMAGES.elasticsearch.tag.replace(/(\d+)$/, (n) => String(Number(n) + 1));
    const promTag = IMAGES.prometheus.tag.replace(/(\d+)$/, (n) => String(Number(n) + 1));
    await withChangedSource([bump("elasticsearch", IMAGES.elasticsearch.tag, esTag), bump("prometheus", IMAGES.prometheus.tag, promTag)], async () => {
      const p = changes(await plan(stack));
      const replaced = p.filter((s) => REPLACE_OPS.includes(s.op) && /StatefulSet|PersistentVolumeClaim/.test(s.type));
      check(replaced.length === 0, `an image bump would replace ${describe(replaced)}`);
      const rolled = await maxUnavailableDuring("elasticsearch", d.elasticsearch.replicas, async () => {
        await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
      });
      check(rolled.maxUnavailable === 1, `Elasticsearch: up to ${rolled.maxUnavailable} of ${d.elasticsearch.replicas} nodes were down at once during the upgrade (${rolled.events} pod events)`);
      const sts = await get("statefulset", "elasticsearch");
      const img = sts.spec.template.spec.containers.find((c: { name: string }) => c.name === "elasticsearch").image as string;
      check(img.endsWith(`:${esTag}`), `Elasticsearch image after the bump: ${img}`);
      const newPods = await podUids("elasticsearch");
      for (const [name, uid] of Object.entries(esPods)) check(newPods[name] !== undefined && newPods[name] !== uid, `pod ${name} was not restarted by the upgrade`);
      checkSame(before, await dataUids(), "the upgrade replaced a StatefulSet or claim");
      log(`[${stack}] elasticsearch ${IMAGES.elasticsearch.tag} → ${esTag}, prometheus ${IMAGES.prometheus.tag} → ${promTag}: ${p.length} updates, 0 replacements; ${d.elasticsearch.replicas} Elasticsearch pods rolled with at most ${rolled.maxUnavailable} down (${rolled.events} pod events)`);
    });
    // Back to the repository's versions: a roll the other way.
    await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
  });
  await step(stack, "renamed with aliases: an update", async () => {
    // A refactor that moves Loki's component to another type token and renames its StatefulSet
    // resource, each with an alias to the old identity (the children follow their parent's alias).
    const before = await dataUids();
    const renamed = [
      { file: "components/loki/component.ts", from: 'super("observability:index:Loki", name, {}, opts);', to: 'super("observability:logs:Loki", name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "observability:index:Loki" }] });' },
      { file: "components/loki/component.ts", from: "`${name}-statefulset`,", to: "`${name}-server`," },
      { file: "components/loki/component.ts", from: "data.options());", to: "data.options({ aliases: [{ name: `${name}-statefulset` }] }));" },
    ];
    await withChangedSource(renamed, async () => {
      const p = changes(await plan(stack));
      const bad = p.filter((s) => s.op !== "update");
      check(bad.length === 0, `the renames with aliases should be updates only: ${describe(bad)}`);
      await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
      const state = JSON.parse((await pulumi(stack, ["stack", "export"])).stdout) as { deployment: { resources: { urn: string }[] } };
      check(state.deployment.resources.some((r) => r.urn.endsWith("observability:logs:Loki$kubernetes:apps/v1:StatefulSet::loki-server")), "the state has no renamed Loki StatefulSet after the up");
      checkSame(before, await dataUids(), "the rename recreated a StatefulSet or claim");
      log(`[${stack}] Loki's component moved to observability:logs:Loki and its StatefulSet renamed: ${p.length} updates, 0 replacements`);
    });
    // Back: the repository's names, with aliases from the renamed ones.
    const back = [
      { file: "components/loki/component.ts", from: 'super("observability:index:Loki", name, {}, opts);', to: 'super("observability:index:Loki", name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "observability:logs:Loki" }] });' },
      { file: "components/loki/component.ts", from: "data.options());", to: "data.options({ aliases: [{ name: `${name}-server` }] }));" },
    ];
    await withChangedSource(back, async () => {
      const p = changes(await plan(stack));
      check(p.every((s) => s.op === "update"), `renaming back should be updates only: ${describe(p)}`);
      await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
    });
    await pulumi(stack, ["up", "--yes", "--expect-no-changes", ...policyArgs(stack)]);
    checkSame(before, await dataUids(), "the rename back recreated a StatefulSet or claim");
  });
}

/** Day-2 changes on dev: persistence turned on and off (the StatefulSets are replaced; claims kept). */
async function day2Dev(stack: Stack): Promise<void> {
  const stateful = ["prometheus", "alertmanager", "loki", "elasticsearch", ...(DEFAULTS[stack].jaeger.storage === "badger" ? ["jaeger"] : [])];
  let claimUids: Record<string, string> = {};
  await step(stack, "persistence on: previewed as a replacement", async () => {
    const before = await uids("statefulsets");
    await pulumi(stack, ["config", "set", "--path", "persistence.enabled", "true"]);
    const p = changes(await plan(stack));
    const replaced = [...new Set(p.filter((s) => REPLACE_OPS.includes(s.op) && s.type === "kubernetes:apps/v1:StatefulSet").map((s) => s.urn.split("::").pop()))];
    check(replaced.length === stateful.length, `the plan should replace the StatefulSets ${stateful.join(", ")}: ${describe(p)}`);
    await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
    const after = await uids("statefulsets");
    for (const name of stateful) check(after[name] !== before[name], `StatefulSet ${name} was not replaced`);
    const pvcs = await list("persistentvolumeclaims");
    for (const name of stateful) check(pvcs.some((c) => c.metadata.name === `data-${name}-0` && c.status.phase === "Bound"), `claim data-${name}-0 is missing or not Bound`);
    claimUids = await uids("persistentvolumeclaims");
    await pulumi(stack, ["up", "--yes", "--expect-no-changes", ...policyArgs(stack)]);
    log(`[${stack}] the preview showed ${replaced.length} StatefulSet replacements; ${pvcs.length} claims Bound`);
  });
  await step(stack, "persistence off: replaced, claims kept", async () => {
    await pulumi(stack, ["config", "set", "--path", "persistence.enabled", "false"]);
    const p = changes(await plan(stack));
    check(p.some((s) => REPLACE_OPS.includes(s.op) && s.type === "kubernetes:apps/v1:StatefulSet"), `the plan should replace the StatefulSets: ${describe(p)}`);
    await pulumi(stack, ["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
    checkSame(claimUids, await uids("persistentvolumeclaims"), "turning persistence off deleted claims");
    const sts = await list("statefulsets");
    for (const s of sts) check((s.spec.volumeClaimTemplates ?? []).length === 0, `StatefulSet ${s.metadata.name} still has claim templates`);
    await pulumi(stack, ["up", "--yes", "--expect-no-changes", ...policyArgs(stack)]);
    log(`[${stack}] ${Object.keys(claimUids).length} claims kept after persistence was turned off`);
  });
}

function table(): string {
  const rows = timings.map((t) => [t.stack, t.step, t.seconds.toFixed(1), t.result]);
  const head = ["stack", "step", "seconds", "result"];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 2 ? c.padStart(w[i]) : c.padEnd(w[i]))).join(" | ")} |`;
  return [line(head), `|${w.map((n, i) => (i === 2 ? "-".repeat(n + 1) + ":" : "-".repeat(n + 2))).join("|")}|`, ...rows.map(line)].join("\n");
}

async function main(): Promise<number> {
  // A cluster left up by DEPLOY_TEST_KEEP=1 is stopped before its state directory is removed.
  if (fs.existsSync(clusterDir)) spawnSync("bash", ["scripts/cluster.sh", "down"], { cwd: repo, env: { ...process.env, ...clusterEnv }, stdio: "inherit" });
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(work, "state"), { recursive: true });
  let failed: unknown;
  try {
    await step("-", "tools", async () => {
      await run("bash", ["tools/build.sh", "pulumi", "kubernetes", "random-test-double", "etcd", "kube", "kwok"]);
      await installPlugins();
    });
    writeProject();
    if (stacks.includes("dev")) await step("dev", "unreachable cluster: a clear error", () => unreachable("dev"));
    await step("-", "cluster up", clusterUp);
    for (const stack of stacks) {
      if (interrupted) break;
      await deployStack(stack);
    }
  } catch (e) {
    failed = e;
  } finally {
    await step("-", "cluster down", clusterDown);
  }
  fs.writeFileSync(path.join(work, "timings.json"), JSON.stringify(timings, null, 2));
  process.stdout.write(`\n${table()}\n\n`);
  if (interrupted) {
    process.stderr.write("deploy-test: interrupted; the cluster it started is stopped\n");
    return 130;
  }
  if (failed) {
    process.stderr.write(`deploy-test: FAILED: ${failed instanceof Error ? failed.message : String(failed)}\n`);
    process.stderr.write(`deploy-test: logs: ${work}/<stack>.log, ${clusterDir}/logs (kept until the next run)\n`);
    return 1;
  }
  const steps = timings.filter((t) => t.stack !== "-").length;
  process.stdout.write(`deploy: ${steps} passed, 0 failed\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    clusterDown();
    process.stderr.write(`deploy-test: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);

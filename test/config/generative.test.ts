/**
 * The generative config test: whole stack configs drawn over the schema — every key, valid values
 * with a bias to the bounds, invalid ones, prod with and without its addresses and secrets, keys
 * the stack would ignore. For every one, either loadConfig refuses it (each problem naming a key, and
 * the program registering nothing), or the program builds it under mocks, the policy pack finds no
 * mandatory violation, promtool accepts its rules, and, sampled at its own scrape and evaluation
 * intervals, its rate-based and threshold alerts still fire on the worst possible input at whatever
 * thresholds and `for:` the config allows.
 *
 * The seed is printed in the test name; OBS_FC_SEED=<n> replays a run, OBS_FC_RUNS=<n> draws more.
 */
import fc from "fast-check";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { z } from "zod";
import { SchemaLeaf, schemaLeaves } from "../../components/config/coerce";
import devPolicy from "../../policies/config/dev.json";
import prodPolicy from "../../policies/config/prod.json";
import { buildRuleFiles } from "../../components/alerting/rules";
import { ConfigError, ENVIRONMENTS, PROJECT, type Environment, type RawConfig, type StackConfig, loadConfig, stackConfigSchema } from "../../components/config";
import { JOBS } from "../../components/endpoints";
import { run, scratchDir, tool } from "../alerting/helpers";
import { PROD_ADDRESSES, PROD_AWS, PROD_SECRETS, synthesize } from "../helpers/mocks";
import { asPolicyResources, runPack, type PackConfig } from "../policies/pack";

const SEED = Number(process.env.OBS_FC_SEED ?? 20240614);
const RUNS = Number(process.env.OBS_FC_RUNS ?? 30);
/** Rejected configs also run through the program, to see that it registers nothing: this many. */
const REJECTIONS_THROUGH_PROGRAM = 4;

const ALL_SECRETS: Record<string, string> = {
  ...PROD_SECRETS,
  webhookUrl: "https://hooks.platform.internal/alerts",
  grafanaToken: "glsa_generated_test_token",
};
const POLICY: Record<Environment, PackConfig> = { dev: devPolicy as PackConfig, prod: prodPolicy as PackConfig };

// ---------------------------------------------------------------------------------------------
// The schema's leaves, and values for each

type Leaf = SchemaLeaf;
const leaves = schemaLeaves;

const LEAVES = leaves(stackConfigSchema).filter((l) => l.path[0] !== "environment");

/** Valid and invalid strings per key (by the last path segment, or the whole dotted path). */
const STRINGS: Record<string, { valid: string[]; invalid: string[] }> = {
  cpu: { valid: ["1m", "50m", "250m", "1", "2", "128"], invalid: ["0", "0m", "129", "1.5m", "one"] },
  memory: { valid: ["16Mi", "64Mi", "512Mi", "1Gi", "4Gi", "1Ti"], invalid: ["0Mi", "15Mi", "2Ti", "1GB"] },
  namespace: { valid: ["observability", "o", "team-7"], invalid: ["Observability", "-obs", "a".repeat(64)] },
  agentsNamespace: { valid: ["observability-agents", "node-agents", "observability"], invalid: ["Agents", "-agents"] },
  clusterName: { valid: ["prod-eu-1", "2024"], invalid: ["Prod EU"] },
  team: { valid: ["platform", "7"], invalid: ["Platform!"] },
  costCenter: { valid: ["4711", "engineering"], invalid: [""] },
  storageClassName: { valid: ["gp3", "fast.ssd-1"], invalid: ["Fast_SSD", ".gp3"] },
  runbookBaseUrl: { valid: ["https://runbooks.platform.internal/observability", "https://runbooks.example.com/x", "http://wiki.platform.internal/"], invalid: ["runbooks", "ftp://x"] },
  "grafana.url": { valid: ["https://grafana.platform.internal", "https://grafana.example.net"], invalid: ["grafana"] },
  criticalChannel: { valid: ["#alerts-critical", "#page"], invalid: ["alerts"] },
  warningChannel: { valid: ["#alerts-warning"], invalid: ["#Alerts"] },
  infoChannel: { valid: ["#alerts-info"], invalid: [""] },
  smarthost: { valid: ["smtp.platform.internal:587", "localhost:25", "mail.test:25"], invalid: ["smtp.platform.internal"] },
  from: { valid: ["alertmanager@platform.internal", "am@example.com"], invalid: ["nobody"] },
  onCallTo: { valid: ["oncall@platform.internal", "oncall@example.org"], invalid: ["oncall"] },
  educationTeamTo: { valid: ["edu@platform.internal", "edu@school.test"], invalid: ["@"] },
  smtpAuthUsername: { valid: ["alerts"], invalid: [""] },
  httpStatusLabel: { valid: ["status_code", "status", "code"], invalid: ["status-code"] },
  region: { valid: ["eu-west-1", "us-gov-west-1"], invalid: ["europe"] },
  "loki.objectStore.endpoint": { valid: ["objects.storage.internal:9000", "s3.storage.internal"], invalid: ["https://objects.storage.internal", "objects storage"] },
  "loki.objectStore.region": { valid: ["eu-west-1", "garage"], invalid: [""] },
  chunksBucket: { valid: ["obs-loki-chunks", "logs.chunks.1"], invalid: ["Obs_Chunks", "ab"] },
  rulerBucket: { valid: ["obs-loki-ruler"], invalid: ["-ruler"] },
  oidcProviderArn: { valid: [PROD_AWS.oidcProviderArn], invalid: ["arn:aws:iam::1:oidc-provider/x"] },
  oidcProviderUrl: { valid: [PROD_AWS.oidcProviderUrl, "oidc.eks.eu-west-1.amazonaws.com/id/OTHER"], invalid: ["https://oidc"] },
  zoneLabel: { valid: ["topology.kubernetes.io/zone", "zone", "example.com/rack_row"], invalid: ["/zone", "Topology.kubernetes.io/zone", "zone/"] },
  "thanos.objectStorage.endpoint": { valid: ["s3.eu-west-1.amazonaws.com", "minio.storage.platform.internal:9000"], invalid: ["https://s3.example.com", "S3.example.com"] },
  "thanos.objectStorage.bucket": { valid: ["thanos-blocks", "metrics.prod-1"], invalid: ["Thanos", "ab"] },
  schedule: { valid: ["0 30 1 * * ?", "0 0 2 ? * SUN", "0 0/15 * * * ?", "0 59 23 L * ?", "0 0 3 ? * 6#3 2099"], invalid: ["0 60 1 * * ?", "0 30 1 1 * MON", "30 1 * * *", "0 0 0 ? 13 *"] },
};

const STATIC_TARGETS = {
  valid: [[], [{ job: "postgres", targets: ["10.0.0.9:9187"] }], [{ job: "redis", targets: ["redis.cache.svc:9121", "10.0.0.8:9121"], scheme: "https" }]],
  invalid: [[{ job: "loki", targets: ["10.0.0.1:3100"] }], [{ job: "db", targets: ["postgres"] }], [{ job: "db", targets: [] }]],
};

const CIDRS = { valid: [["0.0.0.0/0"], ["10.0.0.0/16", "192.168.1.10/32"], ["fd00::/8"]], invalid: [[], ["10.0.0.1"], ["any"]] };

/** Whole values of the keys that are lists or maps of objects: drawn as one value each. */
const WHOLE_VALUES: Record<string, { valid: unknown[]; invalid: unknown[] }> = {
  "prometheus.staticTargets": STATIC_TARGETS,
  "placement.zones": { valid: [[], ["zone-a", "zone-b", "zone-c"], ["eu-west-1a", "eu-west-1b"]], invalid: [["zone a"], [""], ["-zone"]] },
  "slo.services": {
    valid: [
      [],
      [{ service: "checkout", availability: { objective: 0.999, windowDays: 7 } }],
      [{ service: "api", namespace: "shop", availability: { objective: 0.9995, windowDays: 3 }, latency: { objective: 0.95, thresholdSeconds: 0.2, windowDays: 3 } }],
    ],
    invalid: [[{ service: "api" }], [{ service: "api", availability: { objective: 1 } }], [{ service: "api", latency: { objective: 0.95, thresholdSeconds: 0.3 } }]],
  },
  "network.apiServer.cidrs": CIDRS,
  "network.nodeCidrs": CIDRS,
  "network.objectStorageCidrs": CIDRS,
  "network.receiverCidrs": CIDRS,
  "network.apiServer.ports": { valid: [[443], [443, 6443], [8443]], invalid: [[], [0], [65536]] },
  "slo.histogramBuckets": {
    valid: [{ http_request_duration_seconds: [0.1, 0.2, 0.5, 1, 2, 5] }, { http_request_duration_seconds: [0.05, 0.2, 1] }],
    invalid: [{ made_up_seconds: [1] }, { http_request_duration_seconds: [0.2, 0.2] }],
  },
};

/** Numeric bounds of a zod number, with whether each is inclusive. */
function bounds(n: z.ZodNumber): { min: number; max: number; minIncl: boolean; maxIncl: boolean; int: boolean } {
  const checks = (n._zod.def.checks ?? []).map((c) => c._zod.def as { check: string; value: number; inclusive: boolean });
  const lo = checks.find((c) => c.check === "greater_than");
  const hi = checks.find((c) => c.check === "less_than");
  return { min: lo?.value ?? -1e9, max: hi?.value ?? 1e9, minIncl: lo?.inclusive ?? true, maxIncl: hi?.inclusive ?? true, int: n.isInt === true };
}

function validValue(leaf: Leaf): fc.Arbitrary<unknown> {
  const s = leaf.schema;
  const key = leaf.path[leaf.path.length - 1];
  if (s instanceof z.ZodNumber) {
    const b = bounds(s);
    const max = Number.isFinite(b.max) && b.max < 1e9 ? b.max : 1e6;
    if (b.int) {
      const lo = b.minIncl ? b.min : b.min + 1;
      const hi = b.maxIncl ? max : max - 1;
      return fc.oneof({ arbitrary: fc.constantFrom(lo, hi), weight: 2 }, { arbitrary: fc.integer({ min: lo, max: hi }), weight: 3 });
    }
    const lo = b.minIncl ? b.min : b.min + (max - b.min) / 1000;
    const hi = b.maxIncl ? max : max - (max - b.min) / 1000;
    return fc.oneof({ arbitrary: fc.constantFrom(lo, hi), weight: 2 }, { arbitrary: fc.double({ min: lo, max: hi, noNaN: true }), weight: 3 });
  }
  if (s instanceof z.ZodBoolean) return fc.boolean();
  if (s instanceof z.ZodEnum) return fc.constantFrom(...(s.options as string[]));
  if (WHOLE_VALUES[leaf.path.join(".")]) return fc.constantFrom(...WHOLE_VALUES[leaf.path.join(".")].valid);
  if (s instanceof z.ZodString) {
    const pool = STRINGS[leaf.path.join(".")] ?? STRINGS[key];
    if (!pool) throw new Error(`the generative test has no strings for ${leaf.path.join(".")}: add them to STRINGS`);
    return fc.constantFrom(...pool.valid);
  }
  throw new Error(`the generative test cannot draw ${leaf.path.join(".")} (${s.constructor.name})`);
}

function invalidValue(leaf: Leaf): fc.Arbitrary<unknown> {
  const s = leaf.schema;
  const key = leaf.path[leaf.path.length - 1];
  if (s instanceof z.ZodNumber) {
    const b = bounds(s);
    const outside = [b.minIncl ? b.min - 1 : b.min, ...(b.max < 1e9 ? [b.maxIncl ? b.max + 1 : b.max] : [])];
    return fc.constantFrom<unknown>(...outside, "many", ...(b.int ? [b.min + 0.5] : []));
  }
  if (s instanceof z.ZodBoolean) return fc.constantFrom<unknown>("yes", 1);
  if (s instanceof z.ZodEnum) return fc.constant("cassandra");
  if (WHOLE_VALUES[leaf.path.join(".")]) return fc.constantFrom(...WHOLE_VALUES[leaf.path.join(".")].invalid);
  if (!(s instanceof z.ZodString)) throw new Error(`the generative test cannot draw ${leaf.path.join(".")} (${s.constructor.name})`);
  const pool = STRINGS[leaf.path.join(".")] ?? STRINGS[key];
  return fc.constantFrom<unknown>(...pool.invalid, 42.5, true);
}

/** Set `value` at `path` in a nested object. */
function setAt(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const seg of path.slice(0, -1)) {
    if (typeof cur[seg] !== "object" || cur[seg] === null || Array.isArray(cur[seg])) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

interface Drawn {
  env: Environment;
  values: Record<string, unknown>;
  secrets: string[];
  otherKeys: string[];
}

const overrideArb = fc.subarray(LEAVES, { maxLength: 7 }).chain((ls) =>
  fc.tuple(...ls.map((l) => fc.oneof({ arbitrary: validValue(l), weight: 6 }, { arbitrary: invalidValue(l), weight: 1 }).map((v) => [l.path, v] as const))),
);

const drawnArb: fc.Arbitrary<Drawn> = fc
  .record({
    env: fc.constantFrom(...ENVIRONMENTS),
    prodBase: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
    overrides: overrideArb,
    allSecrets: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
    someSecrets: fc.subarray(Object.keys(ALL_SECRETS)),
    otherKeys: fc.oneof(
      { arbitrary: fc.constant<string[]>([]), weight: 9 },
      { arbitrary: fc.subarray(["observabilty-stack:prometheus.retentionDays", "aws:region", "grafana:url", "gcp:project"], { minLength: 1 }), weight: 1 },
    ),
  })
  .map(({ env, prodBase, overrides, allSecrets, someSecrets, otherKeys }) => {
    const values: Record<string, unknown> = env === "prod" && prodBase ? structuredClone({ aws: PROD_AWS, ...PROD_ADDRESSES }) : {};
    for (const [path, v] of overrides) setAt(values, [...path], v);
    return { env, values, secrets: allSecrets ? Object.keys(ALL_SECRETS) : someSecrets, otherKeys };
  });

// ---------------------------------------------------------------------------------------------
// What an accepted config must give: alerts that fire at its own intervals and thresholds

const APP = { job: JOBS.kubernetesPods, namespace: "shop", service: "checkout", instance: "10.0.0.7:8080", pod: "checkout-1" };
const NODE = { job: JOBS.nodeExporter, namespace: "observability", service: "node-exporter", instance: "10.0.1.5:9100", pod: "node-exporter-1", node: "node-a" };
const ROOT = { ...NODE, device: "/dev/nvme0n1p1", fstype: "ext4", mountpoint: "/" };
const sel = (name: string, labels: Record<string, string>) => `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ")}}`;

/**
 * One promtool test group per alert: the worst input (every request an error, CPUs never idle, no
 * memory or disk left, the target down), sampled every scrape interval; the alert must fire once its
 * windows hold samples and its `for:` has passed. Ratios are < 1 by schema, so a ratio of 1 trips any
 * allowed threshold.
 */
function firingGroups(cfg: StackConfig): object[] {
  const s = cfg.prometheus.scrapeIntervalSeconds;
  const e = cfg.prometheus.evaluationIntervalSeconds;
  const t = cfg.alerting.thresholds;
  const cases: { alert: string; severity: string; forMinutes: number; series: (k: number) => { series: string; values: string }[] }[] = [
    { alert: "ServiceDown", severity: "critical", forMinutes: t.serviceDown.forMinutes, series: (k) => [{ series: sel("up", APP), values: `0x${k}` }] },
    {
      alert: "HighErrorRate",
      severity: "critical",
      forMinutes: t.errorRatio.forMinutes,
      series: (k) => [{ series: sel("http_requests_total", { ...APP, method: "GET", route: "/api", [cfg.alerting.httpStatusLabel]: "503" }), values: `0+10x${k}` }],
    },
    {
      alert: "HighCPUUsage",
      severity: "warning",
      forMinutes: t.cpuUsageRatio.forMinutes,
      series: (k) => [
        { series: sel("node_cpu_seconds_total", { ...NODE, cpu: "0", mode: "idle" }), values: `0x${k}` },
        { series: sel("node_cpu_seconds_total", { ...NODE, cpu: "0", mode: "user" }), values: `0+${s}x${k}` },
      ],
    },
    {
      alert: "HighMemoryUsage",
      severity: "critical",
      forMinutes: t.memoryUsageRatio.forMinutes,
      series: (k) => [
        { series: sel("node_memory_MemTotal_bytes", NODE), values: `1000000000x${k}` },
        { series: sel("node_memory_MemAvailable_bytes", NODE), values: `0x${k}` },
      ],
    },
    {
      alert: "DiskSpaceRunningLow",
      severity: "critical",
      forMinutes: t.diskFreeRatio.forMinutes,
      series: (k) => [
        { series: sel("node_filesystem_size_bytes", ROOT), values: `100000000000x${k}` },
        { series: sel("node_filesystem_avail_bytes", ROOT), values: `0x${k}` },
        { series: sel("node_filesystem_readonly", ROOT), values: `0x${k}` },
      ],
    },
  ];
  return cases.map((c) => {
    // Two samples for a rate, an evaluation for the recording rule, one for the alert, `for:`, and one more.
    const fireAt = Math.ceil((s + 3 * e + c.forMinutes * 60) / e) * e + e;
    const k = Math.ceil(fireAt / s) + 2;
    return {
      name: `${c.alert} fires at ${fireAt}s (scrape ${s}s, evaluation ${e}s, for ${c.forMinutes}m)`,
      interval: `${s}s`,
      input_series: c.series(k),
      promql_expr_test: [
        { expr: `count(ALERTS{alertname="${c.alert}", severity="${c.severity}", alertstate="firing"})`, eval_time: `${fireAt}s`, exp_samples: [{ labels: "{}", value: 1 }] },
      ],
    };
  });
}

// ---------------------------------------------------------------------------------------------

function tryLoad(d: Drawn): StackConfig | ConfigError {
  const raw: RawConfig = { stack: d.env, values: structuredClone(d.values), secretsSet: new Set(d.secrets), otherKeys: d.otherKeys };
  try {
    return loadConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
}

/** A problem starts with the key it is about: `observability-stack:a.b[0].c: ...` (or the ignored key itself). */
const NAMES_A_KEY = /^[a-z][a-z0-9-]*:[A-Za-z][\w.[\]-]*: \S/;

describe(`generative: whole configs over the schema (seed ${SEED}, ${RUNS} runs)`, () => {
  const dir = scratchDir("generative-config");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stats = { accepted: 0, rejected: 0, rejectedThroughProgram: 0, extremes: new Set<string>() };
  const ruleDirs: { dir: string; config: string }[] = [];

  async function checkOne(d: Drawn): Promise<void> {
    const loaded = tryLoad(d);
    if (loaded instanceof ConfigError) {
      stats.rejected++;
      expect(loaded.problems.length).toBeGreaterThan(0);
      for (const p of loaded.problems.flatMap((x) => x.split("\n  - "))) expect([p, NAMES_A_KEY.test(p)]).toEqual([p, true]);
      if (stats.rejectedThroughProgram < REJECTIONS_THROUGH_PROGRAM && d.otherKeys.length === 0) {
        stats.rejectedThroughProgram++;
        const secrets = Object.fromEntries(d.secrets.map((k) => [k, ALL_SECRETS[k]]));
        const err = await synthesize({ stack: d.env, config: d.values, secrets }).then(
          () => undefined,
          (e: Error & { registeredResources?: number }) => e,
        );
        expect(err?.message).toContain(loaded.problems[0].split("\n")[0]);
        expect(err?.registeredResources).toBe(0);
      }
      return;
    }
    stats.accepted++;
    const cfg = loaded;
    if (cfg.prometheus.scrapeIntervalSeconds === 75) stats.extremes.add("scrape 75s");
    if (cfg.prometheus.evaluationIntervalSeconds === 120) stats.extremes.add("evaluation 120s");
    const synth = await synthesize({ stack: d.env, config: d.values, secrets: ALL_SECRETS });
    expect(synth.resources.length).toBeGreaterThan(50);
    const mandatory = (await runPack(asPolicyResources(synth.resources), POLICY[d.env])).filter((v) => v.enforcementLevel === "mandatory");
    expect(mandatory.map((v) => `${v.policy} [${v.resource}] ${v.message}`)).toEqual([]);

    const here = join(dir, String(ruleDirs.length));
    mkdirSync(join(here, "rules"), { recursive: true });
    const files = buildRuleFiles(cfg);
    for (const [name, file] of Object.entries(files)) writeFileSync(join(here, "rules", name), stringify(file));
    writeFileSync(
      join(here, "firing.test.yaml"),
      stringify({
        rule_files: Object.keys(files).map((n) => `rules/${n}`),
        evaluation_interval: `${cfg.prometheus.evaluationIntervalSeconds}s`,
        tests: firingGroups(cfg),
      }),
    );
    ruleDirs.push({ dir: here, config: JSON.stringify({ env: d.env, values: d.values }) });
  }

  it("each config is refused naming a key, or builds a stack that passes the pack", async () => {
    const started = Date.now();
    await fc.assert(fc.asyncProperty(drawnArb, checkOne), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    // The bounds themselves, whatever the draw: the slowest scrape and evaluation, the longest and
    // shortest `for:`, thresholds at their most and least sensitive allowed values.
    const t = (w: number, c: number, f: number) => ({ warning: w, critical: c, forMinutes: f });
    const extremes: Drawn[] = [
      {
        env: "prod",
        values: {
          ...structuredClone({ aws: PROD_AWS, ...PROD_ADDRESSES }),
          prometheus: { scrapeIntervalSeconds: 75, evaluationIntervalSeconds: 120 },
          alerting: {
            ...structuredClone(PROD_ADDRESSES.alerting),
            thresholds: { serviceDown: { forMinutes: 1440 }, errorRatio: t(0.998, 0.999, 1440), cpuUsageRatio: { warning: 0.999, forMinutes: 1440 }, memoryUsageRatio: t(0.998, 0.999, 1440), diskFreeRatio: t(0.002, 0.001, 1440) },
          },
        },
        secrets: Object.keys(ALL_SECRETS),
        otherKeys: [],
      },
      {
        env: "dev",
        values: {
          prometheus: { scrapeIntervalSeconds: 5, evaluationIntervalSeconds: 5 },
          alerting: { thresholds: { serviceDown: { forMinutes: 0 }, errorRatio: t(0.001, 0.002, 0), cpuUsageRatio: { warning: 0.001, forMinutes: 0 }, memoryUsageRatio: t(0.001, 0.002, 0), diskFreeRatio: t(0.999, 0.998, 0) } },
        },
        secrets: [],
        otherKeys: [],
      },
    ];
    for (const d of extremes) {
      const before = stats.accepted;
      await checkOne(d);
      expect(stats.accepted).toBe(before + 1);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    // Both outcomes must occur, or the draw tests only one side.
    expect(stats.accepted).toBeGreaterThanOrEqual(RUNS / 5);
    expect(stats.rejected).toBeGreaterThanOrEqual(RUNS / 5);
    console.log(`generative config test: seed ${SEED}, ${RUNS} drawn + ${extremes.length} extreme configs, ${stats.accepted} accepted, ${stats.rejected} refused (${stats.rejectedThroughProgram} through the program), bounds met: ${[...stats.extremes].join(", ") || "none"}, in ${seconds} s`);
  }, 240_000);

  it("promtool accepts the rules of every accepted config", () => {
    expect(ruleDirs.length).toBeGreaterThan(0);
    run(tool("promtool"), ["check", "rules", ...ruleDirs.flatMap((r) => buildRuleFilesIn(r.dir))]);
  });

  it("the alerts fire on the worst input at every accepted config's intervals, thresholds and for:", () => {
    for (const r of ruleDirs) {
      try {
        run(tool("promtool"), ["test", "rules", join(r.dir, "firing.test.yaml")]);
      } catch (e) {
        throw new Error(`config ${r.config}:\n${(e as Error).message}`);
      }
    }
  }, 120_000);
});

function buildRuleFilesIn(dir: string): string[] {
  return readdirSync(join(dir, "rules")).map((n) => join(dir, "rules", n));
}

test("every key of the schema can be drawn, valid and invalid (a new key needs its values here)", () => {
  expect(LEAVES.length).toBeGreaterThan(150);
  for (const leaf of LEAVES) {
    expect(() => [validValue(leaf), invalidValue(leaf)]).not.toThrow();
  }
});

// PROJECT is the prefix every problem about the stack's own keys carries.
test("problems about the stack's keys carry the project prefix", () => {
  expect(NAMES_A_KEY.test(`${PROJECT}:prometheus.retentionDays: 400 is too large; allowed: <= 365`)).toBe(true);
  expect(NAMES_A_KEY.test("invalid stack configuration")).toBe(false);
});

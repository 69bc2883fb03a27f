/**
 * The generated Loki configs against Loki 3.7's configuration reference, in place of running the real
 * `loki -verify-config` (Loki is AGPL-licensed: the toolchain builds no AGPL module, so there is no
 * Loki binary here). Two parts, each shown failing on a broken config:
 *  - every key is one Loki 3.7 takes, with a value of its type (Loki reads the file strictly: an
 *    unknown or misspelt key stops it), from the reference in reference-keys.ts;
 *  - the cross-field rules Loki enforces at startup or at push time that our settings depend on:
 *    retention needs a delete-request store, structured metadata needs every schema period on TSDB
 *    v13, TSDB needs 24h index periods, each store named must be configured, schema periods in order.
 * What this cannot prove, and the removed live test did: that Loki gets ready with the file and
 * answers a push and a query. The values that test read back from /config are asserted in
 * config.test.ts.
 */
import { DEFAULTS, deepMerge } from "../../components/config";
import { lokiS3Storage } from "../../components/aws/loki-s3";
import { buildLokiConfig, type LokiConfigOptions } from "../../components/loki/config-file";
import { LOKI_3_7_KEYS, type KeyTree } from "./reference-keys";

type Conf = Record<string, any>;

const SCALABLE: NonNullable<LokiConfigOptions["scalable"]> = {
  memberlistHost: "loki-memberlist.observability.svc.cluster.local",
  backendHeadlessHost: "loki-backend-headless.observability.svc.cluster.local",
  backendHost: "loki-backend.observability.svc.cluster.local",
  replicationFactor: 3,
  zoneAware: true,
};
const s3: LokiConfigOptions["storage"] = { type: "s3", region: "eu-west-1", chunksBucket: "obs-loki-chunks", rulerBucket: "obs-loki-ruler" };
const CONFIGS: [string, Conf][] = [
  ["dev", buildLokiConfig(DEFAULTS.dev.loki, { storage: { type: "filesystem" } })],
  ["prod", buildLokiConfig(DEFAULTS.prod.loki, { storage: { type: "filesystem" } })],
  ["prod-s3", buildLokiConfig(DEFAULTS.prod.loki, { storage: s3 })],
  ["prod-scalable", buildLokiConfig(DEFAULTS.prod.loki, { storage: s3, scalable: SCALABLE })],
  [
    "scalable-s3-compatible",
    buildLokiConfig(DEFAULTS.prod.loki, { storage: { ...s3, endpoint: "objects.storage.internal:9000", insecure: true }, scalable: { ...SCALABLE, replicationFactor: 1, zoneAware: false } }),
  ],
];

// ----------------------------------------------------------------------------------------------
// Keys and types

/** A duration as Loki's Prometheus-style and Go duration fields take it, in milliseconds; NaN if not one. */
function durationMs(d: unknown): number {
  if (d === "0" || d === 0) return 0;
  if (typeof d !== "string" || !/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w|y))+$/.test(d)) return NaN;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8, y: 3.1536e10 };
  let ms = 0;
  for (const [, n, u] of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)/g)) ms += Number(n) * unit[u];
  return ms;
}

function typeProblem(type: string, v: unknown): string | undefined {
  const is = (ok: boolean, what: string) => (ok ? undefined : `expected ${what}, got ${JSON.stringify(v)}`);
  switch (type) {
    case "boolean":
      return is(typeof v === "boolean", "a boolean");
    case "int":
      return is(Number.isInteger(v) || (typeof v === "string" && /^\d+(?:[KMGTPE]i?B|B)$/.test(v)), "an integer or a size with its unit");
    case "float":
      return is(typeof v === "number" && Number.isFinite(v), "a number");
    case "duration":
      return is(!Number.isNaN(durationMs(v)), "a duration such as 10m or 168h");
    case "string":
    case "url":
      return is(typeof v === "string", "a string");
    case "daytime":
      return is(typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)), "a day as YYYY-MM-DD");
    case "list of strings":
      return is(Array.isArray(v) && v.every((x) => typeof x === "string"), "a list of strings");
    default:
      return undefined;
  }
}

/** Every key of `conf` that Loki 3.7 does not take, or whose value is not of the key's type. */
function referenceProblems(conf: unknown, tree: KeyTree = LOKI_3_7_KEYS, path = ""): string[] {
  if (typeof conf !== "object" || conf === null || Array.isArray(conf)) return [`${path || "(root)"}: expected a block of keys, got ${JSON.stringify(conf)}`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(conf)) {
    const at = path ? `${path}.${key}` : key;
    const spec = tree[key] ?? tree["*"];
    if (spec === undefined) out.push(`${at}: not a key Loki 3.7 takes here`);
    else if (spec === "block") out.push(`${at}: a block whose keys reference-keys.ts does not list yet: look them up in Loki's configuration reference and add them`);
    else if (typeof spec === "string") {
      const p = typeProblem(spec, value);
      if (p) out.push(`${at}: ${p}`);
    } else if (Array.isArray(spec)) {
      if (!Array.isArray(value)) out.push(`${at}: expected a list, got ${JSON.stringify(value)}`);
      else value.forEach((item, i) => out.push(...referenceProblems(item, spec[0], `${at}[${i}]`)));
    } else out.push(...referenceProblems(value, spec, at));
  }
  return out;
}

// ----------------------------------------------------------------------------------------------
// Loki's own cross-field rules

/** The storage backends a config sets up, by the names a schema period or the compactor uses. */
function configuredStores(c: Conf): Set<string> {
  const stores = new Set<string>([...Object.keys(c.common?.storage ?? {}), ...Object.keys(c.storage_config ?? {})]);
  // Loki calls the S3 backend "s3" or "aws".
  if (stores.has("s3") || stores.has("aws")) ["s3", "aws"].forEach((s) => stores.add(s));
  return stores;
}

/** The startup and push-time rules of Loki 3.7 our settings depend on; each problem as Loki would state it. */
function lokiRuleProblems(c: Conf): string[] {
  const out: string[] = [];
  const periods: Conf[] = c.schema_config?.configs ?? [];
  const stores = configuredStores(c);
  if (periods.length === 0) out.push("schema_config.configs: at least one schema period is needed");
  periods.forEach((p, i) => {
    const at = `schema_config.configs[${i}]`;
    if (p.store === "tsdb" && durationMs(p.index?.period) !== 24 * 3.6e6) out.push(`${at}: the tsdb index period must be 24h, is ${p.index?.period}`);
    if (!stores.has(p.object_store)) out.push(`${at}: object_store '${p.object_store}' has no configured storage backend (have: ${[...stores].join(", ")})`);
    if (i > 0 && !(Date.parse(p.from) > Date.parse(periods[i - 1].from))) out.push(`${at}: from ${p.from} is not after the previous period's ${periods[i - 1].from}`);
    if (c.limits_config?.allow_structured_metadata && !(p.store === "tsdb" && p.schema === "v13")) {
      out.push(`${at}: structured metadata needs the tsdb store and schema v13, the period has ${p.store} ${p.schema}`);
    }
  });
  if (c.compactor?.retention_enabled) {
    const store = c.compactor.delete_request_store;
    if (!store) out.push("compactor.delete_request_store: must be set when retention is enabled");
    else if (!stores.has(store)) out.push(`compactor.delete_request_store: '${store}' has no configured storage backend`);
    if (!(durationMs(c.limits_config?.retention_period) > 0)) out.push("limits_config.retention_period: retention is enabled but the period is 0");
  }
  const rate = c.limits_config?.ingestion_rate_mb;
  const burst = c.limits_config?.ingestion_burst_size_mb;
  if (rate !== undefined && burst !== undefined && burst < rate) out.push(`limits_config.ingestion_burst_size_mb: ${burst} is below the rate ${rate}, so a full-rate push is refused`);
  const rulerType = c.ruler?.storage?.type;
  if (rulerType && !(rulerType in c.ruler.storage)) out.push(`ruler.storage: type '${rulerType}' but no ${rulerType} block`);
  return out;
}

// ----------------------------------------------------------------------------------------------

describe("the generated Loki configs against Loki 3.7's configuration reference", () => {
  test.each(CONFIGS)("%s: every key is one Loki takes, with a value of its type", (_name, conf) => {
    expect(referenceProblems(conf)).toEqual([]);
  });

  test.each(CONFIGS)("%s: Loki's cross-field rules hold", (_name, conf) => {
    expect(lokiRuleProblems(conf)).toEqual([]);
  });

  test("the S3 fragment merged into a minimal monolithic config (no builder defaults around it) passes both", () => {
    const base = {
      auth_enabled: false,
      server: { http_listen_port: 3100 },
      common: { path_prefix: "/loki", replication_factor: 1, ring: { kvstore: { store: "inmemory" } } },
      compactor: { working_directory: "/loki/compactor", retention_enabled: true, delete_request_store: "filesystem" },
      limits_config: { retention_period: "720h" },
      ruler: { rule_path: "/loki/rules-temp" },
    };
    const conf = deepMerge(base, lokiS3Storage({ region: "eu-west-1", chunksBucket: "obs-loki-chunks-a1b2c3d", rulerBucket: "obs-loki-ruler-a1b2c3d" }));
    expect(referenceProblems(conf)).toEqual([]);
    expect(lokiRuleProblems(conf)).toEqual([]);
  });

  test("the reference is Loki's, not a copy of what the builder writes: it lists keys the builder does not use", () => {
    expect(LOKI_3_7_KEYS.limits_config).toMatchObject({ max_streams_per_user: "int", retention_stream: expect.anything() });
    expect(Object.keys(LOKI_3_7_KEYS.server as KeyTree).length).toBeGreaterThan(40);
  });
});

describe("negative controls: each check fails on a broken config", () => {
  const dev = () => structuredClone(CONFIGS[0][1]);

  test("a misspelt key, an unknown block, a key inside a block the reference does not list", () => {
    const c = dev();
    c.limits_config.retention_periodd = "24h";
    c.compactr = {};
    c.server.http_tls_config = { cert_file: "x" };
    expect(referenceProblems(c)).toEqual([
      "server.http_tls_config: a block whose keys reference-keys.ts does not list yet: look them up in Loki's configuration reference and add them",
      "limits_config.retention_periodd: not a key Loki 3.7 takes here",
      "compactr: not a key Loki 3.7 takes here",
    ]);
  });

  test("values of the wrong type", () => {
    const c = dev();
    c.compactor.retention_enabled = "yes";
    c.limits_config.retention_period = "7 days";
    c.server.http_listen_port = "3100";
    c.schema_config.configs[0].from = "2025-1-1";
    c.common.instance_interface_names = "eth0";
    c.schema_config.configs = [c.schema_config.configs[0], "v13"];
    expect(referenceProblems(c)).toEqual([
      'server.http_listen_port: expected an integer or a size with its unit, got "3100"',
      'common.instance_interface_names: expected a list of strings, got "eth0"',
      'schema_config.configs[0].from: expected a day as YYYY-MM-DD, got "2025-1-1"',
      'schema_config.configs[1]: expected a block of keys, got "v13"',
      'compactor.retention_enabled: expected a boolean, got "yes"',
      'limits_config.retention_period: expected a duration such as 10m or 168h, got "7 days"',
    ]);
  });

  test("retention without a delete-request store, or with a store that is not configured", () => {
    const c = dev();
    delete c.compactor.delete_request_store;
    expect(lokiRuleProblems(c)).toEqual(["compactor.delete_request_store: must be set when retention is enabled"]);
    c.compactor.delete_request_store = "s3";
    c.limits_config.retention_period = "0s";
    expect(lokiRuleProblems(c)).toEqual([
      "compactor.delete_request_store: 's3' has no configured storage backend",
      "limits_config.retention_period: retention is enabled but the period is 0",
    ]);
  });

  test("structured metadata on a period that is not TSDB v13; a TSDB index period other than 24h; an unknown store", () => {
    const c = dev();
    c.schema_config.configs.push({ from: "2026-01-01", store: "tsdb", object_store: "gcs", schema: "v12", index: { prefix: "index_", period: "168h" } });
    expect(lokiRuleProblems(c)).toEqual([
      "schema_config.configs[1]: the tsdb index period must be 24h, is 168h",
      "schema_config.configs[1]: object_store 'gcs' has no configured storage backend (have: filesystem, tsdb_shipper)",
      "schema_config.configs[1]: structured metadata needs the tsdb store and schema v13, the period has tsdb v12",
    ]);
  });

  test("schema periods out of order; a burst below the rate; a ruler storage type without its block", () => {
    const c = dev();
    c.schema_config.configs.push({ ...c.schema_config.configs[0], from: "2024-06-01" });
    c.limits_config.ingestion_burst_size_mb = 1;
    c.ruler.storage.type = "s3";
    expect(lokiRuleProblems(c)).toEqual([
      "schema_config.configs[1]: from 2024-06-01 is not after the previous period's 2025-01-01",
      `limits_config.ingestion_burst_size_mb: 1 is below the rate ${DEFAULTS.dev.loki.ingestionRateMb}, so a full-rate push is refused`,
      "ruler.storage: type 's3' but no s3 block",
    ]);
  });

  test("durations as Loki reads them", () => {
    expect([durationMs("168h"), durationMs("1w"), durationMs("1h30m"), durationMs("0"), durationMs("10")]).toEqual([6.048e8, 6.048e8, 5.4e6, 0, NaN]);
  });
});

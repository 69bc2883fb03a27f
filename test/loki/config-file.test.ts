import YAML from "yaml";
import { DEFAULTS } from "../../components/config";
import { LOKI_S3_SCHEMA_FROM } from "../../components/aws/loki-s3";
import { PORTS } from "../../components/endpoints";
import { DATA_DIR, REJECT_OLD_SAMPLES_MAX_AGE, SCHEMA_FROM, buildLokiConfig, retentionPeriod } from "../../components/loki/config-file";

type Conf = Record<string, any>;
const dev = DEFAULTS.dev.loki;
const prod = DEFAULTS.prod.loki;
const s3 = { type: "s3", region: "eu-west-1", chunksBucket: "obs-loki-chunks", rulerBucket: "obs-loki-ruler" } as const;

describe("buildLokiConfig (filesystem)", () => {
  const c = buildLokiConfig(dev, { storage: { type: "filesystem" } }) as Conf;

  test("retention: period = retentionDays × 24h, enforced by the compactor, queries stop there", () => {
    expect(c.limits_config.retention_period).toBe(`${dev.retentionDays * 24}h`);
    expect(c.limits_config.retention_period).toBe("168h");
    expect(c.limits_config.max_query_lookback).toBe("168h");
    expect(c.compactor).toEqual({
      working_directory: `${DATA_DIR}/compactor`,
      compaction_interval: "10m",
      retention_enabled: true,
      retention_delete_delay: "2h",
      delete_request_store: "filesystem",
    });
  });

  test("prod keeps 30 days", () => {
    const p = buildLokiConfig(prod, { storage: { type: "filesystem" } }) as Conf;
    expect(p.limits_config.retention_period).toBe("720h");
    expect(p.limits_config.max_query_lookback).toBe("720h");
    expect(retentionPeriod(3650)).toBe("87600h");
  });

  test("ingestion limits come from the settings; old samples are rejected after a week", () => {
    expect(c.limits_config).toMatchObject({
      ingestion_rate_mb: dev.ingestionRateMb,
      ingestion_burst_size_mb: dev.ingestionRateMb * 2,
      reject_old_samples: true,
      reject_old_samples_max_age: REJECT_OLD_SAMPLES_MAX_AGE,
      allow_structured_metadata: true,
    });
    expect(REJECT_OLD_SAMPLES_MAX_AGE).toBe("168h");
    const p = buildLokiConfig(prod, { storage: { type: "filesystem" } }) as Conf;
    expect(p.limits_config.ingestion_rate_mb).toBe(16);
    expect(p.limits_config.ingestion_burst_size_mb).toBe(32);
  });

  test("single tenant, ports from endpoints, in-memory ring of one, no usage reporting", () => {
    expect(c.auth_enabled).toBe(false);
    expect(c.server).toMatchObject({ http_listen_port: PORTS.lokiHttp, grpc_listen_port: PORTS.lokiGrpc });
    expect(c.server.http_listen_port).toBe(3100);
    expect(c.server.grpc_listen_port).toBe(9095);
    expect(c.common).toMatchObject({ path_prefix: "/var/loki", replication_factor: 1, instance_addr: "127.0.0.1", ring: { kvstore: { store: "inmemory" } } });
    expect(c.analytics).toEqual({ reporting_enabled: false });
  });

  test("TSDB v13 from a fixed date on the filesystem, every directory under the data volume", () => {
    expect(c.schema_config.configs).toEqual([
      { from: SCHEMA_FROM, store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } },
    ]);
    expect(SCHEMA_FROM).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(c.common.storage).toEqual({ filesystem: { chunks_directory: "/var/loki/chunks", rules_directory: "/var/loki/rules" } });
    expect(c.storage_config.tsdb_shipper).toEqual({ active_index_directory: "/var/loki/tsdb-index", cache_location: "/var/loki/tsdb-cache" });
    expect(c.ruler.storage).toEqual({ type: "local", local: { directory: "/var/loki/rules" } });
    const paths = JSON.stringify(c).match(/"\/[^"]*"/g) ?? [];
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) expect(p.startsWith(`"${DATA_DIR}/`) || p === `"${DATA_DIR}"`).toBe(true);
  });

  test("a data directory can be moved (the tests run the real binary in a temporary one)", () => {
    const t = buildLokiConfig(dev, { storage: { type: "filesystem" }, dataDir: "/tmp/x" }) as Conf;
    expect(t.common.path_prefix).toBe("/tmp/x");
    expect(t.compactor.working_directory).toBe("/tmp/x/compactor");
    expect(JSON.stringify(t)).not.toContain("/var/loki");
  });

  test("round-trips through YAML unchanged", () => {
    expect(YAML.parse(YAML.stringify(c))).toEqual(c);
  });
});

describe("buildLokiConfig (s3)", () => {
  const c = buildLokiConfig(prod, { storage: s3 }) as Conf;

  test("chunks, index, delete requests and rules go to S3; only one common storage backend", () => {
    expect(c.common.storage).toEqual({ s3: { region: "eu-west-1", bucketnames: "obs-loki-chunks", s3forcepathstyle: false, insecure: false } });
    expect(c.schema_config.configs).toEqual([
      { from: LOKI_S3_SCHEMA_FROM, store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "index_", period: "24h" } },
    ]);
    expect(c.compactor.delete_request_store).toBe("s3");
    expect(c.ruler.storage).toEqual({ type: "s3", s3: { region: "eu-west-1", bucketnames: "obs-loki-ruler", s3forcepathstyle: false, insecure: false } });
    expect(c.ruler.rule_path).toBe("/var/loki/rules-temp");
  });

  test("retention is still on, with the same period", () => {
    expect(c.compactor.retention_enabled).toBe(true);
    expect(c.limits_config.retention_period).toBe("720h");
    expect(c.limits_config.max_query_lookback).toBe("720h");
  });

  test("no credentials in the file (IRSA provides them)", () => {
    const text = JSON.stringify(c);
    expect(text).not.toMatch(/access_key|secret_access_key|session_token/);
  });

  test("the filesystem variant is not changed by building the s3 one", () => {
    const a = buildLokiConfig(dev, { storage: { type: "filesystem" } });
    buildLokiConfig(dev, { storage: s3 });
    expect(buildLokiConfig(dev, { storage: { type: "filesystem" } })).toEqual(a);
  });
});

import { execFileSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { DEFAULTS, LOG_CLASSES } from "../../components/config";
import {
  INDEX_TEMPLATE_PRIORITY,
  LOG_ALIASES,
  bootstrapScript,
  elasticsearchYml,
  firstIndexName,
  heapOptions,
  ilmPolicy,
  ilmPolicyName,
  indexTemplate,
  logAlias,
} from "../../components/elasticsearch/config-file";

const dev = DEFAULTS.dev.elasticsearch;
const prod = DEFAULTS.prod.elasticsearch;

describe("log aliases", () => {
  test("one write alias per class, logs-<class>", () => {
    expect(LOG_ALIASES).toEqual({ application: "logs-application", audit: "logs-audit", security: "logs-security" });
    for (const cls of LOG_CLASSES) expect(logAlias(cls)).toBe(`logs-${cls}`);
    expect(Object.isFrozen(LOG_ALIASES)).toBe(true);
  });
});

describe("ilmPolicy", () => {
  test.each(LOG_CLASSES)("prod %s: phase ages are the configured days exactly", (cls) => {
    const c = prod.logClasses[cls];
    const { phases } = ilmPolicy(cls, prod).policy;
    expect(phases.hot.actions.rollover).toEqual({ max_age: `${c.rolloverMaxAgeDays}d`, max_primary_shard_size: "30gb" });
    expect(phases.warm.min_age).toBe(`${c.warmAfterDays}d`);
    expect(phases.cold.min_age).toBe(`${c.coldAfterDays}d`);
    expect(phases.delete.min_age).toBe(`${c.deleteAfterDays}d`);
    expect(phases.delete.actions).toEqual({ delete: {} });
  });

  test("the seeds' compliance tiers: audit and security kept 2555 days, application 365", () => {
    expect(ilmPolicy("audit", prod).policy.phases.delete.min_age).toBe("2555d");
    expect(ilmPolicy("security", prod).policy.phases.delete.min_age).toBe("2555d");
    expect(ilmPolicy("security", prod).policy.phases.cold.min_age).toBe("180d");
    expect(ilmPolicy("application", prod).policy.phases.delete.min_age).toBe("365d");
  });

  test("dev: rollover at 5gb, deleted after 7 days", () => {
    const p = ilmPolicy("application", dev).policy.phases;
    expect(p.hot.actions.rollover.max_primary_shard_size).toBe("5gb");
    expect([p.warm.min_age, p.cold.min_age, p.delete.min_age]).toEqual(["1d", "3d", "7d"]);
  });

  test("phases follow changed settings (no hidden constants)", () => {
    const s = { ...prod, rolloverMaxPrimaryShardGi: 12, logClasses: { ...prod.logClasses, audit: { ...prod.logClasses.audit, rolloverMaxAgeDays: 3, warmAfterDays: 2, coldAfterDays: 9, deleteAfterDays: 400 } } };
    const p = ilmPolicy("audit", s).policy.phases;
    expect(p.hot.actions.rollover).toEqual({ max_age: "3d", max_primary_shard_size: "12gb" });
    expect([p.warm.min_age, p.cold.min_age, p.delete.min_age]).toEqual(["2d", "9d", "400d"]);
  });
});

describe("indexTemplate", () => {
  test.each(LOG_CLASSES)("%s: pattern, ILM policy and rollover alias", (cls) => {
    const t = indexTemplate(cls, prod);
    expect(t.index_patterns).toEqual([`logs-${cls}-*`]);
    expect(t.template.settings["index.lifecycle.name"]).toBe(ilmPolicyName(cls));
    expect(t.template.settings["index.lifecycle.name"]).toBe(`logs-${cls}-policy`);
    expect(t.template.settings["index.lifecycle.rollover_alias"]).toBe(`logs-${cls}`);
    // The first index matches the template's pattern, the alias does not.
    const re = new RegExp(`^${t.index_patterns[0].replace("*", ".*")}$`);
    expect(re.test(firstIndexName(cls))).toBe(true);
    expect(re.test(logAlias(cls))).toBe(false);
  });

  test("replicas: 0 on the single dev node, 1 on the prod cluster", () => {
    expect(indexTemplate("application", dev).template.settings["index.number_of_replicas"]).toBe(0);
    expect(indexTemplate("application", prod).template.settings["index.number_of_replicas"]).toBe(1);
  });

  test("outranks the built-in logs-*-* data-stream template: above 500, as Elastic advises", () => {
    expect(indexTemplate("security", prod).priority).toBe(INDEX_TEMPLATE_PRIORITY);
    expect(INDEX_TEMPLATE_PRIORITY).toBeGreaterThan(500);
  });
});

describe("elasticsearch.yml", () => {
  test("dev: single node, no seed hosts", () => {
    const y = elasticsearchYml(dev, { namespace: "observability", clusterName: "observability-stack-dev" });
    expect(y["discovery.type"]).toBe("single-node");
    expect(y).not.toHaveProperty("discovery.seed_hosts");
    expect(y).not.toHaveProperty("cluster.initial_master_nodes");
  });

  test("prod: peers through the headless Service, initial masters are the pod names", () => {
    const y = elasticsearchYml(prod, { namespace: "observability", clusterName: "observability-stack-prod" });
    expect(y).not.toHaveProperty("discovery.type");
    expect(y["discovery.seed_hosts"]).toEqual(["elasticsearch-nodes.observability.svc.cluster.local"]);
    expect(y["cluster.initial_master_nodes"]).toEqual(["elasticsearch-0", "elasticsearch-1", "elasticsearch-2"]);
  });

  test("no mmap (no privileged sysctl init container), security on unless turned off, no auto-created logs-* index", () => {
    const y = elasticsearchYml(prod, { namespace: "ns", clusterName: "c" });
    expect(y["node.store.allow_mmap"]).toBe(false);
    expect(y["xpack.security.enabled"]).toBe(true);
    expect(elasticsearchYml({ ...dev, security: { enabled: false, certificateGeneration: 1 } }, { namespace: "ns", clusterName: "c" })["xpack.security.enabled"]).toBe(false);
    expect(y["action.auto_create_index"]).toBe("-logs-*,+*");
    expect(y["node.roles"]).toContain("data");
  });

  test("heap from heapMi", () => {
    expect(heapOptions(dev)).toBe("-Xms512m -Xmx512m");
    expect(heapOptions(prod)).toBe("-Xms2048m -Xmx2048m");
  });
});

describe("bootstrap script", () => {
  const dir = mkdtempSync(join(tmpdir(), "es-bootstrap-"));
  test.each([false, true])("is valid bash (snapshot %s)", (snapshot) => {
    const file = join(dir, `bootstrap-${snapshot}.sh`);
    writeFileSync(file, bootstrapScript({ configDir: "/bootstrap", snapshot }));
    expect(() => execFileSync("bash", ["-n", file])).not.toThrow();
  });

  test("creates the first index only when the alias is missing, and registers snapshots only when asked", () => {
    const s = bootstrapScript({ configDir: "/bootstrap", snapshot: false });
    expect(s).toContain("application:logs-application:logs-application-policy:logs-application:logs-application-000001");
    expect(s).toContain("wait_for_status=yellow");
    expect(s).not.toContain("_snapshot");
    const withSnap = bootstrapScript({ configDir: "/bootstrap", snapshot: true });
    expect(withSnap).toContain('req PUT "/_snapshot/snapshots"');
    expect(withSnap).toContain('req PUT "/_slm/policy/nightly-snapshots"');
  });
});

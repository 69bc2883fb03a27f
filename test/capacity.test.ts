/**
 * The capacity model (components/capacity.ts) and `npm run size`: sizes computed by hand from the
 * documented per-unit costs, the reference load against the prod defaults, and bad input.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { DEFAULT_NODE, REFERENCE_LOAD, UNIT_COSTS, lokiBufferHours, size, sizeProblems } from "../components/capacity";
import { DEFAULTS } from "../components/config";
import { quantityMi, quantityMilli } from "../components/config/quantities";

const GIB = 1024 ** 3;
const repo = path.resolve(__dirname, "..");
const tsx = path.join(repo, "node_modules", ".bin", "tsx");

describe("size", () => {
  const s = size(REFERENCE_LOAD);
  it("sizes Prometheus from samples × bytes per sample × retention, plus the WAL, within the usable disk", () => {
    const samples = REFERENCE_LOAD.series / REFERENCE_LOAD.scrapeIntervalSeconds; // 33,333/s
    const bytes = samples * 86_400 * 30 * UNIT_COSTS.prometheusBytesPerSample + samples * 7200 * UNIT_COSTS.prometheusWalBytesPerSample;
    expect(bytes / GIB / UNIT_COSTS.usableDiskShare).toBeCloseTo(192.0, 1);
    expect(s.prometheus.storageGi).toBe(200); // rounded up to 10 Gi
    expect(s.prometheus.requests).toEqual({ cpu: "350m", memory: "2Gi" }); // 0.33 cores; 500k × 4 KiB = 1.9 GiB
    expect(s.prometheus.limits).toEqual({ cpu: "700m", memory: "4Gi" });
  });
  it("sizes Loki's S3 growth from compressed chunks: 15 GB/day ÷ 8 × 30 days", () => {
    expect(s.loki.s3GiPerMonth).toBe(Math.ceil(((15e9 / 8) * 30) / GIB)); // 52.4
    expect(s.loki.s3GiPerMonth).toBe(53);
    expect(s.loki.requests.cpu).toBe("500m"); // 15 / 30 GB/day per core
  });
  it("sizes Elasticsearch from raw × 1.1 × 2 copies ÷ 3 nodes ÷ 85 %, memory at 1:30", () => {
    const raw = (0.5e9 * 90) / GIB + ((100 * 86_400 * 1024) / GIB) * 7;
    const perNode = (raw * 1.1 * 2) / 3 / 0.85;
    expect(perNode).toBeCloseTo(85.9, 1);
    expect(s.elasticsearch.storageGi).toBe(90);
    expect(s.elasticsearch.requests.memory).toBe("3Gi"); // 85.9 / 30 = 2.9 GiB
  });
  it("sizes Thanos' bucket growth from both replicas' raw blocks × 3 for the downsampled resolutions (Thanos docs: ~3x)", () => {
    const rawPerReplicaGi = ((REFERENCE_LOAD.series / 15) * 86_400 * 30 * 2) / GIB; // 161 GiB a month
    expect(rawPerReplicaGi).toBeCloseTo(160.9, 1);
    expect(s.thanos.s3GiPerMonth).toBe(Math.ceil(rawPerReplicaGi * 2 * 3));
    expect(s.thanos.s3GiPerMonth).toBe(966);
    expect(s.thanos.storageGi).toBe(UNIT_COSTS.thanosCompactorDiskGi);
    // Twice the scrape interval, half the growth.
    expect(size({ ...REFERENCE_LOAD, scrapeIntervalSeconds: 30 }).thanos.s3GiPerMonth).toBe(483);
  });
  it("grows with the load: 4× the series, about 4× the Prometheus disk and memory", () => {
    const big = size({ ...REFERENCE_LOAD, series: REFERENCE_LOAD.series * 4 });
    expect(big.prometheus.storageGi).toBe(770);
    expect(big.prometheus.requests.memory).toBe("8Gi");
    expect(size({ ...REFERENCE_LOAD, scrapeIntervalSeconds: 30 }).prometheus.storageGi).toBe(100);
  });
});

describe("the prod defaults and the reference load", () => {
  const s = size(REFERENCE_LOAD);
  const prod = DEFAULTS.prod;
  it("Thanos' Compactor has the disk and resources the model asks for", () => {
    const c = prod.thanos.compactor;
    expect(c.storageGi).toBeGreaterThanOrEqual(s.thanos.storageGi!);
    expect(quantityMilli(c.resources.requests.cpu)).toBeGreaterThanOrEqual(quantityMilli(s.thanos.requests.cpu));
    expect(quantityMi(c.resources.requests.memory)).toBeGreaterThanOrEqual(quantityMi(s.thanos.requests.memory));
  });
  const cores = (q: string) => quantityMilli(q) / 1000;
  const gi = (q: string) => quantityMi(q) / 1024;
  it("Prometheus' claims are the model's size for the reference load", () => {
    expect(prod.prometheus.storageGi).toBe(s.prometheus.storageGi);
    expect(prod.prometheus.replicas).toBe(s.prometheus.replicas);
    expect(prod.prometheus.scrapeIntervalSeconds).toBe(REFERENCE_LOAD.scrapeIntervalSeconds);
    expect(prod.prometheus.retentionDays).toBe(REFERENCE_LOAD.metricsRetentionDays);
  });
  it.each(["prometheus", "loki", "elasticsearch", "jaeger"] as const)("%s: the prod defaults hold what the model asks for", (name) => {
    const want = s[name];
    const have = prod[name];
    expect(cores(have.resources.requests.cpu)).toBeGreaterThanOrEqual(cores(want.requests.cpu));
    expect(gi(have.resources.requests.memory)).toBeGreaterThanOrEqual(gi(want.requests.memory));
    if (want.storageGi !== undefined && name !== "jaeger") expect(have.storageGi).toBeGreaterThanOrEqual(want.storageGi);
  });
});

describe("Fluent Bit's buffer for a Loki outage", () => {
  it("prod's 4096 MB per node hold 65 h of the reference load's 15 GB/day over 10 nodes", () => {
    expect(DEFAULTS.prod.logShipper.lokiBufferMb).toBe(4096);
    // 15,000 MB/day ÷ 10 nodes ÷ 24 h = 62.5 MB per node per hour; 4096 / 62.5 = 65.5 h.
    expect(lokiBufferHours(4096, REFERENCE_LOAD.logsGbPerDay, 10)).toBeCloseTo(65.5, 1);
    expect(lokiBufferHours(512, REFERENCE_LOAD.logsGbPerDay, 10)).toBeCloseTo(8.2, 1);
  });
});

describe("bad input", () => {
  it("refuses a load that needs more than the largest node, naming the component", () => {
    const problems = sizeProblems(size({ ...REFERENCE_LOAD, series: 90_000_000 }), DEFAULT_NODE);
    expect(problems).toEqual([
      "prometheus: needs 60 CPU per pod, more than the largest node (16); spread the load over more replicas or larger nodes",
      "prometheus: needs 344Gi of memory per pod, more than the largest node (64Gi); spread the load over more replicas or larger nodes",
    ]);
    expect(sizeProblems(size(REFERENCE_LOAD), DEFAULT_NODE)).toEqual([]);
  });
  it("npm run size prints the table, and names a bad flag and value", () => {
    const out = execFileSync(tsx, ["scripts/size.ts", "--series", "2000000", "--logs-gb-per-day=100"], { cwd: repo, encoding: "utf8" });
    expect(out).toMatch(/\| prometheus +\| 2 +\| 1350m \/ 2700m +\| 8Gi \/ 16Gi +\| 770Gi +\| - +\|/);
    expect(out).toMatch(/\| loki +\| 1 +\| 3350m \/ 6700m +\| 7Gi \/ 14Gi +\| 30Gi +\| 350 GiB +\|/);
    const bad = spawnSync(tsx, ["scripts/size.ts", "--seres", "5", "--spans-per-second", "-3", "--node-cpu", "0"], { cwd: repo, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--seres: not a flag; allowed: --series,");
    expect(bad.stderr).toContain('--spans-per-second: "-3" is not a usable number; allowed: a number >= 0');
    expect(bad.stderr).toContain('--node-cpu: "0" is not a usable number; allowed: a number > 0');
    expect(bad.stdout).toBe("");
  });
});

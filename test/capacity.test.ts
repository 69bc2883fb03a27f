/**
 * The capacity model (components/capacity.ts) and `npm run size`: sizes computed by hand from the
 * documented per-unit costs, the prod defaults held equal to the model's output for the reference
 * load, and bad input.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { DEFAULT_NODE, MINIMUM_POD, PROD_LAYOUT, REFERENCE_LOAD, UNIT_COSTS, layoutOf, loadOf, lokiBufferHours, size, sizeProblems } from "../components/capacity";
import { DEFAULTS, type StackConfig } from "../components/config";

const GIB = 1024 ** 3;
const repo = path.resolve(__dirname, "..");
const tsx = path.join(repo, "node_modules", ".bin", "tsx");
const pod = (s: ReturnType<typeof size>, component: string) => {
  const p = s.pods.find((x) => x.component === component);
  if (!p) throw new Error(`no pod ${component} in ${s.pods.map((x) => x.component).join(", ")}`);
  return p;
};

describe("size", () => {
  const s = size(REFERENCE_LOAD);
  it("sizes Prometheus from samples × bytes per sample × retention, plus the WAL, within the usable disk", () => {
    const samples = REFERENCE_LOAD.series / REFERENCE_LOAD.scrapeIntervalSeconds; // 33,333/s
    const perDay = (samples * 86_400 * UNIT_COSTS.prometheusBytesPerSample) / GIB; // 5.36 GiB
    expect(perDay).toBeCloseTo(5.36, 2);
    expect(s.settings.prometheus.estimatedGiPerDay).toBe(5.4); // rounded up to 0.1 GiB
    const wal = (samples * 7200 * UNIT_COSTS.prometheusWalBytesPerSample) / GIB; // 2.2 GiB
    expect((5.4 * 30 + wal) / UNIT_COSTS.usableDiskShare).toBeCloseTo(193.2, 1);
    expect(pod(s, "prometheus").storageGi).toBe(200); // rounded up to 10 Gi
    expect(s.settings.prometheus.retentionSizeGi).toBe(170); // 200 × 85 %
    // 0.33 cores of ingestion + 1 for rules and queries; 500k × 4 KiB = 1.9 GiB + 2 GiB.
    expect(pod(s, "prometheus").requests).toEqual({ cpu: "1350m", memory: "4Gi" });
    expect(pod(s, "prometheus").limits).toEqual({ cpu: "2700m", memory: "8Gi" });
  });
  it("sizes Loki's chunks from 15 GB/day ÷ 8, and each target from the Loki guide's per-TB/day costs, at least its minimum", () => {
    expect(s.settings.loki.estimatedGiPerDay).toBe(1.8); // 15e9 / 8 = 1.75 GiB
    expect(s.s3GiPerMonth.loki).toBe(Math.ceil(1.8 * 30));
    // 15 GB/day is 0.015 TB/day: the write target needs 20/3 × 0.015 = 0.1 cores over 3 replicas.
    expect(UNIT_COSTS.lokiPerTbDay.write.cores * 0.015).toBeCloseTo(0.1, 3);
    expect(pod(s, "loki-write").requests).toEqual({ cpu: "500m", memory: "1Gi" });
    // The WAL holds 6 h of raw logs twice, each write replica RF/replicas = all of it: 15/24 × 6 × 2 = 7 GiB ÷ 80 %.
    expect(pod(s, "loki-write").storageGi).toBe(10);
    // At 3 TB/day (the guide's tier) the per-pod shares take over from the minimum.
    const big = size({ ...REFERENCE_LOAD, logsGbPerDay: 3000 });
    expect(pod(big, "loki-write").requests).toEqual({ cpu: "6700m", memory: "9Gi" }); // 20 cores, 26 GiB over 3
    expect(pod(big, "loki-read").requests).toEqual({ cpu: "4700m", memory: "5Gi" }); // 14 cores, 15 GiB over 3
    expect(pod(big, "loki-backend").requests).toEqual({ cpu: "1350m", memory: "6Gi" }); // 4 cores, 18 GiB over 3
    expect(pod(big, "loki-write").storageGi).toBe(Math.ceil(((3000e9 / 24 / GIB) * 6 * 2) / 0.8 / 10) * 10);
  });
  it("a monolithic Loki on its filesystem store keeps the whole retention on its volume", () => {
    const mono = size(REFERENCE_LOAD, { ...PROD_LAYOUT, loki: { ...PROD_LAYOUT.loki, mode: "monolithic", objectStorage: false } });
    expect(mono.pods.filter((p) => p.component.startsWith("loki")).map((p) => p.component)).toEqual(["loki"]);
    // 1.8 GiB/day × 30 days + the WAL (7 GiB), ÷ 80 %: 76.3 → 80.
    expect(pod(mono, "loki").storageGi).toBe(80);
    expect(mono.s3GiPerMonth.loki).toBeUndefined();
  });
  it("sizes Elasticsearch from every log class and the traces, × 2 copies ÷ 3 nodes ÷ 85 %, memory at 1:30 hot and 1:160 warm", () => {
    const spans = (20 * 86_400 * 1024) / GIB; // 1.65 GiB/day
    expect(spans).toBeCloseTo(1.65, 2);
    expect(s.settings.jaeger.estimatedGiPerDay).toBe(1.7);
    const all = 0.3 * 365 + 0.02 * 2555 * 2 + 1.7 * 7; // 223.6 GiB
    expect(((all * 2) / 3 / 0.85)).toBeCloseTo(175.4, 1);
    expect(pod(s, "elasticsearch").storageGi).toBe(180);
    const hot = 0.3 * 7 + 0.02 * 30 * 2 + 1.7 * 7; // 15.2 GiB
    const mem = (hot * 2) / 3 / 30 + ((all - hot) * 2) / 3 / 160; // 1.2 GiB: below the 4 GiB minimum
    expect(mem).toBeCloseTo(1.2, 1);
    expect(pod(s, "elasticsearch").requests.memory).toBe(`${MINIMUM_POD.elasticsearch.memoryGi}Gi`);
    expect(s.settings.elasticsearch.heapMi).toBe(2048); // half of the 4 GiB limit
    // Ten times the application logs: the warm data sets the memory.
    const ten = size({ ...REFERENCE_LOAD, logClasses: { ...REFERENCE_LOAD.logClasses, application: { giPerDay: 30, hotDays: 7, retentionDays: 365 } } });
    expect(pod(ten, "elasticsearch").storageGi).toBe(Math.ceil(((30 * 365 + 0.02 * 2555 * 2 + 1.7 * 7) * 2) / 3 / 0.85 / 10) * 10);
    const tenAll = 30 * 365 + 0.02 * 2555 * 2 + 1.7 * 7;
    const tenHot = 30 * 7 + 0.02 * 30 * 2 + 1.7 * 7;
    expect((tenHot * 2) / 3 / 30 + ((tenAll - tenHot) * 2) / 3 / 160).toBeCloseTo(50.1, 1);
    expect(pod(ten, "elasticsearch").requests.memory).toBe("51Gi");
    expect(ten.settings.elasticsearch.heapMi).toBe(26112); // half of 51 GiB
    const huge = size({ ...REFERENCE_LOAD, logClasses: { application: { giPerDay: 100, hotDays: 7, retentionDays: 365 } } });
    expect(huge.settings.elasticsearch.heapMi).toBe(31 * 1024); // capped for compressed pointers
  });
  it("sizes Thanos' bucket growth from both replicas' raw blocks × 3 for the downsampled resolutions (Thanos docs: ~3x)", () => {
    const rawPerReplicaGi = ((REFERENCE_LOAD.series / 15) * 86_400 * 30 * 2) / GIB; // 161 GiB a month
    expect(rawPerReplicaGi).toBeCloseTo(160.9, 1);
    expect(s.s3GiPerMonth.thanos).toBe(Math.ceil(rawPerReplicaGi * 2 * 3));
    expect(s.s3GiPerMonth.thanos).toBe(966);
    expect(pod(s, "thanos-compactor").storageGi).toBe(UNIT_COSTS.thanosCompactorDiskGi);
    // Twice the scrape interval, half the growth.
    expect(size({ ...REFERENCE_LOAD, scrapeIntervalSeconds: 30 }).s3GiPerMonth.thanos).toBe(483);
    expect(size(REFERENCE_LOAD, { ...PROD_LAYOUT, thanos: { ...PROD_LAYOUT.thanos, enabled: false } }).s3GiPerMonth.thanos).toBeUndefined();
  });
  it("sizes Fluent Bit's buffer for a weekend's Loki outage: 15,000 MB/day ÷ 10 nodes ÷ 24 h × 64 h = 4,000 MB, in 512 MB steps", () => {
    expect(s.settings.logShipper.lokiBufferMb).toBe(4096);
    expect(lokiBufferHours(4096, REFERENCE_LOAD.logsGbPerDay, 10)).toBeCloseTo(65.5, 1);
    expect(size({ ...REFERENCE_LOAD, nodes: 40 }).settings.logShipper.lokiBufferMb).toBe(1024);
  });
  it("grows with the load: 4× the series, about 4× the Prometheus disk and the head's memory", () => {
    const big = size({ ...REFERENCE_LOAD, series: REFERENCE_LOAD.series * 4 });
    expect(pod(big, "prometheus").storageGi).toBe(770);
    expect(pod(big, "prometheus").requests.memory).toBe("10Gi"); // 7.6 GiB of head + 2
    expect(pod(size({ ...REFERENCE_LOAD, scrapeIntervalSeconds: 30 }), "prometheus").storageGi).toBe(100);
  });
});

describe("the prod defaults and the reference load", () => {
  const prod = DEFAULTS.prod as unknown as StackConfig;
  it("the reference load's retentions, scrape interval and log classes are prod's, and its layout is prod's", () => {
    expect(loadOf(prod, { series: REFERENCE_LOAD.series, logsGbPerDay: REFERENCE_LOAD.logsGbPerDay, spansPerSecond: REFERENCE_LOAD.spansPerSecond, nodes: REFERENCE_LOAD.nodes })).toEqual(REFERENCE_LOAD);
    expect(layoutOf({ ...prod, aws: { ...prod.aws, enabled: true } })).toEqual(PROD_LAYOUT);
  });
  it("every size the model covers is prod's default: resources, claims, daily estimates, heap and Fluent Bit's buffer", () => {
    const want = size(REFERENCE_LOAD, PROD_LAYOUT).settings;
    const have = {
      prometheus: { resources: prod.prometheus.resources, storageGi: prod.prometheus.storageGi, retentionSizeGi: prod.prometheus.retentionSizeGi, estimatedGiPerDay: prod.prometheus.estimatedGiPerDay },
      loki: {
        estimatedGiPerDay: prod.loki.estimatedGiPerDay,
        storageGi: prod.loki.storageGi,
        resources: prod.loki.resources,
        write: { resources: prod.loki.write.resources },
        read: { resources: prod.loki.read.resources },
        backend: { storageGi: prod.loki.backend.storageGi, resources: prod.loki.backend.resources },
      },
      elasticsearch: { storageGi: prod.elasticsearch.storageGi, heapMi: prod.elasticsearch.heapMi, resources: prod.elasticsearch.resources },
      jaeger: { estimatedGiPerDay: prod.jaeger.estimatedGiPerDay, resources: prod.jaeger.resources },
      logShipper: { lokiBufferMb: prod.logShipper.lokiBufferMb },
      thanos: {
        query: { resources: prod.thanos.query.resources },
        storeGateway: { storageGi: prod.thanos.storeGateway.storageGi, resources: prod.thanos.storeGateway.resources },
        compactor: { storageGi: prod.thanos.compactor.storageGi, resources: prod.thanos.compactor.resources },
      },
    };
    expect(have).toEqual(want);
    // And the replicas the model spreads the load over are prod's.
    for (const p of size(REFERENCE_LOAD, PROD_LAYOUT).pods) {
      const replicas: Record<string, number> = {
        prometheus: prod.prometheus.replicas,
        elasticsearch: prod.elasticsearch.replicas,
        jaeger: prod.jaeger.replicas,
        "loki-write": prod.loki.write.replicas,
        "loki-read": prod.loki.read.replicas,
        "loki-backend": prod.loki.backend.replicas,
        "thanos-query": prod.thanos.query.replicas,
        "thanos-store-gateway": prod.thanos.storeGateway.replicas,
        "thanos-compactor": 1,
      };
      expect([p.component, p.replicas]).toEqual([p.component, replicas[p.component]]);
    }
  });
});

describe("bad input", () => {
  it("refuses a load that needs more than the largest node, naming the component and its key", () => {
    const problems = sizeProblems(size({ ...REFERENCE_LOAD, series: 90_000_000 }), DEFAULT_NODE);
    expect(problems).toEqual([
      "prometheus: needs 61 CPU per pod (prometheus.resources), more than the largest node (16); shard the scrape targets over more Prometheus pairs, or larger nodes",
      "prometheus: needs 346Gi of memory per pod (prometheus.resources), more than the largest node (64Gi); shard the scrape targets over more Prometheus pairs, or larger nodes",
      "prometheus: needs a 34560Gi claim per pod (prometheus.storageGi), more than the largest claim the stack makes (16384Gi); a shorter retention, or shard the scrape targets over more Prometheus pairs, or larger nodes",
    ]);
    expect(sizeProblems(size({ ...REFERENCE_LOAD, logsGbPerDay: 20_000 }), DEFAULT_NODE)).toEqual([
      "loki-write: needs 44450m CPU per pod (loki.write.resources), more than the largest node (16); spread the load over more replicas, or larger nodes",
      "loki-read: needs 31150m CPU per pod (loki.read.resources), more than the largest node (16); spread the load over more replicas, or larger nodes",
    ]);
    expect(sizeProblems(size(REFERENCE_LOAD), DEFAULT_NODE)).toEqual([]);
  });
  it("npm run size prints the pods, the buckets and the buffer, and names a bad flag and value", () => {
    const out = execFileSync(tsx, ["scripts/size.ts", "--series", "2000000", "--logs-gb-per-day=100", "--nodes", "20"], { cwd: repo, encoding: "utf8" });
    expect(out).toMatch(/\| prometheus +\| 2 +\| 2350m \/ 4700m +\| 10Gi \/ 20Gi +\| 770Gi +\|/);
    expect(out).toMatch(/\| loki-write +\| 3 +\| 500m \/ 2 +\| 1Gi \/ 4Gi +\| 60Gi +\|/);
    expect(out).toMatch(/\| loki +\| 351 GiB +\|/);
    expect(out).toMatch(/\| thanos +\| 3863 GiB +\|/);
    expect(out).toContain("fluent-bit buffer for a Loki outage: 13824 MB per node (64 h of 100 GB/day over 20 nodes)\n");
    const es = execFileSync(tsx, ["scripts/size.ts", "--es-logs-gb-per-day", "10", "--es-retention-days", "30"], { cwd: repo, encoding: "utf8" });
    // 10 GB × 1.1 = 10.24 GiB/day × 30 days + traces 1.7 × 7, × 2 copies ÷ 3 ÷ 85 %: 250.2 → 260.
    expect(es).toMatch(/\| elasticsearch +\| 3 +\| 1 \/ 2 +\| 4Gi \/ 4Gi +\| 260Gi +\|/);
    const bad = spawnSync(tsx, ["scripts/size.ts", "--seres", "5", "--spans-per-second", "-3", "--node-cpu", "0", "--nodes", "2.5"], { cwd: repo, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--seres: not a flag; allowed: --series,");
    expect(bad.stderr).toContain('--spans-per-second: "-3" is not a usable number; allowed: a number >= 0');
    expect(bad.stderr).toContain('--node-cpu: "0" is not a usable number; allowed: a number > 0');
    expect(bad.stderr).toContain('--nodes: "2.5" is not a usable number; allowed: a whole number > 0');
    expect(bad.stdout).toBe("");
  });
});

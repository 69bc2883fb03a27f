/**
 * `capacity.*` in the stack config: a stack file may give the expected load instead of raw sizes, and
 * the capacity model sizes the stack from it with the config's own retentions and replicas; keys the
 * stack file sets itself still win; a load or a request no node can hold is refused before anything
 * is created, naming the component's key.
 */
import { DEFAULTS, loadConfig, type StackConfig } from "../../components/config";
import { REFERENCE_LOAD, size, layoutOf, loadOf } from "../../components/capacity";
import { configProblems, devRaw, prodRaw } from "../helpers/mocks";

const prod = prodRaw;
const dev = devRaw;
const problems = configProblems;
const REFERENCE = { series: REFERENCE_LOAD.series, logsGbPerDay: REFERENCE_LOAD.logsGbPerDay, spansPerSecond: REFERENCE_LOAD.spansPerSecond, nodes: REFERENCE_LOAD.nodes };

describe("capacity.load", () => {
  it("is unset by default; the largest node defaults to 16 CPU and 64 GiB in both environments", () => {
    expect(loadConfig(prod()).capacity).toEqual({ largestNode: { cpu: 16, memoryGi: 64 } });
    expect(loadConfig(dev()).capacity).toEqual({ largestNode: { cpu: 16, memoryGi: 64 } });
  });

  it("the reference load on prod gives prod's defaults unchanged", () => {
    const withLoad = loadConfig(prod({ capacity: { load: REFERENCE } }));
    const without = loadConfig(prod());
    expect({ ...withLoad, capacity: undefined }).toEqual({ ...without, capacity: undefined });
  });

  it("four times the series and ten times the logs size Prometheus, Loki and Fluent Bit from the model", () => {
    const cfg = loadConfig(prod({ capacity: { load: { ...REFERENCE, series: 2_000_000, logsGbPerDay: 150 } } }));
    expect(cfg.prometheus.resources).toEqual({ requests: { cpu: "2350m", memory: "10Gi" }, limits: { cpu: "4700m", memory: "20Gi" } });
    expect(cfg.prometheus.storageGi).toBe(770);
    expect(cfg.prometheus.retentionSizeGi).toBe(654);
    expect(cfg.prometheus.estimatedGiPerDay).toBe(21.5);
    expect(cfg.loki.estimatedGiPerDay).toBe(17.5);
    expect(cfg.loki.storageGi).toBe(90); // 150 GB/day = 5.8 GiB an hour, 6 h twice ÷ 80 % = 87.3
    expect(cfg.logShipper.lokiBufferMb).toBe(40_448);
    // What the load does not touch keeps prod's value.
    expect(cfg.elasticsearch.storageGi).toBe(DEFAULTS.prod.elasticsearch.storageGi);
    expect(cfg.alertmanager).toEqual(DEFAULTS.prod.alertmanager);
  });

  it("takes the retentions, log classes and replicas from the same config: a year of metrics and one Prometheus", () => {
    const cfg = loadConfig(prod({ placement: { allowSharedFailureDomains: true }, prometheus: { retentionDays: 365, replicas: 1 }, thanos: { retention: { rawDays: 365 } }, capacity: { load: REFERENCE } }));
    expect(cfg.prometheus.storageGi).toBe(size({ ...REFERENCE_LOAD, metricsRetentionDays: 365 }).settings.prometheus.storageGi);
    expect(cfg.prometheus.storageGi).toBe(2330); // (5.4 × 365 + 2.2 WAL) ÷ 85 % = 2321.4
  });

  it("a key the stack file sets itself wins over the model", () => {
    const cfg = loadConfig(prod({ prometheus: { storageGi: 900, resources: { requests: { cpu: "3" } } }, capacity: { load: { ...REFERENCE, series: 2_000_000 } } }));
    expect(cfg.prometheus.storageGi).toBe(900);
    expect(cfg.prometheus.resources).toEqual({ requests: { cpu: "3", memory: "10Gi" }, limits: { cpu: "4700m", memory: "20Gi" } });
  });

  it("dev with a load: the model sizes the dev layout (one monolithic Loki on its volume, badger traces)", () => {
    const cfg = loadConfig(dev({ capacity: { load: { series: 50_000, logsGbPerDay: 1, spansPerSecond: 5, nodes: 3 } } }));
    const want = size(loadOf(cfg, cfg.capacity.load!), layoutOf(cfg)).settings;
    expect(cfg.loki.storageGi).toBe(want.loki.storageGi);
    expect(cfg.jaeger.storageGi).toBe(want.jaeger.storageGi);
    expect(cfg.jaeger.storage).toBe("badger");
    expect(cfg.loki.storageGi).toBe(10); // 0.2 GiB/day of chunks × 7 days + the WAL, ÷ 80 %
    expect(cfg.prometheus.storageGi).toBe(10);
  });

  it("refuses a load no node can hold, naming the component and its key, and sizes nothing", () => {
    const p = problems(prod({ capacity: { load: { ...REFERENCE, series: 30_000_000 } } }));
    expect(p).toEqual([
      'observability-stack:capacity.load: {"series":30000000,"logsGbPerDay":15,"spansPerSecond":20,"nodes":10} needs more than one node or claim holds: prometheus: needs 21 CPU per pod (prometheus.resources), more than the largest node (16); shard the scrape targets over more Prometheus pairs, or larger nodes; allowed: a load whose every pod fits capacity.largestNode (16 CPU, 64Gi)',
      'observability-stack:capacity.load: {"series":30000000,"logsGbPerDay":15,"spansPerSecond":20,"nodes":10} needs more than one node or claim holds: prometheus: needs 117Gi of memory per pod (prometheus.resources), more than the largest node (64Gi); shard the scrape targets over more Prometheus pairs, or larger nodes; allowed: a load whose every pod fits capacity.largestNode (16 CPU, 64Gi)',
    ]);
    // A larger node takes it.
    const big = loadConfig(prod({ capacity: { largestNode: { cpu: 96, memoryGi: 768 }, load: { ...REFERENCE, series: 30_000_000 } } }));
    expect(big.prometheus.resources.requests).toEqual({ cpu: "21", memory: "117Gi" });
    // A claim beyond the largest the stack makes is refused too, naming its key.
    expect(problems(prod({ capacity: { largestNode: { cpu: 96, memoryGi: 768 }, load: { ...REFERENCE, series: 90_000_000 } } }))).toEqual([
      'observability-stack:capacity.load: {"series":90000000,"logsGbPerDay":15,"spansPerSecond":20,"nodes":10} needs more than one node or claim holds: prometheus: needs a 34560Gi claim per pod (prometheus.storageGi), more than the largest claim the stack makes (16384Gi); a shorter retention, or shard the scrape targets over more Prometheus pairs, or larger nodes; allowed: a load whose every pod fits capacity.largestNode (96 CPU, 768Gi)',
    ]);
  });

  it("refuses a request above the largest node, set by hand, naming the key", () => {
    expect(problems(prod({ elasticsearch: { resources: { requests: { memory: "80Gi" }, limits: { memory: "80Gi" } }, heapMi: 30720 } }))).toEqual([
      'observability-stack:elasticsearch.resources.requests.memory: "80Gi" is more than the largest node\'s memory (observability-stack:capacity.largestNode.memoryGi: 64); allowed: <= 64Gi, or a larger capacity.largestNode when the cluster has such nodes',
    ]);
    expect(problems(prod({ capacity: { largestNode: { cpu: 1 } } }))).toEqual([
      'observability-stack:prometheus.resources.requests.cpu: "1350m" is more than the largest node\'s CPU (observability-stack:capacity.largestNode.cpu: 1); allowed: <= 1, or a larger capacity.largestNode when the cluster has such nodes',
    ]);
  });

  it("refuses a malformed load, naming the key and what is allowed", () => {
    const p = problems(prod({ capacity: { load: { series: -1, logsGbPerDay: 15, spansPerSecond: 20, nodes: 10, qps: 3 } } }));
    expect(p.some((x) => x.startsWith("observability-stack:capacity.load.series:"))).toBe(true);
    expect(p.some((x) => x.includes("capacity.load") && x.includes("qps"))).toBe(true);
    expect(problems(prod({ capacity: { load: { series: 5 } } })).some((x) => x.startsWith("observability-stack:capacity.load.logsGbPerDay:"))).toBe(true);
  });
});

// The type is used so a change to the sized keys shows here first.
export type _Sized = Pick<StackConfig, "prometheus" | "loki" | "elasticsearch" | "jaeger" | "logShipper" | "thanos">;

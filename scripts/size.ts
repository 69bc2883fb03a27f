/**
 * `npm run size -- --series N --logs-gb-per-day G --spans-per-second S [...]`: the capacity model
 * (components/capacity.ts) for a load on the prod layout. Prints, per pod kind, the replicas, CPU and
 * memory requests and limits per pod and the claim size, then the S3 growth per month per bucket and
 * Fluent Bit's buffer per node. Unset flags take the reference load the prod defaults are sized for.
 * Exits 2 on a bad flag or a load no node can hold.
 */
import { DEFAULT_NODE, Load, NodeSize, PROD_LAYOUT, REFERENCE_LOAD, UNIT_COSTS, size, sizeProblems } from "../components/capacity";

type NumericLoadKey = Exclude<keyof Load, "logClasses">;
const LOAD_FLAGS: Record<string, NumericLoadKey> = {
  "--series": "series",
  "--scrape-interval-seconds": "scrapeIntervalSeconds",
  "--metrics-retention-days": "metricsRetentionDays",
  "--logs-gb-per-day": "logsGbPerDay",
  "--logs-retention-days": "logsRetentionDays",
  "--spans-per-second": "spansPerSecond",
  "--traces-retention-days": "tracesRetentionDays",
  "--nodes": "nodes",
};
/** One class of raw logs indexed in Elasticsearch, instead of the reference load's three classes. */
const ES_FLAGS = ["--es-logs-gb-per-day", "--es-retention-days"] as const;
const NODE_FLAGS: Record<string, keyof NodeSize> = { "--node-cpu": "cpu", "--node-memory-gi": "memoryGi" };
const ZERO_OK = new Set(["--spans-per-second", "--es-logs-gb-per-day", "--logs-gb-per-day"]);
const INTEGER = new Set(["--nodes"]);

function parse(argv: string[]): { load: Load; node: NodeSize; problems: string[] } {
  const load: Load = { ...REFERENCE_LOAD };
  const node: NodeSize = { ...DEFAULT_NODE };
  const es: Partial<Record<(typeof ES_FLAGS)[number], number>> = {};
  const problems: string[] = [];
  const all = [...Object.keys(LOAD_FLAGS), ...ES_FLAGS, ...Object.keys(NODE_FLAGS)];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    if (!all.includes(flag)) {
      problems.push(`${flag}: not a flag; allowed: ${all.join(", ")}`);
      if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) i++;
      continue;
    }
    const raw = inline ?? argv[++i];
    const v = Number(raw);
    const zeroOk = ZERO_OK.has(flag);
    if (raw === undefined || raw === "" || !Number.isFinite(v) || v < 0 || (!zeroOk && v === 0) || (INTEGER.has(flag) && !Number.isInteger(v))) {
      problems.push(`${flag}: ${JSON.stringify(raw ?? null)} is not a usable number; allowed: ${INTEGER.has(flag) ? "a whole number" : "a number"} ${zeroOk ? ">= 0" : "> 0"}`);
      continue;
    }
    if (flag in LOAD_FLAGS) load[LOAD_FLAGS[flag]] = v;
    else if (flag in NODE_FLAGS) node[NODE_FLAGS[flag]] = v;
    else es[flag as (typeof ES_FLAGS)[number]] = v;
  }
  if (es["--es-logs-gb-per-day"] !== undefined || es["--es-retention-days"] !== undefined) {
    const gbPerDay = es["--es-logs-gb-per-day"] ?? 0;
    const days = es["--es-retention-days"] ?? 90;
    // Raw GB a day as indexed data on disk (Elastic's 1.1 × raw); a week on the hot tier.
    load.logClasses = { logs: { giPerDay: (gbPerDay * 1e9 * UNIT_COSTS.elasticsearchIndexOverhead) / 1024 ** 3, hotDays: Math.min(7, days), retentionDays: days } };
  }
  return { load, node, problems };
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`;
  return [line(head), `|${w.map((n) => "-".repeat(n + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

function main(): number {
  const { load, node, problems } = parse(process.argv.slice(2));
  if (problems.length === 0) {
    const sizing = size(load, PROD_LAYOUT);
    problems.push(...sizeProblems(sizing, node));
    if (problems.length === 0) {
      const pods = table(
        ["pod", "replicas", "cpu request / limit", "memory request / limit", "claim per pod"],
        sizing.pods.map((p) => [p.component, String(p.replicas), `${p.requests.cpu} / ${p.limits.cpu}`, `${p.requests.memory} / ${p.limits.memory}`, p.storageGi === undefined ? "-" : `${p.storageGi}Gi`]),
      );
      const s3 = table(
        ["bucket", "growth per month"],
        Object.entries(sizing.s3GiPerMonth).map(([bucket, gi]) => [bucket, `${gi} GiB`]),
      );
      const buffer = sizing.settings.logShipper.lokiBufferMb;
      process.stdout.write(
        `load: ${JSON.stringify(load)}\n\n${pods}\n\n${s3}\n\n` +
          `fluent-bit buffer for a Loki outage: ${buffer} MB per node (${UNIT_COSTS.lokiOutageHours} h of ${load.logsGbPerDay} GB/day over ${load.nodes} nodes)\n`,
      );
      return 0;
    }
  }
  process.stderr.write(`size: ${problems.join("\nsize: ")}\n`);
  return 2;
}

process.exitCode = main();

/**
 * `npm run size -- --series N --logs-gb-per-day G --spans-per-second S [...]`: the capacity model
 * (components/capacity.ts) for a load. Prints, per component, the replicas, CPU and memory requests
 * and limits per pod, the claim size and the S3 growth per month. Unset flags take the reference
 * load the prod defaults are sized for. Exits 2 on a bad flag or a load no node can hold.
 */
import { DEFAULT_NODE, Load, NodeSize, REFERENCE_LOAD, size, sizeProblems } from "../components/capacity";

const LOAD_FLAGS: Record<string, keyof Load> = {
  "--series": "series",
  "--scrape-interval-seconds": "scrapeIntervalSeconds",
  "--metrics-retention-days": "metricsRetentionDays",
  "--logs-gb-per-day": "logsGbPerDay",
  "--logs-retention-days": "logsRetentionDays",
  "--es-logs-gb-per-day": "elasticsearchLogsGbPerDay",
  "--es-retention-days": "elasticsearchRetentionDays",
  "--spans-per-second": "spansPerSecond",
  "--traces-retention-days": "tracesRetentionDays",
};
const NODE_FLAGS: Record<string, keyof NodeSize> = { "--node-cpu": "cpu", "--node-memory-gi": "memoryGi" };

function parse(argv: string[]): { load: Load; node: NodeSize; problems: string[] } {
  const load: Load = { ...REFERENCE_LOAD };
  const node: NodeSize = { ...DEFAULT_NODE };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const key = LOAD_FLAGS[flag] ?? NODE_FLAGS[flag];
    if (!key) {
      problems.push(`${flag}: not a flag; allowed: ${[...Object.keys(LOAD_FLAGS), ...Object.keys(NODE_FLAGS)].join(", ")}`);
      if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) i++;
      continue;
    }
    const raw = inline ?? argv[++i];
    const v = Number(raw);
    const zeroOk = flag === "--spans-per-second" || flag === "--es-logs-gb-per-day" || flag === "--logs-gb-per-day";
    if (raw === undefined || raw === "" || !Number.isFinite(v) || v < 0 || (!zeroOk && v === 0)) {
      problems.push(`${flag}: ${JSON.stringify(raw ?? null)} is not a usable number; allowed: a number ${zeroOk ? ">= 0" : "> 0"}`);
      continue;
    }
    if (flag in LOAD_FLAGS) load[key as keyof Load] = v;
    else node[key as keyof NodeSize] = v;
  }
  return { load, node, problems };
}

function main(): number {
  const { load, node, problems } = parse(process.argv.slice(2));
  if (problems.length === 0) {
    const sizing = size(load);
    problems.push(...sizeProblems(sizing, node));
    if (problems.length === 0) {
      const rows = Object.entries(sizing).map(([name, c]) => [
        name,
        String(c.replicas),
        `${c.requests.cpu} / ${c.limits.cpu}`,
        `${c.requests.memory} / ${c.limits.memory}`,
        c.storageGi === undefined ? "-" : `${c.storageGi}Gi`,
        c.s3GiPerMonth === undefined ? "-" : `${c.s3GiPerMonth} GiB`,
      ]);
      const head = ["component", "replicas", "cpu request / limit", "memory request / limit", "claim per pod", "S3 per month"];
      const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`;
      process.stdout.write(`load: ${JSON.stringify(load)}\n\n${[line(head), `|${w.map((n) => "-".repeat(n + 2)).join("|")}|`, ...rows.map(line)].join("\n")}\n`);
      return 0;
    }
  }
  process.stderr.write(`size: ${problems.join("\nsize: ")}\n`);
  return 2;
}

process.exit(main());

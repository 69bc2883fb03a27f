/**
 * Synthesises one environment's stack under Pulumi mocks in this process and prints one JSON line:
 * wall time, resource counts and the CPU/memory the stack requests. Run by bench/synth.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { quantityMi, quantityMilli } from "../components/config";
import { runProgram } from "../test/helpers/program";
import { prodOptions, RecordedResource } from "../test/helpers/mocks";

type Totals = { cpuMilli: number; memoryMi: number };

function podRequests(spec: any): Totals {
  const t = { cpuMilli: 0, memoryMi: 0 };
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    t.cpuMilli += quantityMilli(c.resources?.requests?.cpu ?? "0");
    t.memoryMi += quantityMi(c.resources?.requests?.memory ?? "0Mi");
  }
  return t;
}

/** Requests of the long-running workloads (Deployments, StatefulSets), and of DaemonSets per node. */
export function requested(resources: RecordedResource[]) {
  const workloads = { cpuMilli: 0, memoryMi: 0 };
  const perNode = { cpuMilli: 0, memoryMi: 0 };
  for (const r of resources) {
    const spec = r.inputs?.spec;
    if (r.type === "kubernetes:apps/v1:Deployment" || r.type === "kubernetes:apps/v1:StatefulSet") {
      const p = podRequests(spec?.template?.spec);
      const n = spec?.replicas ?? 1;
      workloads.cpuMilli += p.cpuMilli * n;
      workloads.memoryMi += p.memoryMi * n;
    } else if (r.type === "kubernetes:apps/v1:DaemonSet") {
      const p = podRequests(spec?.template?.spec);
      perNode.cpuMilli += p.cpuMilli;
      perNode.memoryMi += p.memoryMi;
    }
  }
  return { workloads, perNode };
}

async function main() {
  const env = process.argv[2];
  const opts = env === "prod" ? prodOptions() : { stack: env };
  const start = process.hrtime.bigint();
  const s = await runProgram(pulumi, opts, () => import("../index"));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const byType: Record<string, number> = {};
  for (const r of s.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  process.stdout.write(
    JSON.stringify({ env, ms, resources: s.resources.length, byType, requests: requested(s.resources), rssMi: process.memoryUsage().rss / 2 ** 20 }) + "\n",
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

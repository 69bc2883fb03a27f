/**
 * loki-no-single-replica: no Loki workload (the monolithic process, or any target of the scalable
 * deployment) runs a single replica.
 *
 * Severity: high. One Loki replica stops log ingestion (and queries) for every node drain and image
 * update: the reschedule, the volume re-attach and the WAL replay. The scalable mode (`loki.mode`
 * "scalable") runs each target replicated, behind PodDisruptionBudgets. Prod only: objects labeled
 * with another environment are not checked.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentsSchema, inEnvironments, readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, kindOf, labelsOf, objectName, podTemplateOf } from "../lib/k8s";

export interface LokiNoSingleReplicaConfig {
  /** Environments (the objects' environment label) the rule applies to. */
  environments: string[];
}

export const lokiNoSingleReplicaDefaults: LokiNoSingleReplicaConfig = { environments: ["prod"] };

const WORKLOADS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:ReplicaSet"];

/** The Loki target its containers run (`-target=...`); Loki's default is "all". */
function targetOf(podSpec: Record<string, unknown>): string {
  for (const c of asArray(podSpec.containers)) {
    for (const a of asArray(asObj(c)?.args)) {
      if (typeof a === "string" && a.startsWith("-target=")) return a.slice("-target=".length);
    }
  }
  return "all";
}

export const lokiNoSingleReplica: ResourceValidationPolicy = {
  name: "loki-no-single-replica",
  description: "No Loki workload (monolithic, or a write, read or backend target) runs a single replica.",
  severity: "high",
  configSchema: { properties: { environments: { ...environmentsSchema, default: lokiNoSingleReplicaDefaults.environments } } },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!WORKLOADS.includes(args.type)) return;
    const cfg = readConfig(args, lokiNoSingleReplicaDefaults);
    if (!inEnvironments(labelsOf(args.props), cfg.environments)) return;
    if (appNameOf(args.type, args.props) !== "loki") return;
    const replicas = asObj(args.props.spec)?.replicas ?? 1;
    if (typeof replicas !== "number" || replicas >= 2) return;
    const target = targetOf(podTemplateOf(args.type, args.props)?.spec ?? {});
    reportViolation(
      `${kindOf(args.type)} "${objectName(args.props, args.name)}" runs Loki's ${target === "all" ? "monolithic process" : `${target} target`} as ${replicas} replica; ` +
        `a node drain or an image update stops it. Allowed: at least 2 replicas of every target (loki.mode "scalable")`,
    );
  },
};

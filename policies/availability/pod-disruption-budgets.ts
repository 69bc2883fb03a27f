/**
 * pod-disruption-budgets: every replicated workload has a PodDisruptionBudget that selects its pods
 * and lets a node drain proceed.
 *
 * Severity: medium. Without a PDB a node drain may evict every replica at once; a PDB with
 * maxUnavailable 0 (or minAvailable = replicas) blocks drains forever. Prod only: workloads
 * labeled with another environment are not checked.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { environmentsSchema, inEnvironments, readConfig } from "../lib/config";
import { asObj, kindOf, labelsOf, namespaceOf, objectName, podTemplateOf } from "../lib/k8s";

export interface PodDisruptionBudgetsConfig {
  /** Workloads with at least this many replicas need a PDB. */
  minReplicas: number;
  /** Environments (the workloads' environment label) the rule applies to. */
  environments: string[];
}

export const podDisruptionBudgetsDefaults: PodDisruptionBudgetsConfig = { minReplicas: 2, environments: ["prod"] };

const REPLICATED = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];
const PDB_TYPES = ["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"];

function selects(pdb: PolicyResource, podLabels: Record<string, unknown>): boolean {
  const selector = asObj(asObj(pdb.props.spec)?.selector) ?? {};
  const match = asObj(selector.matchLabels) ?? {};
  if (Object.keys(match).length === 0 && !selector.matchExpressions) return false;
  if (selector.matchExpressions) return false; // not used by this stack; do not guess
  return Object.entries(match).every(([k, v]) => podLabels[k] === v);
}

export const podDisruptionBudgets: StackValidationPolicy = {
  name: "pod-disruption-budgets",
  description: "Every Deployment and StatefulSet with two or more replicas has a PodDisruptionBudget selecting its pods that still allows one eviction.",
  severity: "medium",
  configSchema: {
    properties: {
      minReplicas: { type: "integer", minimum: 1, default: podDisruptionBudgetsDefaults.minReplicas },
      environments: { ...environmentsSchema, default: podDisruptionBudgetsDefaults.environments },
    },
  },
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const cfg = readConfig(args, podDisruptionBudgetsDefaults);
    const pdbs = args.resources.filter((r) => PDB_TYPES.includes(r.type));
    for (const w of args.resources) {
      if (!REPLICATED.includes(w.type) || !inEnvironments(labelsOf(w.props), cfg.environments)) continue;
      const replicas = asObj(w.props.spec)?.replicas ?? 1;
      if (typeof replicas !== "number" || replicas < cfg.minReplicas) continue;
      const podLabels = asObj(podTemplateOf(w.type, w.props)?.metadata?.labels) ?? {};
      const label = `${kindOf(w.type)} "${objectName(w.props, w.name)}" (${replicas} replicas)`;
      const ns = namespaceOf(w.props);
      const matching = pdbs.filter((p) => namespaceOf(p.props) === ns && selects(p, podLabels));
      if (matching.length === 0) {
        reportViolation(`${label} has no PodDisruptionBudget selecting its pods`, w.urn);
        continue;
      }
      for (const p of matching) {
        const spec = asObj(p.props.spec) ?? {};
        const blocks = spec.maxUnavailable === 0 || spec.maxUnavailable === "0%" || (typeof spec.minAvailable === "number" && spec.minAvailable >= replicas) || spec.minAvailable === "100%";
        if (blocks) reportViolation(`${label}: PodDisruptionBudget "${objectName(p.props, p.name)}" allows no eviction; node drains would hang`, w.urn);
      }
    }
  },
};

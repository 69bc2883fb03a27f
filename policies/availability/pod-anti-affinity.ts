/**
 * pod-anti-affinity: the replicas of the components that must survive a node loss never share a
 * node: a required pod anti-affinity on kubernetes.io/hostname that selects their own pods.
 *
 * Severity: high. With only a preferred anti-affinity the scheduler may put two Elasticsearch
 * master-eligible nodes, two Alertmanagers or both Prometheus replicas on one node, and one node
 * failure takes them together. A workload annotated
 * `observability-stack/shared-failure-domains: allowed` (the stack's
 * placement.allowSharedFailureDomains, for a cluster with fewer nodes than replicas) is not checked.
 * Prod only: objects labeled with another environment are not checked.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentsSchema, inEnvironments, readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, kindOf, labelsOf } from "../lib/k8s";
import { replicated, selectsPods } from "../lib/placement";

export interface PodAntiAffinityConfig {
  /** app.kubernetes.io/name of the components whose replicas must be on separate nodes. */
  apps: string[];
  /** Environments (the objects' environment label) the rule applies to. */
  environments: string[];
}

export const podAntiAffinityDefaults: PodAntiAffinityConfig = { apps: ["elasticsearch", "alertmanager", "prometheus"], environments: ["prod"] };

const HOSTNAME = "kubernetes.io/hostname";

export const podAntiAffinity: ResourceValidationPolicy = {
  name: "pod-anti-affinity",
  description: "Replicated Elasticsearch, Alertmanager and Prometheus pods have a required anti-affinity on kubernetes.io/hostname selecting their own pods.",
  severity: "high",
  configSchema: {
    properties: {
      apps: { type: "array", items: { type: "string" }, default: podAntiAffinityDefaults.apps },
      environments: { ...environmentsSchema, default: podAntiAffinityDefaults.environments },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const w = replicated(args.type, args.props);
    if (!w || w.replicas < 2 || w.sharingAllowed) return;
    const cfg = readConfig(args, podAntiAffinityDefaults);
    if (!inEnvironments(labelsOf(args.props), cfg.environments)) return;
    const app = appNameOf(args.type, args.props);
    if (app === undefined || !cfg.apps.includes(app)) return;
    const anti = asObj(asObj(w.podSpec.affinity)?.podAntiAffinity) ?? {};
    const onHost = (t: unknown) => asObj(t)?.topologyKey === HOSTNAME && selectsPods(asObj(t)?.labelSelector, w.podLabels);
    if (asArray(anti.requiredDuringSchedulingIgnoredDuringExecution).some(onHost)) return;
    const label = `${kindOf(args.type)} of "${app}" (${w.replicas} replicas)`;
    if (asArray(anti.preferredDuringSchedulingIgnoredDuringExecution).some((p) => onHost(asObj(p)?.podAffinityTerm))) {
      reportViolation(`${label}: the anti-affinity on ${HOSTNAME} is only preferred; two replicas could share a node (allowed: requiredDuringSchedulingIgnoredDuringExecution)`);
    } else {
      reportViolation(`${label} has no required anti-affinity on ${HOSTNAME} selecting its pods; two replicas could share a node`);
    }
  },
};

/**
 * default-deny-network-policy: every namespace of the stack has a NetworkPolicy that selects every
 * pod and denies all ingress and egress, so a pod talks only through its component's own policy.
 *
 * Severity: high. Without it, a pod that no policy selects (a new component, a debug pod, a Job)
 * may reach and be reached by anything, the API server and the internet included.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asArray, asObj, namespaceOf, objectName } from "../lib/k8s";

const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** podSelector {}, policyTypes Ingress and Egress, no rule. */
function deniesAll(p: PolicyResource): boolean {
  const spec = asObj(p.props.spec) ?? {};
  const selector = asObj(spec.podSelector) ?? {};
  const everyPod = Object.keys(asObj(selector.matchLabels) ?? {}).length === 0 && asArray(selector.matchExpressions).length === 0;
  const types = asArray(spec.policyTypes);
  return everyPod && types.includes("Ingress") && types.includes("Egress") && asArray(spec.ingress).length === 0 && asArray(spec.egress).length === 0;
}

export const defaultDenyNetworkPolicy: StackValidationPolicy = {
  name: "default-deny-network-policy",
  description: "Every namespace of the stack has a NetworkPolicy selecting every pod that denies all ingress and egress.",
  severity: "high",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const policies = args.resources.filter((r) => r.type === NETPOL);
    for (const ns of args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace")) {
      const name = objectName(ns.props, ns.name);
      if (!policies.some((p) => namespaceOf(p.props) === name && deniesAll(p))) {
        reportViolation(`namespace "${name}" has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)`, ns.urn);
      }
    }
  },
};

import { defaultDenyNetworkPolicy } from "../../../policies/security/default-deny-network-policy";
import { assertStackViolations, stackArgs } from "../helpers";

describe("default-deny-network-policy", () => {
  const ns = (name: string) => ({ type: "kubernetes:core/v1:Namespace", name, props: { metadata: { name } } });
  const deny = (namespace: string, spec: Record<string, unknown> = {}) => ({
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    name: `${namespace}-default-deny`,
    props: { metadata: { name: "default-deny", namespace }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ...spec } },
  });

  test("compliant: a deny-all policy in each namespace", () =>
    assertStackViolations(defaultDenyNetworkPolicy, stackArgs([ns("observability"), ns("observability-agents"), deny("observability"), deny("observability-agents")]), []));

  test("a namespace without one", () =>
    assertStackViolations(defaultDenyNetworkPolicy, stackArgs([ns("observability"), ns("observability-agents"), deny("observability")]), [
      {
        message: 'namespace "observability-agents" has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)',
        urn: "urn:pulumi:test::observability-stack::kubernetes:core/v1:Namespace::observability-agents",
      },
    ]));

  test("ingress only, a selector, or a rule: not a default-deny", async () => {
    const message = 'namespace "observability" has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)';
    const urn = "urn:pulumi:test::observability-stack::kubernetes:core/v1:Namespace::observability";
    for (const spec of [{ policyTypes: ["Ingress"] }, { podSelector: { matchLabels: { app: "x" } } }, { egress: [{ to: [{ namespaceSelector: {} }] }] }]) {
      await assertStackViolations(defaultDenyNetworkPolicy, stackArgs([ns("observability"), deny("observability", spec)]), [{ message, urn }]);
    }
  });
});

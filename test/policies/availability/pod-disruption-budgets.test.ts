import { podDisruptionBudgets } from "../../../policies/availability/pod-disruption-budgets";
import { labels, prometheus, workload } from "../fixtures";
import { assertNoStackViolations, assertStackViolations, stackArgs } from "../helpers";

describe("pod-disruption-budgets", () => {
  const pdb = (app: string, spec: Record<string, unknown> = { maxUnavailable: 1 }) => ({
    type: "kubernetes:policy/v1:PodDisruptionBudget",
    name: `${app}-pdb`,
    props: { metadata: { name: app, namespace: "observability", labels: labels(app) }, spec: { selector: { matchLabels: { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app } }, ...spec } },
  });
  const urn = "urn:pulumi:test::observability-stack::kubernetes:apps/v1:StatefulSet::prometheus";
  test("compliant: a PDB selecting the pods", () => assertNoStackViolations(podDisruptionBudgets, stackArgs([prometheus(), pdb("prometheus")])));
  test("single-replica workloads need none", () => assertNoStackViolations(podDisruptionBudgets, stackArgs([workload("Deployment", "grafana", [])])));
  test("workloads of another environment are not checked", () => {
    const f = prometheus();
    f.props.metadata.labels = { ...f.props.metadata.labels, environment: "dev" };
    return assertNoStackViolations(podDisruptionBudgets, stackArgs([f]));
  });
  test("no PDB", () => assertStackViolations(podDisruptionBudgets, stackArgs([prometheus()]), [{ message: 'StatefulSet "prometheus" (2 replicas) has no PodDisruptionBudget selecting its pods', urn }]));
  test("a PDB selecting other pods", () =>
    assertStackViolations(podDisruptionBudgets, stackArgs([prometheus(), pdb("alertmanager")]), [{ message: 'StatefulSet "prometheus" (2 replicas) has no PodDisruptionBudget selecting its pods', urn }]));
  test("a PDB in another namespace", () => {
    const p = pdb("prometheus");
    p.props.metadata.namespace = "default";
    return assertStackViolations(podDisruptionBudgets, stackArgs([prometheus(), p]), [{ message: 'StatefulSet "prometheus" (2 replicas) has no PodDisruptionBudget selecting its pods', urn }]);
  });
  test("a PDB that allows no eviction", () =>
    assertStackViolations(podDisruptionBudgets, stackArgs([prometheus(), pdb("prometheus", { minAvailable: 2 })]), [
      { message: 'StatefulSet "prometheus" (2 replicas): PodDisruptionBudget "prometheus" allows no eviction; node drains would hang', urn },
    ]));
});

import { minimumReplicas } from "../../policies/availability/minimum-replicas";
import { persistentStorage } from "../../policies/availability/persistent-storage";
import { podDisruptionBudgets } from "../../policies/availability/pod-disruption-budgets";
import { alertmanager, container, labels, prometheus, workload } from "./fixtures";
import { assertNoStackViolations, assertResourceViolations, assertStackViolations, resourceArgs, stackArgs } from "./helpers";

const PROTECTED = { protect: true };

describe("minimum-replicas", () => {
  test("compliant: two Prometheus, three Alertmanager", async () => {
    await assertResourceViolations(minimumReplicas, resourceArgs(prometheus()), []);
    await assertResourceViolations(minimumReplicas, resourceArgs(alertmanager()), []);
  });
  test("one Prometheus", () => {
    const f = prometheus();
    f.props.spec.replicas = 1;
    return assertResourceViolations(minimumReplicas, resourceArgs(f), ['StatefulSet of "prometheus" runs 1 replica; allowed: at least 2']);
  });
  test("replicas unset means one", () => {
    const f = alertmanager();
    delete (f.props.spec as { replicas?: number }).replicas;
    return assertResourceViolations(minimumReplicas, resourceArgs(f), ['StatefulSet of "alertmanager" runs 1 replica; allowed: at least 3']);
  });
  test("apps not listed are not checked", () => assertResourceViolations(minimumReplicas, resourceArgs(workload("Deployment", "grafana", [])), []));
  test("objects of another environment are not checked", () => {
    const f = prometheus();
    f.props.spec.replicas = 1;
    f.props.metadata.labels = { ...f.props.metadata.labels, environment: "dev" };
    return assertResourceViolations(minimumReplicas, resourceArgs(f), []);
  });
});

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

describe("persistent-storage", () => {
  test("compliant: claims retained, protected", () => assertResourceViolations(persistentStorage, resourceArgs({ ...prometheus(), opts: PROTECTED }), []));
  test("not protected", () => assertResourceViolations(persistentStorage, resourceArgs(prometheus()), ['StatefulSet of "prometheus" is not protected; register it with protect: true']));
  test("no volumeClaimTemplates", () => {
    const f = prometheus();
    delete (f.props.spec as { volumeClaimTemplates?: unknown }).volumeClaimTemplates;
    return assertResourceViolations(persistentStorage, resourceArgs({ ...f, opts: PROTECTED }), ['StatefulSet of "prometheus" has no volumeClaimTemplates; its data would not survive a reschedule']);
  });
  test("claims deleted with the StatefulSet", () => {
    const f = prometheus();
    f.props.spec.persistentVolumeClaimRetentionPolicy.whenDeleted = "Delete";
    return assertResourceViolations(persistentStorage, resourceArgs({ ...f, opts: PROTECTED }), [
      'StatefulSet of "prometheus": persistentVolumeClaimRetentionPolicy.whenDeleted is "Delete"; allowed: "Retain"',
    ]);
  });
  test("a stateful Deployment on an emptyDir", () =>
    assertResourceViolations(
      persistentStorage,
      resourceArgs({ ...workload("Deployment", "grafana", [container("grafana", "docker.io/grafana/grafana:13.2.3")], {}, { volumes: [{ name: "data", emptyDir: {} }] }), opts: PROTECTED }),
      ['Deployment of "grafana" mounts no PersistentVolumeClaim; its data would not survive a reschedule'],
    ));
  test("a stateful Deployment on a protected claim", async () => {
    const claim = { type: "kubernetes:core/v1:PersistentVolumeClaim", props: { metadata: { name: "grafana", labels: labels("grafana") }, spec: {} } };
    await assertResourceViolations(persistentStorage, resourceArgs({ ...claim, opts: PROTECTED }), []);
    await assertResourceViolations(persistentStorage, resourceArgs(claim), ['PersistentVolumeClaim of "grafana" is not protected; register it with protect: true']);
    await assertResourceViolations(
      persistentStorage,
      resourceArgs({ ...workload("Deployment", "grafana", [], {}, { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "grafana" } }] }), opts: PROTECTED }),
      [],
    );
  });
  test("stateless apps are not checked", () => assertResourceViolations(persistentStorage, resourceArgs(workload("Deployment", "jaeger", [])), []));
  test("objects of another environment are not checked", () => {
    const f = prometheus();
    f.props.metadata.labels = { ...f.props.metadata.labels, environment: "dev" };
    return assertResourceViolations(persistentStorage, resourceArgs(f), []);
  });
});

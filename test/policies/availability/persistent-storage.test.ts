import { persistentStorage } from "../../../policies/availability/persistent-storage";
import { container, labels, prometheus, workload } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

const PROTECTED = { protect: true };

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
  test("Loki's read target holds no data; any other Loki Deployment must", async () => {
    const loki = (args: string[]) => workload("Deployment", "loki", [{ ...container("loki", "docker.io/grafana/loki:3.7.8"), args }], {}, { volumes: [{ name: "data", emptyDir: {} }] });
    await assertResourceViolations(persistentStorage, resourceArgs({ ...loki(["-config.file=/etc/loki/loki.yaml", "-target=read"]), opts: PROTECTED }), []);
    await assertResourceViolations(persistentStorage, resourceArgs({ ...loki(["-config.file=/etc/loki/loki.yaml", "-target=write"]), opts: PROTECTED }), [
      'Deployment of "loki" mounts no PersistentVolumeClaim; its data would not survive a reschedule',
    ]);
  });
  test("stateless apps are not checked", () => assertResourceViolations(persistentStorage, resourceArgs(workload("Deployment", "jaeger", [])), []));
  test("objects of another environment are not checked", () => {
    const f = prometheus();
    f.props.metadata.labels = { ...f.props.metadata.labels, environment: "dev" };
    return assertResourceViolations(persistentStorage, resourceArgs(f), []);
  });
  test("claims deleted on scale-down", () => {
    const f = prometheus();
    f.props.spec.persistentVolumeClaimRetentionPolicy.whenScaled = "Delete";
    return assertResourceViolations(persistentStorage, resourceArgs({ ...f, opts: PROTECTED }), [
      'StatefulSet of "prometheus": persistentVolumeClaimRetentionPolicy.whenScaled is "Delete"; allowed: "Retain"',
    ]);
  });
});

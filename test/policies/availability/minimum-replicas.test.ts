import { minimumReplicas } from "../../../policies/availability/minimum-replicas";
import { alertmanager, prometheus, workload } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

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
  test("two Alertmanager replicas of three", () => {
    const f = alertmanager();
    f.props.spec.replicas = 2;
    return assertResourceViolations(minimumReplicas, resourceArgs(f), ['StatefulSet of "alertmanager" runs 2 replicas; allowed: at least 3']);
  });
});

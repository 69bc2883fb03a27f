import { SHARED_FAILURE_DOMAINS_ANNOTATION as STACK_ANNOTATION } from "../../../components/common";
import { podAntiAffinity } from "../../../policies/availability/pod-anti-affinity";
import { SHARED_FAILURE_DOMAINS_ANNOTATION } from "../../../policies/lib/placement";
import { alertmanager, prometheus, workload, type Fixture } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

const pods = (app: string) => ({ matchLabels: { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app } });
const term = (app: string, topologyKey = "kubernetes.io/hostname") => ({ topologyKey, labelSelector: pods(app) });

/** A compliant fixture: required anti-affinity on the hostname, selecting its own pods. */
function spread(f: Fixture, affinity: Record<string, unknown> = { requiredDuringSchedulingIgnoredDuringExecution: [term(f.name)] }): Fixture {
  f.props.spec.template.spec.affinity = { podAntiAffinity: affinity };
  return f;
}

describe("pod-anti-affinity", () => {
  test("compliant: Prometheus and Alertmanager with a required anti-affinity on the hostname", async () => {
    await assertResourceViolations(podAntiAffinity, resourceArgs(spread(prometheus())), []);
    await assertResourceViolations(podAntiAffinity, resourceArgs(spread(alertmanager())), []);
  });
  test("no anti-affinity", () => {
    const f = prometheus();
    return assertResourceViolations(podAntiAffinity, resourceArgs(f), ['StatefulSet of "prometheus" (2 replicas) has no required anti-affinity on kubernetes.io/hostname selecting its pods; two replicas could share a node']);
  });
  test("only preferred", () =>
    assertResourceViolations(podAntiAffinity, resourceArgs(spread(alertmanager(), { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term("alertmanager") }] })), [
      'StatefulSet of "alertmanager" (3 replicas): the anti-affinity on kubernetes.io/hostname is only preferred; two replicas could share a node (allowed: requiredDuringSchedulingIgnoredDuringExecution)',
    ]));
  test("required, but on zones only", () =>
    assertResourceViolations(podAntiAffinity, resourceArgs(spread(prometheus(), { requiredDuringSchedulingIgnoredDuringExecution: [term("prometheus", "topology.kubernetes.io/zone")] })), [
      'StatefulSet of "prometheus" (2 replicas) has no required anti-affinity on kubernetes.io/hostname selecting its pods; two replicas could share a node',
    ]));
  test("required, but selecting another app's pods", () =>
    assertResourceViolations(podAntiAffinity, resourceArgs(spread(prometheus(), { requiredDuringSchedulingIgnoredDuringExecution: [term("alertmanager")] })), [
      'StatefulSet of "prometheus" (2 replicas) has no required anti-affinity on kubernetes.io/hostname selecting its pods; two replicas could share a node',
    ]));
  test("a single replica, apps not listed, another environment: not checked", async () => {
    const one = prometheus();
    one.props.spec.replicas = 1;
    await assertResourceViolations(podAntiAffinity, resourceArgs(one), []);
    await assertResourceViolations(podAntiAffinity, resourceArgs(workload("Deployment", "grafana", [], { replicas: 2 })), []);
    const dev = prometheus();
    dev.props.metadata.labels = { ...dev.props.metadata.labels, environment: "dev" };
    await assertResourceViolations(podAntiAffinity, resourceArgs(dev), []);
  });
  test("sharing allowed by the stack's config (the annotation the stack sets): not checked", async () => {
    expect(SHARED_FAILURE_DOMAINS_ANNOTATION).toBe(STACK_ANNOTATION);
    const f = prometheus();
    f.props.metadata.annotations = { [SHARED_FAILURE_DOMAINS_ANNOTATION]: "allowed" };
    await assertResourceViolations(podAntiAffinity, resourceArgs(f), []);
  });
});

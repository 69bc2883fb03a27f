import { zoneTopologySpread } from "../../../policies/availability/zone-topology-spread";
import { SHARED_FAILURE_DOMAINS_ANNOTATION } from "../../../policies/lib/placement";
import { alertmanager, prometheus, type Fixture } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

const ZONE = "topology.kubernetes.io/zone";

/** A compliant fixture: spread over zones, maxSkew 1, DoNotSchedule, selecting its own pods. */
function spread(f: Fixture, over: Record<string, unknown> = {}): Fixture {
  const labelSelector = { matchLabels: { "app.kubernetes.io/name": f.name, "app.kubernetes.io/instance": f.name } };
  f.props.spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: "DoNotSchedule", labelSelector, ...over }];
  return f;
}

describe("zone-topology-spread", () => {
  test("compliant: Prometheus and Alertmanager spread over zones", async () => {
    await assertResourceViolations(zoneTopologySpread, resourceArgs(spread(prometheus())), []);
    await assertResourceViolations(zoneTopologySpread, resourceArgs(spread(alertmanager())), []);
  });
  test("no spread", () =>
    assertResourceViolations(zoneTopologySpread, resourceArgs(alertmanager()), [
      'StatefulSet of "alertmanager" (3 replicas) has no topology spread over topology.kubernetes.io/zone selecting its pods; its replicas could crowd one zone',
    ]));
  test("a spread over hostnames only", () =>
    assertResourceViolations(zoneTopologySpread, resourceArgs(spread(prometheus(), { topologyKey: "kubernetes.io/hostname" })), [
      'StatefulSet of "prometheus" (2 replicas) has no topology spread over topology.kubernetes.io/zone selecting its pods; its replicas could crowd one zone',
    ]));
  test("ScheduleAnyway", () =>
    assertResourceViolations(zoneTopologySpread, resourceArgs(spread(prometheus(), { whenUnsatisfiable: "ScheduleAnyway" })), [
      'StatefulSet of "prometheus" (2 replicas): the spread over topology.kubernetes.io/zone is ScheduleAnyway; its replicas could crowd one zone (allowed: DoNotSchedule)',
    ]));
  test("a skew of 2", () =>
    assertResourceViolations(zoneTopologySpread, resourceArgs(spread(alertmanager(), { maxSkew: 2 })), ['StatefulSet of "alertmanager" (3 replicas): the spread over topology.kubernetes.io/zone has maxSkew 2; allowed: 1']));
  test("another zone label, configured", async () => {
    const f = spread(prometheus(), { topologyKey: "example.com/zone" });
    await assertResourceViolations(zoneTopologySpread, resourceArgs(f, { zoneLabel: "example.com/zone" }), []);
  });
  test("sharing allowed by the stack's config, a single replica, another environment: not checked", async () => {
    const allowed = prometheus();
    allowed.props.metadata.annotations = { [SHARED_FAILURE_DOMAINS_ANNOTATION]: "allowed" };
    await assertResourceViolations(zoneTopologySpread, resourceArgs(allowed), []);
    const one = prometheus();
    one.props.spec.replicas = 1;
    await assertResourceViolations(zoneTopologySpread, resourceArgs(one), []);
    const dev = alertmanager();
    dev.props.metadata.labels = { ...dev.props.metadata.labels, environment: "dev" };
    await assertResourceViolations(zoneTopologySpread, resourceArgs(dev), []);
  });
});

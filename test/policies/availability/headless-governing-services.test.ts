import { headlessGoverningServices } from "../../../policies/availability/headless-governing-services";
import { container, workload } from "../fixtures";
import { assertStackViolations, stackArgs } from "../helpers";

describe("headless-governing-services", () => {
  const sts = workload("StatefulSet", "prometheus", [container("prometheus", "quay.io/prometheus/prometheus:v3.16.0")], { serviceName: "prometheus" });
  const service = (name: string, spec: Record<string, unknown>, namespace = "observability") => ({
    type: "kubernetes:core/v1:Service",
    name: `${name}-service`,
    props: { metadata: { name, namespace }, spec: { selector: { "app.kubernetes.io/name": "prometheus" }, ...spec } },
  });
  const urn = "urn:pulumi:test::observability-stack::kubernetes:apps/v1:StatefulSet::prometheus";

  test("compliant: a headless governing Service, a ClusterIP one beside it for queries", () =>
    assertStackViolations(headlessGoverningServices, stackArgs([sts, service("prometheus", { clusterIP: "None" }), service("prometheus-query", { sessionAffinity: "ClientIP" })]), []));

  test("a ClusterIP governing Service", () =>
    assertStackViolations(headlessGoverningServices, stackArgs([sts, service("prometheus", {})]), [
      { message: 'StatefulSet "prometheus" is governed by Service "prometheus", which is not headless (clusterIP "None")', urn },
    ]));

  test("a governing Service the stack does not define (or in another namespace)", () =>
    assertStackViolations(headlessGoverningServices, stackArgs([sts, service("prometheus", { clusterIP: "None" }, "elsewhere")]), [
      { message: 'StatefulSet "prometheus" is governed by Service "prometheus", which the stack does not define', urn },
    ]));
});

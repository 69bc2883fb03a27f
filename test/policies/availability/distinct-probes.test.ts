import { distinctProbes } from "../../../policies/availability/distinct-probes";
import { container, workload } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("distinct-probes", () => {
  const ready = { httpGet: { path: "/ready", port: "http-metrics" }, periodSeconds: 10 };
  const loki = (livenessProbe: Record<string, unknown> | undefined, readinessProbe: Record<string, unknown> | undefined = ready) =>
    workload("StatefulSet", "loki", [container("loki", "docker.io/grafana/loki:3.7.8", { readinessProbe, ...(livenessProbe ? { livenessProbe } : {}) })]);

  test("compliant: ready on /ready, alive on a cheap endpoint", () =>
    assertResourceViolations(distinctProbes, resourceArgs(loki({ httpGet: { path: "/loki/api/v1/status/buildinfo", port: "http-metrics" } })), []));

  test("compliant: a liveness probe without a readiness probe", () => assertResourceViolations(distinctProbes, resourceArgs(loki({ tcpSocket: { port: 3100 } }, undefined)), []));

  test("the same check with other timings is the same check", () =>
    assertResourceViolations(distinctProbes, resourceArgs(loki({ ...ready, periodSeconds: 30, failureThreshold: 10 })), [
      'container "loki" checks httpGet /ready on http-metrics for both readiness and liveness; a failure to serve would restart it',
    ]));

  test("no liveness probe (a reloader sidecar)", () => {
    const f = loki({ tcpSocket: { port: 3100 } });
    f.props.spec.template.spec.containers.push(container("config-reloader", "quay.io/prometheus-operator/prometheus-config-reloader:v0.85.0", { readinessProbe: { httpGet: { path: "/healthz", port: "reloader" } } }));
    return assertResourceViolations(distinctProbes, resourceArgs(f), ['container "config-reloader" has no liveness probe']);
  });

  test("Jobs are not checked: they end by themselves", () =>
    assertResourceViolations(distinctProbes, resourceArgs({ ...loki(undefined), type: "kubernetes:batch/v1:Job" }), []));
});

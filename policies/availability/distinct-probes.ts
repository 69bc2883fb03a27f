/**
 * distinct-probes: every long-running container has a liveness probe, and its readiness probe, when
 * it has one, checks something else.
 *
 * Severity: medium. A liveness probe that is the readiness probe restarts a pod whenever it cannot
 * serve, for a reason a restart does not fix (a ring, a backend, a cluster being down): every
 * replica restarts at once. A container without liveness probe hangs for ever.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asObj, containersOf, podTemplateOf } from "../lib/k8s";

const LONG_RUNNING = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet"];

/** The probe's check, without its timings: what it asks, where. */
function check(probe: Record<string, unknown>): string {
  const { httpGet, tcpSocket, exec, grpc } = probe;
  return JSON.stringify({ httpGet, tcpSocket, exec, grpc });
}

function describe(probe: Record<string, unknown>): string {
  const h = asObj(probe.httpGet);
  if (h) return `httpGet ${h.path ?? "/"} on ${h.port}`;
  const t = asObj(probe.tcpSocket);
  if (t) return `tcpSocket on ${t.port}`;
  if (probe.exec) return "the same exec command";
  return "the same check";
}

export const distinctProbes: ResourceValidationPolicy = {
  name: "distinct-probes",
  description: "Every container of a Deployment, StatefulSet or DaemonSet has a liveness probe that checks something other than its readiness probe.",
  severity: "medium",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!LONG_RUNNING.includes(args.type)) return;
    const t = podTemplateOf(args.type, args.props);
    if (!t) return;
    for (const c of containersOf(t.spec)) {
      if (c.role !== "container") continue;
      const liveness = asObj(c.container.livenessProbe);
      const readiness = asObj(c.container.readinessProbe);
      if (!liveness) {
        reportViolation(`container "${c.name}" has no liveness probe`);
        continue;
      }
      if (readiness && check(readiness) === check(liveness)) {
        reportViolation(`container "${c.name}" checks ${describe(liveness)} for both readiness and liveness; a failure to serve would restart it`);
      }
    }
  },
};

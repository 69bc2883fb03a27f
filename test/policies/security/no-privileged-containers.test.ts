import { noPrivilegedContainers } from "../../../policies/security/no-privileged-containers";
import { container, prometheus, workload, container0 } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("no-privileged-containers", () => {
  test("compliant: non-root, no escalation", () => assertResourceViolations(noPrivilegedContainers, resourceArgs(prometheus()), []));
  test("privileged", () => {
    const f = prometheus();
    container0(f).securityContext.privileged = true;
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "prometheus" is privileged']);
  });
  test("privilege escalation", () => {
    const f = prometheus();
    container0(f).securityContext.allowPrivilegeEscalation = true;
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "prometheus" allows privilege escalation']);
  });
  test("a dangerous capability", () => {
    const f = prometheus();
    container0(f).securityContext.capabilities = { add: ["SYS_ADMIN", "NET_BIND_SERVICE"] };
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "prometheus" adds the capabilities SYS_ADMIN']);
  });
  test("root", () => {
    const f = prometheus();
    container0(f).securityContext.runAsUser = 0;
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "prometheus" runs as root (runAsUser 0)']);
  });
  test("nothing says non-root", () => {
    const f = workload("Deployment", "grafana", [{ ...container("grafana", "docker.io/grafana/grafana:13.2.3"), securityContext: {} }], {}, { securityContext: {} });
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "grafana" may run as root; set runAsNonRoot: true or a non-zero runAsUser']);
  });
  test("the pod's runAsNonRoot covers its containers", () => {
    const f = workload("Deployment", "grafana", [{ ...container("grafana", "docker.io/grafana/grafana:13.2.3"), securityContext: {} }], {}, { securityContext: { runAsNonRoot: true } });
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), []);
  });
  test("a declared root exception", () => {
    const f = prometheus();
    container0(f).securityContext.runAsUser = 0;
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f, { rootAllowed: ["prometheus"] }), []);
  });
  test("runAsNonRoot false and no runAsUser", () => {
    const f = workload("Deployment", "grafana", [{ ...container("grafana", "docker.io/grafana/grafana:13.2.3"), securityContext: { runAsNonRoot: false } }], {}, { securityContext: {} });
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "grafana" sets runAsNonRoot false and no runAsUser; it may run as root']);
  });
});

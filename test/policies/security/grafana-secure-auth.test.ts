import { grafanaSecureAuth } from "../../../policies/security/grafana-secure-auth";
import { configMap, container, workload } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("grafana-secure-auth", () => {
  const grafana = (env: Record<string, any>[]) => workload("Deployment", "grafana", [container("grafana", "docker.io/grafana/grafana:13.2.3", { env })]);
  const PASSWORD = { name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "grafana-admin", key: "admin-password" } } };
  const ANON_OFF = { name: "GF_AUTH_ANONYMOUS_ENABLED", value: "false" };

  test("compliant: password from a Secret, anonymous off", () => assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([ANON_OFF, PASSWORD])), []));
  test("anonymous admin", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }, { name: "GF_AUTH_ANONYMOUS_ORG_ROLE", value: "Admin" }, PASSWORD])), [
      'container "grafana": anonymous users get the Admin role',
    ]));
  test("anonymous viewers when not allowed", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }, PASSWORD])), ['container "grafana": anonymous access is enabled']));
  test("anonymous viewers when allowed", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }, PASSWORD]), { allowAnonymous: true }), []));
  test("the default password", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([ANON_OFF, { name: "GF_SECURITY_ADMIN_PASSWORD", value: "admin" }])), [
      'container "grafana": GF_SECURITY_ADMIN_PASSWORD is a default password',
    ]));
  test("a literal password", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([ANON_OFF, { name: "GF_SECURITY_ADMIN_PASSWORD", value: "s3cr3t-but-literal" }])), [
      'container "grafana": GF_SECURITY_ADMIN_PASSWORD is a literal; use valueFrom.secretKeyRef',
    ]));
  test("no password at all", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([ANON_OFF])), [
      'container "grafana": no admin password from a Secret (GF_SECURITY_ADMIN_PASSWORD via secretKeyRef); Grafana would start with admin/admin',
    ]));
  test("grafana.ini in a ConfigMap", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(configMap("grafana", { "grafana.ini": "[auth.anonymous]\nenabled = true\norg_role = Admin\n[security]\nadmin_password = admin\n" })), [
      "grafana.ini: anonymous users get the Admin role",
      "grafana.ini: [security] admin_password is a literal; use $__file{...} or GF_SECURITY_ADMIN_PASSWORD from a Secret",
    ]));
});

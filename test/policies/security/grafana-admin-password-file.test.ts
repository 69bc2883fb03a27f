import { grafanaAdminPasswordFile } from "../../../policies/security/grafana-admin-password-file";
import { container, workload } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("grafana-admin-password-file", () => {
  const grafana = (env: Record<string, unknown>[], mounts = [{ name: "admin", mountPath: "/etc/grafana-admin", readOnly: true }]) =>
    workload("Deployment", "grafana", [container("grafana", "docker.io/grafana/grafana:13.2.3", { env, volumeMounts: mounts })], {}, {
      volumes: [{ name: "admin", secret: { secretName: "grafana-admin" } }],
    });
  const FILE = { name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: "/etc/grafana-admin/admin-password" };

  test("compliant: the password file of the mounted Secret", () => assertResourceViolations(grafanaAdminPasswordFile, resourceArgs(grafana([FILE])), []));

  test("the password from a Secret, but as an environment variable", () =>
    assertResourceViolations(grafanaAdminPasswordFile, resourceArgs(grafana([{ name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "grafana-admin", key: "admin-password" } } }])), [
      'container "grafana" sets GF_SECURITY_ADMIN_PASSWORD as an environment variable; mount the Secret and set GF_SECURITY_ADMIN_PASSWORD__FILE',
      'container "grafana" has no GF_SECURITY_ADMIN_PASSWORD__FILE; Grafana would start with admin/admin',
    ]));

  test("a Secret's keys through envFrom", () => {
    const f = grafana([FILE]);
    f.props.spec.template.spec.containers[0].envFrom = [{ secretRef: { name: "grafana-admin" } }];
    return assertResourceViolations(grafanaAdminPasswordFile, resourceArgs(f), [
      'container "grafana" takes a Secret\'s keys as environment variables (envFrom); mount the Secret and set GF_SECURITY_ADMIN_PASSWORD__FILE',
    ]);
  });

  test("a file outside any mounted Secret", () =>
    assertResourceViolations(grafanaAdminPasswordFile, resourceArgs(grafana([FILE], [])), [
      'container "grafana": GF_SECURITY_ADMIN_PASSWORD__FILE /etc/grafana-admin/admin-password is not in a mounted Secret volume',
    ]));
});

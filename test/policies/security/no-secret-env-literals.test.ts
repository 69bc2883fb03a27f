import { noSecretEnvLiterals } from "../../../policies/security/no-secret-env-literals";
import { prometheus, container0 } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("no-secret-env-literals", () => {
  test("compliant: secretKeyRef", () => {
    const f = prometheus();
    container0(f).env = [{ name: "ELASTIC_PASSWORD", valueFrom: { secretKeyRef: { name: "es", key: "password" } } }, { name: "GF_AUTH_ANONYMOUS_ENABLED", value: "false" }];
    return assertResourceViolations(noSecretEnvLiterals, resourceArgs(f), []);
  });
  test("a literal password", () => {
    const f = prometheus();
    container0(f).env = [{ name: "ELASTIC_PASSWORD", value: "changeme" }];
    return assertResourceViolations(noSecretEnvLiterals, resourceArgs(f), ['container "prometheus": env ELASTIC_PASSWORD is a literal; use valueFrom.secretKeyRef']);
  });
  test("a webhook URL whatever the name", () => {
    const f = prometheus();
    container0(f).env = [{ name: "NOTIFY", value: "https://hooks.slack.com/services/T000/B000/XXXX" }];
    return assertResourceViolations(noSecretEnvLiterals, resourceArgs(f), ['container "prometheus": env NOTIFY holds a Slack webhook URL as a literal; use valueFrom.secretKeyRef']);
  });
  test("a path to a secret is not a secret", () => {
    const f = prometheus();
    container0(f).env = [{ name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: "/etc/secrets/admin-password" }];
    return assertResourceViolations(noSecretEnvLiterals, resourceArgs(f), []);
  });
});

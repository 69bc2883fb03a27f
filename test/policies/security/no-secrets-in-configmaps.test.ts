import { noSecretsInConfigmaps } from "../../../policies/security/no-secrets-in-configmaps";
import { configMap, lokiConfig } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("no-secrets-in-configmaps", () => {
  test("compliant: Loki's config", () => assertResourceViolations(noSecretsInConfigmaps, resourceArgs(lokiConfig()), []));
  test("compliant: references and *_file keys", () =>
    assertResourceViolations(
      noSecretsInConfigmaps,
      resourceArgs(configMap("grafana", { "datasources.yaml": "password: ${ES_PASSWORD}\nbearer_token_file: /var/run/secrets/token\nbasicAuthPassword: $__file{/etc/secrets/pw}\n" })),
      [],
    ));
  test("a password in a config file", () =>
    assertResourceViolations(noSecretsInConfigmaps, resourceArgs(configMap("elasticsearch", { "es.yaml": "xpack.security.enabled: true\nelastic_password: hunter2\n" })), [
      'data "es.yaml": line 2 sets "elastic_password" to a literal; put it in a Secret and reference it',
    ]));
  test("an Alertmanager config with a Slack webhook in a ConfigMap", () =>
    assertResourceViolations(
      noSecretsInConfigmaps,
      resourceArgs(configMap("alertmanager", { "alertmanager.yml": "global:\n  slack_api_url: https://hooks.slack.com/services/T000/B000/XXXX\n" })),
      ['data "alertmanager.yml": line 2 holds a Slack webhook URL; put it in a Secret and reference it'],
    ));
  test("a PagerDuty routing key", () =>
    assertResourceViolations(noSecretsInConfigmaps, resourceArgs(configMap("alertmanager", { "alertmanager.yml": "receivers:\n- pagerduty_configs:\n  - routing_key: 0123456789abcdef\n" })), [
      'data "alertmanager.yml": line 3 sets "routing_key" to a literal; put it in a Secret and reference it',
    ]));
  test("a secret-named plain key", () =>
    assertResourceViolations(noSecretsInConfigmaps, resourceArgs(configMap("grafana", { ADMIN_PASSWORD: "admin" })), ['data "ADMIN_PASSWORD" looks like a credential; put it in a Secret']));
  test("credentials in a URL", () =>
    assertResourceViolations(noSecretsInConfigmaps, resourceArgs(configMap("fluent-bit", { "fluent-bit.conf": "[OUTPUT]\n    Name es\n    URL https://elastic:changeme@elasticsearch:9200\n" })), [
      'data "fluent-bit.conf": line 3 holds credentials in a URL; put it in a Secret and reference it',
    ]));
});

import { lokiRetention } from "../../../policies/retention/loki-retention";
import { configMap, lokiConfig } from "../fixtures";
import { assertResourceViolations, resourceArgs, packConfig } from "../helpers";

import { LOKI_PROD_RETENTION_DAYS } from "../../../components/config/cross-checks";

describe("loki-retention", () => {
  test("prod's bounds equal the config's prod check (a config the pack refuses is refused at load)", () => {
    expect(packConfig("prod", "loki-retention").retention).toEqual({ minDays: LOKI_PROD_RETENTION_DAYS.min, maxDays: LOKI_PROD_RETENTION_DAYS.max });
  });

  test("compliant: compactor retention, delete_request_store, 720h", () => assertResourceViolations(lokiRetention, resourceArgs(lokiConfig(), packConfig("prod", "loki-retention")), []));
  test("compactor retention off", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ compactor: { retention_enabled: false } }), packConfig("prod", "loki-retention")), [
      "loki.yaml: compactor.retention_enabled is not true; without it Loki never deletes logs",
    ]));
  test("no delete_request_store", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ compactor: { delete_request_store: "" } }), packConfig("prod", "loki-retention")), [
      "loki.yaml: compactor.delete_request_store is not set; Loki needs it to run retention",
    ]));
  test("no retention_period", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ limits_config: { retention_period: undefined } }), packConfig("prod", "loki-retention")), [
      "loki.yaml: limits_config.retention_period is not set; allowed: 15 to 90 days",
    ]));
  test("retention_period 0s keeps logs forever", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ limits_config: { retention_period: "0s" } }), packConfig("prod", "loki-retention")), [
      'loki.yaml: limits_config.retention_period "0s" keeps logs forever; allowed: 15 to 90 days',
    ]));
  test("retention_period below the bounds (days spelling)", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ limits_config: { retention_period: "7d" } }), packConfig("prod", "loki-retention")), [
      'loki.yaml: limits_config.retention_period "7d" is 7 days; allowed: 15 to 90 days',
    ]));
  test("retention_period that is not a duration", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ limits_config: { retention_period: "a month" } }), packConfig("prod", "loki-retention")), [
      'loki.yaml: limits_config.retention_period "a month" is not a duration like "720h" or "30d"',
    ]));
  test("invalid YAML", () =>
    assertResourceViolations(lokiRetention, resourceArgs(configMap("loki", { "loki.yaml": "compactor: [" }), packConfig("prod", "loki-retention")), [
      expect.stringMatching(/^loki\.yaml is not valid YAML: /) as unknown as string,
    ]));
});

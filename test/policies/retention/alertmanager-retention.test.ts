import { alertmanagerRetention } from "../../../policies/retention/alertmanager-retention";
import { type Fixture, alertmanager } from "../fixtures";
import { assertResourceViolations, resourceArgs, packConfig } from "../helpers";

describe("alertmanager-retention", () => {
  const c0 = (f: Fixture): Record<string, any> => f.props.spec.template.spec.containers[0];
  test("compliant: 120h", () => assertResourceViolations(alertmanagerRetention, resourceArgs(alertmanager(), packConfig("prod", "alertmanager-retention")), []));
  test("no --data.retention", async () => {
    const f = alertmanager();
    c0(f).args.pop();
    await assertResourceViolations(alertmanagerRetention, resourceArgs(f, packConfig("prod", "alertmanager-retention")), ['container "alertmanager" has no --data.retention; set it (allowed: 24h to 720h)']);
  });
  test("too long", async () => {
    const f = alertmanager();
    c0(f).args[1] = "--data.retention=8760h";
    await assertResourceViolations(alertmanagerRetention, resourceArgs(f, packConfig("prod", "alertmanager-retention")), ["--data.retention=8760h is 8760 hours; allowed: 24h to 720h"]);
  });
  test("not a duration", async () => {
    const f = alertmanager();
    c0(f).args[1] = "--data.retention=five";
    await assertResourceViolations(alertmanagerRetention, resourceArgs(f, packConfig("prod", "alertmanager-retention")), ['--data.retention=five is not a duration like "120h"']);
  });
  test("no alertmanager container", async () => {
    const f = alertmanager();
    c0(f).name = "server";
    await assertResourceViolations(alertmanagerRetention, resourceArgs(f, packConfig("prod", "alertmanager-retention")), ['no container "alertmanager" to carry --data.retention']);
  });
});

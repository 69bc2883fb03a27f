/**
 * prometheus-slo-rules: a compliant SLO rule file gives no violation, the generated ones of dev and
 * prod neither, and each single change gives its exact message.
 */
import { stringify } from "yaml";
import { buildSloRuleFiles } from "../../../components/slo/rules";
import { prometheusSloRules } from "../../../policies/labels/prometheus-slo-rules";
import { stackConfig } from "../../alerting/helpers";
import { configMap } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

const objective = (value: string, slo = "availability") => ({ record: "slo:objective:ratio", expr: `vector(${value})`, labels: { service: "checkout", slo } });
const burn = (severity: string, over: Record<string, any> = {}) => ({
  alert: "AvailabilityErrorBudgetBurn",
  expr: 'slo:sli_error:ratio_rate1h{slo="availability"} / on (service, slo) slo:error_budget:ratio > 14.4',
  labels: { severity, category: "availability" },
  annotations: { summary: "s", description: "d", runbook_url: "https://runbooks.example.com/observability/availability-error-budget-burn" },
  ...over,
});
const file = (rules: Record<string, any>[]) => configMap("prometheus", { "slo.rules.yaml": stringify({ groups: [{ name: "slo", rules }] }) }, "prometheus-rules");
const args = (rules: Record<string, any>[], config: Record<string, unknown> = {}) => resourceArgs(file(rules), config);
const compliant = () => [objective("0.999"), burn("critical"), burn("warning")];
const alert = 'slo.rules.yaml, group "slo", alert "AvailabilityErrorBudgetBurn"';
const record = 'slo.rules.yaml, group "slo", record "slo:objective:ratio"';

describe("prometheus-slo-rules", () => {
  test("compliant: an objective in bounds, its page and ticket alerts with runbooks", () => assertResourceViolations(prometheusSloRules, args(compliant()), []));

  test("the generated SLO rules of dev and prod comply", async () => {
    for (const env of ["dev", "prod"] as const) {
      const rules = buildSloRuleFiles(stackConfig(env))["slo.rules.yaml"];
      await assertResourceViolations(prometheusSloRules, resourceArgs(configMap("prometheus", { "slo.rules.yaml": stringify(rules) }, "prometheus-rules")), []);
    }
  });

  test("an objective of 1", () => assertResourceViolations(prometheusSloRules, args([objective("1"), burn("critical"), burn("warning")]), [`${record}: objective 1 is out of bounds; allowed: > 0.9 and < 0.99999`]));
  test("an objective of 0.9", () => assertResourceViolations(prometheusSloRules, args([objective("0.9"), burn("critical"), burn("warning")]), [`${record}: objective 0.9 is out of bounds; allowed: > 0.9 and < 0.99999`]));
  test("an objective that is no number", () =>
    assertResourceViolations(prometheusSloRules, args([{ ...objective("0.999"), expr: "slo:target" }, burn("critical"), burn("warning")]), [
      `${record}: objective "slo:target" is not a number; expected vector(<objective>)`,
    ]));
  test("the bounds are configurable", () =>
    assertResourceViolations(prometheusSloRules, args(compliant(), { objective: { above: 0.999, below: 0.9999 } }), [`${record}: objective 0.999 is out of bounds; allowed: > 0.999 and < 0.9999`]));

  test("an SLO alert without a severity", () =>
    assertResourceViolations(prometheusSloRules, args([objective("0.999"), burn("critical"), burn("warning", { labels: { category: "availability" } })]), [
      `${alert}: SLO alert without a severity label; allowed: critical, warning`,
      `${record}: SLO availability of checkout has no warning alert reading slo:sli_error:* {slo="availability"}`,
    ]));
  test("an SLO alert at info", () =>
    assertResourceViolations(prometheusSloRules, args([objective("0.999"), burn("critical"), burn("warning"), burn("info")]), [
      `${alert}: severity "info" is not one of critical, warning (an SLO alert pages or opens a ticket)`,
    ]));
  test("an SLO alert without a runbook", () => {
    const r = burn("critical");
    const { runbook_url: _dropped, ...annotations } = r.annotations;
    return assertResourceViolations(prometheusSloRules, args([objective("0.999"), { ...r, annotations }, burn("warning")]), [`${alert}: SLO alert without a runbook_url annotation`]);
  });
  test("a runbook that is not a URL", () =>
    assertResourceViolations(prometheusSloRules, args([objective("0.999"), burn("critical", { annotations: { ...burn("critical").annotations, runbook_url: "ask the SRE" } }), burn("warning")]), [
      `${alert}: runbook_url "ask the SRE" is not an http(s) URL`,
    ]));
  test("an SLO nobody is paged for", () =>
    assertResourceViolations(prometheusSloRules, args([objective("0.999"), burn("warning")]), [
      `${record}: SLO availability of checkout has no critical alert reading slo:sli_error:* {slo="availability"}`,
    ]));
  test("an SLO whose alerts read another SLO", () =>
    assertResourceViolations(prometheusSloRules, args([objective("0.95", "latency"), burn("critical"), burn("warning")]), [
      `${record}: SLO latency of checkout has no critical or warning alert reading slo:sli_error:* {slo="latency"}`,
    ]));
  test("alerts that read no SLI are left to prometheus-alert-rule-metadata", () =>
    assertResourceViolations(prometheusSloRules, args([...compliant(), { alert: "LokiDown", expr: 'up{job="loki"} == 0', labels: { severity: "info" }, annotations: {} }]), []));
  test("ConfigMaps of other apps are not rule files", () =>
    assertResourceViolations(prometheusSloRules, resourceArgs(configMap("loki", { "slo.rules.yaml": stringify({ groups: [{ name: "slo", rules: [objective("1")] }] }) })), []));
});

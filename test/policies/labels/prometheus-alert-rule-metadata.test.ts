import { prometheusAlertRuleMetadata } from "../../../policies/labels/prometheus-alert-rule-metadata";
import { alertRule, configMap, ruleFile } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("prometheus-alert-rule-metadata", () => {
  const args = (rules: Record<string, any>[]) => resourceArgs(ruleFile(rules));
  const where = 'loki.rules.yaml, group "loki.alerts", alert "LokiDown"';

  test("compliant alert", () => assertResourceViolations(prometheusAlertRuleMetadata, args([alertRule()]), []));
  test("recording rules need no annotations", () => assertResourceViolations(prometheusAlertRuleMetadata, args([{ record: "job:up:sum", expr: "sum by (job) (up)" }]), []));
  test("no severity", () =>
    assertResourceViolations(prometheusAlertRuleMetadata, args([alertRule({ labels: { category: "infrastructure" } })]), [`${where}: no severity label; allowed: critical, warning, info`]));
  test("an unknown severity", () =>
    assertResourceViolations(prometheusAlertRuleMetadata, args([alertRule({ labels: { severity: "page" } })]), [`${where}: severity "page" is not one of critical, warning, info`]));
  for (const a of ["summary", "description", "runbook_url"]) {
    test(`no ${a} annotation`, () => {
      const r = alertRule();
      delete r.annotations[a as keyof typeof r.annotations];
      return assertResourceViolations(prometheusAlertRuleMetadata, args([r]), [`${where}: no ${a} annotation`]);
    });
  }
  test("runbook_url that is not a URL", () => {
    const r = alertRule();
    r.annotations.runbook_url = "see the wiki";
    return assertResourceViolations(prometheusAlertRuleMetadata, args([r]), [`${where}: runbook_url "see the wiki" is not an http(s) URL`]);
  });
  test("a PrometheusRule object is checked the same way", () =>
    assertResourceViolations(
      prometheusAlertRuleMetadata,
      resourceArgs({ type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule", props: { spec: { groups: [{ name: "g", rules: [alertRule({ labels: {} })] }] } } }),
      ['PrometheusRule, group "g", alert "LokiDown": no severity label; allowed: critical, warning, info'],
    ));
  test("Grafana-managed alert rules are checked the same way", () =>
    assertResourceViolations(
      prometheusAlertRuleMetadata,
      resourceArgs({
        type: "grafana:alerting/ruleGroup:RuleGroup",
        props: {
          name: "learning",
          folderUid: "business",
          rules: [{ name: "LowCompletion", labels: { severity: "page" }, annotations: alertRule().annotations, data: [{ refId: "A", model: JSON.stringify({ expr: "avg(completion_rate) < 0.5" }) }] }],
        },
      }),
      ['Grafana rule group "learning", group "learning", alert "LowCompletion": severity "page" is not one of critical, warning, info'],
    ));
  test("ConfigMaps of other apps are not rule files", () =>
    assertResourceViolations(prometheusAlertRuleMetadata, resourceArgs(configMap("loki", { "x.rules.yaml": "groups: [{name: g, rules: [{alert: A, expr: up}]}]" })), []));
  test("a rule file that is not YAML", () =>
    assertResourceViolations(prometheusAlertRuleMetadata, resourceArgs(configMap("prometheus", { "loki.rules.yaml": "groups: [" }, "prometheus-rules")), [
      expect.stringMatching(/^loki\.rules\.yaml is not valid YAML: /) as unknown as string,
    ]));
  test("a required label missing or empty", () =>
    assertResourceViolations(prometheusAlertRuleMetadata, resourceArgs(ruleFile([alertRule(), alertRule({ labels: { severity: "critical", category: " " } }), alertRule({ labels: { severity: "info" } })]), { requiredLabels: ["category"] }), [
      `${where}: no category label`,
      `${where}: no category label`,
    ]));
});

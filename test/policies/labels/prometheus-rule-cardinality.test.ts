import { prometheusRuleCardinality } from "../../../policies/labels/prometheus-rule-cardinality";
import { alertRule, ruleFile } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("prometheus-rule-cardinality", () => {
  const args = (rules: Record<string, any>[]) => resourceArgs(ruleFile(rules));
  test("compliant: aggregated labels only", () =>
    assertResourceViolations(prometheusRuleCardinality, args([alertRule({ expr: "sum by (course_id) (rate(student_progress_total[5m])) > 0" })]), []));
  test("grouping by student_id", () =>
    assertResourceViolations(prometheusRuleCardinality, args([alertRule({ expr: "sum by (student_id) (rate(submissions_total[5m])) > 10" })]), [
      'loki.rules.yaml, group "loki.alerts", alert "LokiDown": expr uses the high-cardinality label student_id',
    ]));
  test("a recording rule keeping user_id", () =>
    assertResourceViolations(prometheusRuleCardinality, args([{ record: "user:actions:rate5m", expr: "sum by (user_id) (rate(user_actions_total[5m]))" }]), [
      'loki.rules.yaml, group "loki.alerts", record "user:actions:rate5m": expr uses the high-cardinality label user_id',
    ]));
  test("a rule label or an annotation template", () =>
    assertResourceViolations(
      prometheusRuleCardinality,
      args([alertRule({ labels: { severity: "info", user_id: "x" }, annotations: { ...alertRule().annotations, summary: "user {{ $labels.user_id }} is slow" } })]),
      [
        'loki.rules.yaml, group "loki.alerts", alert "LokiDown": sets the high-cardinality label user_id',
        'loki.rules.yaml, group "loki.alerts", alert "LokiDown": annotations template the high-cardinality label user_id',
      ],
    ));
  test("a Grafana-managed alert grouping by student_id", () =>
    assertResourceViolations(
      prometheusRuleCardinality,
      resourceArgs({
        type: "grafana:alerting/ruleGroup:RuleGroup",
        props: { name: "learning", rules: [{ name: "Stuck", labels: { severity: "info" }, data: [{ refId: "A", model: { expr: "max by (student_id) (stuck_seconds) > 3600" } }] }] },
      }),
      ['Grafana rule group "learning", group "learning", alert "Stuck": expr uses the high-cardinality label student_id'],
    ));
  test("a longer identifier that contains the name is fine", () =>
    assertResourceViolations(prometheusRuleCardinality, args([alertRule({ expr: "count(distinct_user_id_total) > 0" })]), []));
});

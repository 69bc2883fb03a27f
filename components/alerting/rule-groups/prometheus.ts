/** Prometheus watching itself: configuration reloads, rule evaluation, its path to Alertmanager (in stack-health.alerts). */
import { JOBS } from "../../endpoints";
import type { AlertDefinition } from "../rule-model";

export function prometheusAlerts(): AlertDefinition[] {
  const job = (j: string) => `job="${j}"`;
  const obs = "observability" as const;
  return [
    {
      alert: "PrometheusConfigReloadFailed",
      expr: `max_over_time(prometheus_config_last_reload_successful{${job(JOBS.prometheus)}}[5m]) == 0`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Prometheus failed to reload its configuration",
        description:
          "Prometheus {{ $labels.instance }} could not load its latest configuration or rule files and keeps running the previous ones; new scrape targets and rules are not active.",
      },
    },
    {
      alert: "PrometheusRuleEvaluationFailures",
      expr: `sum by (namespace, instance, rule_group) (increase(prometheus_rule_evaluation_failures_total{${job(JOBS.prometheus)}}[5m])) > 0`,
      forMinutes: 15,
      labels: { severity: "critical", category: obs },
      annotations: {
        summary: "Prometheus fails to evaluate rules",
        description:
          "Prometheus {{ $labels.instance }} failed {{ $value | humanize }} rule evaluations of group {{ $labels.rule_group }} in 5m: alerts of that group may not fire.",
      },
    },
    {
      alert: "PrometheusNotConnectedToAlertmanagers",
      expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{${job(JOBS.prometheus)}}[5m]) < 1`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Prometheus sends alerts to no Alertmanager",
        description: "Prometheus {{ $labels.instance }} has discovered no Alertmanager: no alert leaves it.",
      },
    },
  ];
}

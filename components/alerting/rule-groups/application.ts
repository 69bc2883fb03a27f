/**
 * Group application.alerts: the applications' HTTP, database, login and business metrics (the
 * metric contract is in ../rules.ts).
 */
import type { StackConfig } from "../../config";
import { type AlertDefinition, FAILED_STATUS, num, percent } from "../rule-model";
import { RECORDING_RULES } from "./recording";

export function applicationAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  const R = RECORDING_RULES;
  const failed = `status=~"${FAILED_STATUS}"`;
  const ratioOf = (metric: string) =>
    `sum by (namespace, service) (rate(${metric}{${failed}}[5m])) / sum by (namespace, service) (rate(${metric}[5m]))`;
  return [
    {
      alert: "ServiceDown",
      expr: "up == 0",
      forMinutes: t.serviceDown.forMinutes,
      labels: { severity: "critical", category: "availability" },
      annotations: {
        summary: "Service {{ $labels.service }} is down",
        description: `Target {{ $labels.instance }} of job {{ $labels.job }} (service {{ $labels.service }}, namespace {{ $labels.namespace }}) has not answered a scrape for more than ${t.serviceDown.forMinutes}m.`,
      },
    },
    ...(["critical", "warning"] as const).map(
      (severity): AlertDefinition => ({
        alert: "HighErrorRate",
        expr: `${R.errorRatio} > ${num(t.errorRatio[severity])}`,
        forMinutes: t.errorRatio.forMinutes,
        labels: { severity, category: "application" },
        annotations: {
          summary: "High HTTP error rate on {{ $labels.service }}",
          description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} (namespace {{ $labels.namespace }}) failed with a 5xx over 5m; ${severity} threshold ${percent(t.errorRatio[severity])}.`,
        },
      }),
    ),
    {
      alert: "HighResponseTime",
      expr: `${R.latencyP95} > ${num(t.latencyP95Seconds.warning)}`,
      forMinutes: t.latencyP95Seconds.forMinutes,
      labels: { severity: "warning", category: "application" },
      annotations: {
        summary: "Slow responses from {{ $labels.service }}",
        description: `The 95th percentile response time of {{ $labels.service }} (namespace {{ $labels.namespace }}) is {{ $value | humanizeDuration }}; threshold ${num(t.latencyP95Seconds.warning)}s.`,
      },
    },
    {
      alert: "DatabaseConnectionPoolExhausted",
      expr: `sum by (namespace, service, instance, pool_name) (database_connections_active) / sum by (namespace, service, instance, pool_name) (database_connections_max) > ${num(t.dbPoolUsageRatio.warning)}`,
      forMinutes: t.dbPoolUsageRatio.forMinutes,
      labels: { severity: "warning", category: "database" },
      annotations: {
        summary: "Database connection pool of {{ $labels.service }} nearly exhausted",
        description: `Connection pool {{ $labels.pool_name }} of {{ $labels.service }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full; threshold ${percent(t.dbPoolUsageRatio.warning)}.`,
      },
    },
    {
      alert: "AuthenticationFailures",
      expr: `sum by (namespace, service) (rate(authentication_failures_total[5m])) > ${num(t.authFailuresPerSecond.warning)}`,
      forMinutes: t.authFailuresPerSecond.forMinutes,
      labels: { severity: "warning", category: "security" },
      annotations: {
        summary: "Many failed logins on {{ $labels.service }}",
        description: `{{ $labels.service }} (namespace {{ $labels.namespace }}) rejects {{ $value | humanize }} logins per second; threshold ${num(t.authFailuresPerSecond.warning)}/s. Possible credential stuffing or a broken identity provider.`,
      },
    },
    {
      alert: "PaymentProcessingFailures",
      expr: `${ratioOf("payment_transactions_total")} > ${num(t.paymentFailureRatio.critical)}`,
      forMinutes: t.paymentFailureRatio.forMinutes,
      labels: { severity: "critical", category: "business" },
      annotations: {
        summary: "Payments failing on {{ $labels.service }}",
        description: `{{ $value | humanizePercentage }} of the payment transactions of {{ $labels.service }} (namespace {{ $labels.namespace }}) failed over 5m; threshold ${percent(t.paymentFailureRatio.critical)}.`,
      },
    },
    {
      alert: "EnrollmentFailures",
      expr: `${ratioOf("course_enrollments_total")} > ${num(t.enrollmentFailureRatio.warning)}`,
      forMinutes: t.enrollmentFailureRatio.forMinutes,
      labels: { severity: "warning", category: "business" },
      annotations: {
        summary: "Course enrollments failing on {{ $labels.service }}",
        description: `{{ $value | humanizePercentage }} of the course enrollments of {{ $labels.service }} (namespace {{ $labels.namespace }}) failed over 5m; threshold ${percent(t.enrollmentFailureRatio.warning)}.`,
      },
    },
    {
      alert: "FederationDeliveryFailure",
      expr: `sum by (namespace, service) (rate(federation_delivery_failures_total[10m])) > ${num(t.federationFailuresPerSecond.warning)}`,
      forMinutes: t.federationFailuresPerSecond.forMinutes,
      labels: { severity: "warning", category: "business" },
      annotations: {
        summary: "Federation deliveries failing on {{ $labels.service }}",
        description: `{{ $labels.service }} (namespace {{ $labels.namespace }}) fails {{ $value | humanize }} federation deliveries per second; threshold ${num(t.federationFailuresPerSecond.warning)}/s.`,
      },
    },
  ];
}

/** Alertmanager: failed notifications, a degraded cluster, configuration reloads (in stack-health.alerts). */
import type { StackConfig } from "../../config";
import { JOBS } from "../../endpoints";
import { type AlertDefinition, num, percent } from "../rule-model";

export function alertmanagerAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  const job = (j: string) => `job="${j}"`;
  const obs = "observability" as const;
  return [
    {
      alert: "AlertmanagerFailedToSendAlerts",
      expr: `sum by (namespace, instance, integration) (rate(alertmanager_notifications_failed_total{${job(JOBS.alertmanager)}}[5m])) / sum by (namespace, instance, integration) (rate(alertmanager_notifications_total{${job(JOBS.alertmanager)}}[5m])) > ${num(t.notificationFailureRatio.warning)}`,
      forMinutes: t.notificationFailureRatio.forMinutes,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Alertmanager fails to send {{ $labels.integration }} notifications",
        description: `Alertmanager {{ $labels.instance }} failed {{ $value | humanizePercentage }} of its {{ $labels.integration }} notifications over 5m; threshold ${percent(t.notificationFailureRatio.warning)}.`,
      },
    },
    {
      alert: "AlertmanagerClusterDegraded",
      // Each replica reports the members it sees; fewer than configured = a partition or a lost peer.
      expr: `max_over_time(alertmanager_cluster_members{${job(JOBS.alertmanager)}}[5m]) < ${cfg.alertmanager.replicas}`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Alertmanager cluster degraded",
        description: `Alertmanager {{ $labels.instance }} sees {{ $value }} cluster members of ${cfg.alertmanager.replicas}: notifications may be duplicated or silences not shared.`,
      },
    },
    {
      alert: "AlertmanagerConfigReloadFailed",
      expr: `max_over_time(alertmanager_config_last_reload_successful{${job(JOBS.alertmanager)}}[5m]) == 0`,
      forMinutes: 10,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Alertmanager failed to reload its configuration",
        description: "Alertmanager {{ $labels.instance }} could not load its latest configuration and keeps routing with the previous one.",
      },
    },
  ];
}

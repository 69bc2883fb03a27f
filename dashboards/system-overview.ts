/** 1. System overview: the golden signals of every service, who is using it, and what is on fire. */
import { RECORDING_RULES as R } from "../components/alerting/rules";
import { ENV, ENV_SVC, baseDashboard, promQ, row, sel, statPanel, timeSeries } from "./common";
import type { dashboardT } from "./sdk";

export const UID = "obs-system-overview";

export function systemOverview(): dashboardT.Dashboard {
  return baseDashboard({
    uid: UID,
    title: "System overview",
    description: "Request rate, latency, errors, active users, service availability and firing alerts across the platform.",
    tags: ["overview", "platform"],
    kind: "prometheus",
  })
    .withRow(row("Now"))
    .withPanel(
      statPanel({
        title: "Request rate",
        description: "HTTP requests per second over all selected services (5m rate).",
        unit: "reqps",
        targets: [promQ(`sum(${R.requestRate}{${ENV_SVC}})`, "requests/s", { instant: true })],
      }),
    )
    .withPanel(
      statPanel({
        title: "p95 latency (slowest service)",
        description: "95th percentile response time of the slowest selected service.",
        unit: "s",
        targets: [promQ(`max(${R.latencyP95}{${ENV_SVC}})`, "p95", { instant: true })],
        thresholds: { base: "green", steps: [[1, "orange"], [2, "red"]] },
      }),
    )
    .withPanel(
      statPanel({
        title: "Error rate",
        description: "Share of HTTP requests answered with a 5xx, over all selected services.",
        unit: "percentunit",
        targets: [promQ(`sum(${R.errorRate}{${ENV_SVC}}) / sum(${R.requestRate}{${ENV_SVC}})`, "5xx share", { instant: true })],
        thresholds: { base: "green", steps: [[0.01, "orange"], [0.05, "red"]] },
      }),
    )
    .withPanel(
      statPanel({
        title: "Active users",
        description: "Users active right now (gamifyx_active_users).",
        unit: "short",
        targets: [promQ(`sum(${sel("gamifyx_active_users")})`, "active users", { instant: true })],
      }),
    )
    .withPanel(
      statPanel({
        title: "Services up",
        description: "Share of scrape targets of the selected services that answered their last scrape.",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [promQ(`sum(${sel("up")}) / count(${sel("up")})`, "up", { instant: true })],
        thresholds: { base: "red", steps: [[0.9, "orange"], [1, "green"]] },
      }),
    )
    .withPanel(
      statPanel({
        title: "Firing alerts",
        description: "Alerts firing now, all severities.",
        unit: "short",
        targets: [promQ(`count(ALERTS{alertstate="firing", ${ENV}, alertname!="Watchdog"}) or vector(0)`, "firing", { instant: true })],
        thresholds: { base: "green", steps: [[1, "red"]] },
      }),
    )
    .withRow(row("Over time"))
    .withPanel(
      timeSeries({
        title: "Request rate by service",
        description: "HTTP requests per second of each service (recording rule, 5m rate).",
        unit: "reqps",
        targets: [promQ(`sum by (service) (${R.requestRate}{${ENV_SVC}})`, "{{service}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "p95 latency by service",
        description: "95th percentile response time of each service; exemplars link to the trace.",
        unit: "s",
        targets: [promQ(`max by (service) (${R.latencyP95}{${ENV_SVC}})`, "{{service}}", { exemplar: true })],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Error rate by service",
        description: "Share of each service's requests answered with a 5xx.",
        unit: "percentunit",
        min: 0,
        targets: [promQ(`max by (service) (${R.errorRatio}{${ENV_SVC}})`, "{{service}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Firing alerts by severity",
        description: "Number of firing alerts per severity (the Watchdog heartbeat left out).",
        unit: "short",
        stack: true,
        targets: [promQ(`count by (severity) (ALERTS{alertstate="firing", ${ENV}, alertname!="Watchdog"})`, "{{severity}}")],
      }),
    )
    .build();
}

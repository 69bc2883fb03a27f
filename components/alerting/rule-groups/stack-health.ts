/**
 * Group stack-health.alerts: the stack watching itself, the telemetry pipeline and each of its
 * components. The heartbeat is here; each component's alerts are in their own file, concatenated in
 * the order the rule file lists them.
 */
import type { StackConfig } from "../../config";
import type { AlertDefinition } from "../rule-model";
import { alertmanagerAlerts } from "./alertmanager";
import { elasticsearchAlerts } from "./elasticsearch";
import { logAlerts } from "./logs";
import { prometheusAlerts } from "./prometheus";
import { thanosAlerts } from "./thanos";
import { traceAlerts } from "./traces";

/** The stack watching itself: the telemetry pipeline and each of its components. */
export function stackHealthAlerts(cfg: StackConfig): AlertDefinition[] {
  const obs = "observability" as const;
  return [
    {
      alert: "Watchdog",
      expr: "vector(1)",
      forMinutes: 0,
      labels: { severity: "info", category: obs },
      annotations: {
        summary: "Alerting pipeline heartbeat",
        description:
          "Always firing, so that the whole path Prometheus → Alertmanager → receiver is proven to work. The dead man's switch alerts when this stops arriving.",
      },
    },
    ...prometheusAlerts(),
    ...alertmanagerAlerts(cfg),
    ...logAlerts(cfg),
    ...elasticsearchAlerts(),
    ...traceAlerts(cfg),
    ...(cfg.thanos.enabled ? thanosAlerts() : []),
  ];
}

/**
 * Service-level objectives: per service and SLO, the error budget left, the burn rates the alerts
 * watch, and the SLI over time. Reads only the SLO recording rules (components/slo/rules.ts), so every
 * service with an SLO in the stack config shows up, and only those fill the $service variable.
 */
import { ALERT_NAMES, BURN_RATE_ALERTS, SLO_RECORDS as S, describeWindows, errorRatioRecord } from "../components/slo/rules";
import { ENV_SVC, baseDashboard, promQ, row, sel, statPanel, tablePanel, timeSeries } from "./common";
import type { dashboardT } from "./sdk";

export const UID = "obs-slo";

const LEGEND = "{{service}} {{slo}}";

/** The burn rate over a window: the SLI error ratio over the SLO's error budget. */
const burnRate = (window: string) => `${sel(errorRatioRecord(window))} / on (service, slo) ${sel(S.errorBudget)}`;

export function sloDashboard(): dashboardT.Dashboard {
  const [page, ticket] = BURN_RATE_ALERTS;
  const burnPanel = (a: (typeof BURN_RATE_ALERTS)[number]) =>
    timeSeries({
      title: `Burn rate: ${a.action} windows`,
      description: `Error ratio over the error budget (1 = the budget lasts exactly the SLO window) over the windows of the ${a.action} alert: ${describeWindows(a)}.`,
      unit: "short",
      min: 0,
      targets: a.windows.flatMap((w) => [w.long, w.short]).map((w) => promQ(burnRate(w), `${LEGEND} ${w}`)),
    });
  return baseDashboard({
    uid: UID,
    title: "Service-level objectives",
    description: "Error budget remaining, burn rates and the SLI over time of every service-level objective, per service.",
    tags: ["slo", "applications"],
    kind: "prometheus",
    from: "now-7d",
    servicesFrom: S.objective,
  })
    .withRow(row("Over the SLO window"))
    .withPanel(
      statPanel({
        title: "Error budget remaining",
        description: "Share of the error budget not spent over the SLO window (negative: the objective is missed).",
        unit: "percentunit",
        span: 8,
        targets: [promQ(sel(S.budgetRemaining), LEGEND, { instant: true })],
        thresholds: { base: "red", steps: [[0, "orange"], [0.25, "green"]] },
      }),
    )
    .withPanel(
      statPanel({
        title: "SLI over the SLO window",
        description: "Share of good events (requests not failed, or within the latency threshold) over the SLO window.",
        unit: "percentunit",
        span: 8,
        targets: [promQ(`1 - ${sel(S.periodBurnRate)} * on (service, slo) ${sel(S.errorBudget)}`, LEGEND, { instant: true })],
      }).decimals(3),
    )
    .withPanel(
      statPanel({
        title: "Objective",
        description: "The objective of each SLO: the share of good events it promises over its window (the slo section of the stack config).",
        unit: "percentunit",
        span: 8,
        targets: [promQ(sel(S.objective), LEGEND, { instant: true })],
      }).decimals(3),
    )
    .withRow(row("Burn rates"))
    .withPanel(burnPanel(page))
    .withPanel(burnPanel(ticket))
    .withRow(row("Over time"))
    .withPanel(
      timeSeries({
        title: "Error budget remaining over time",
        description: "Share of the error budget left over the SLO window ending at each point in time.",
        unit: "percentunit",
        targets: [promQ(sel(S.budgetRemaining), LEGEND)],
      }),
    )
    .withPanel(
      timeSeries({
        title: "SLI over time",
        description: "Share of good events over 5 minutes and over 1 hour, against the objective.",
        unit: "percentunit",
        max: 1,
        targets: [
          promQ(`1 - ${sel(errorRatioRecord("5m"))}`, `${LEGEND} 5m`),
          promQ(`1 - ${sel(errorRatioRecord("1h"))}`, `${LEGEND} 1h`),
          promQ(sel(S.objective), `${LEGEND} objective`),
        ],
      }),
    )
    .withPanel(
      tablePanel({
        title: "Burning now",
        description: "Error-budget burn alerts firing now: critical pages, warning opens a ticket.",
        unit: "short",
        height: 6,
        targets: [
          promQ(`ALERTS{alertname=~"${Object.values(ALERT_NAMES).join("|")}", alertstate="firing", ${ENV_SVC}}`, LEGEND, { instant: true, format: "table" }),
        ],
      }),
    )
    .build();
}

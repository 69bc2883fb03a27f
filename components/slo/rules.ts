/**
 * SLOs as Prometheus rules: the SLI error ratio of every SLO over the alert windows and its SLO window,
 * its error budget and what is left of it, and multi-window, multi-burn-rate alerts (the SRE workbook's
 * "alerting on SLOs", table 5-8). Pure: the Prometheus component mounts the file this returns.
 *
 * Every recorded series of an SLO carries two labels, `service` and `slo` (the kind: availability or
 * latency), and nothing else: the alerts and the SLO dashboard join on exactly these.
 *
 * A burn rate is the error ratio over the error budget (1 − objective): at 1 the budget lasts exactly
 * the SLO window, at 14.4 a 30-day budget is gone in 50 hours. An alert needs both its long and its
 * short window above the factor: the long one makes it significant, the short one makes it stop soon
 * after the burn stops.
 */
import type { StackConfig } from "../config";
import type { SloKind, SloSettings } from "./schema";
import { type AlertCategory, type AlertDefinition, type RuleFile, type RuleGroup, type Severity, toAlertRule } from "../alerting/rules";

/** One pair of windows of a burn-rate alert: both ratios must exceed factor × error budget. */
export interface BurnRateWindow {
  long: string;
  short: string;
  factor: number;
}

export interface BurnRateAlert {
  /** "page" routes as critical, "ticket" as warning. */
  action: "page" | "ticket";
  severity: Extract<Severity, "critical" | "warning">;
  windows: BurnRateWindow[];
}

/** The SRE workbook's recommended alerts for a 30-day SLO (2%, 5%, 10% and 10% of the budget spent). */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  {
    action: "page",
    severity: "critical",
    windows: [
      { long: "1h", short: "5m", factor: 14.4 },
      { long: "6h", short: "30m", factor: 6 },
    ],
  },
  {
    action: "ticket",
    severity: "warning",
    windows: [
      { long: "1d", short: "2h", factor: 3 },
      { long: "3d", short: "6h", factor: 1 },
    ],
  },
];

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440 };

/** "6h" → 360. */
export function windowMinutes(w: string): number {
  const m = /^(\d+)([mhd])$/.exec(w);
  if (!m) throw new Error(`not a window: ${w}`);
  return Number(m[1]) * UNIT_MINUTES[m[2]];
}

/** Every window an alert reads, shortest first: 5m, 30m, 1h, 2h, 6h, 1d, 3d. */
export const SLI_WINDOWS: readonly string[] = [...new Set(BURN_RATE_ALERTS.flatMap((a) => a.windows.flatMap((w) => [w.long, w.short])))].sort(
  (a, b) => windowMinutes(a) - windowMinutes(b),
);

/** The longest alert window, in days (3): an SLO window must be at least this long. */
export const LONGEST_ALERT_WINDOW_DAYS = windowMinutes(SLI_WINDOWS[SLI_WINDOWS.length - 1]) / 1440;

/** The recorded series. Dashboards query them, so the names are a stable interface. */
export const SLO_RECORDS = {
  /** Failed events per second of the SLI, 5-minute rate. */
  errorEvents: "slo:sli_error_events:rate5m",
  /** All events per second of the SLI, 5-minute rate. */
  totalEvents: "slo:sli_total_events:rate5m",
  /** The objective, 0–1. */
  objective: "slo:objective:ratio",
  /** The error budget, 1 − objective. */
  errorBudget: "slo:error_budget:ratio",
  /** The SLO window, days. */
  periodDays: "slo:time_period:days",
  /** Error ratio over the SLO window over the error budget (1 = the whole budget is spent). */
  periodBurnRate: "slo:period_burn_rate:ratio",
  /** Share of the error budget left over the SLO window: 1 − period burn rate (negative when overspent). */
  budgetRemaining: "slo:period_error_budget_remaining:ratio",
} as const;

/** The SLI error ratio over a window: slo:sli_error:ratio_rate1h (the SLO window's is e.g. ratio_rate30d). */
export function errorRatioRecord(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** Every series name the SLO rules may record (the SLO windows' ratios are ratio_rate<N>d). */
export const SLO_RECORD_NAMES: readonly string[] = [...Object.values(SLO_RECORDS), ...SLI_WINDOWS.map(errorRatioRecord)];

/** The labels an SLO's series carry: the joins of the alerts and the dashboard use exactly these. */
export const SLO_LABELS = ["service", "slo"] as const;

export const ALERT_NAMES: Record<SloKind, string> = {
  availability: "AvailabilityErrorBudgetBurn",
  latency: "LatencyErrorBudgetBurn",
};

const CATEGORY: Record<SloKind, AlertCategory> = { availability: "availability", latency: "application" };

/** One SLO of one service, resolved from the config. */
export interface Slo {
  service: string;
  kind: SloKind;
  objective: number;
  windowDays: number;
  /** Failed events per second over a window (a PromQL expression with the window substituted). */
  errors(window: string): string;
  /** All events per second over a window. */
  total(window: string): string;
}

/** A number as PromQL writes it (no float noise: 1 − 0.999 is 0.001). */
export function num(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/**
 * The `le` matcher of a bucket bound. Prometheus 3 stores classic-histogram bounds in OpenMetrics
 * form (`le="1.0"`, `le="0.2"`); series written before, or by other agents, may say `le="1"`.
 */
export function leMatcher(bound: number): string {
  const plain = num(bound);
  const openMetrics = /[.e]/.test(plain) ? plain : `${plain}.0`;
  return plain === openMetrics ? `le="${plain}"` : `le=~"${plain}|${openMetrics.replace(".", "\\\\.")}"`;
}

/** The SLOs of a stack, in config order: per service, availability then latency. */
export function slosOf(slo: SloSettings, httpStatusLabel: string): Slo[] {
  const out: Slo[] = [];
  for (const s of slo.services) {
    const matchers = [`service="${s.service}"`, ...(s.namespace ? [`namespace="${s.namespace}"`] : [])].join(", ");
    if (s.availability) {
      const a = s.availability;
      const total = (w: string) => `sum(rate(${a.metric}{${matchers}}[${w}]))`;
      out.push({
        service: s.service,
        kind: "availability",
        objective: a.objective,
        windowDays: a.windowDays,
        // A service that never answered 5xx has no 5xx series: it fails 0 requests, not none.
        errors: (w) => `(sum(rate(${a.metric}{${matchers}, ${httpStatusLabel}=~"5.."}[${w}])) or vector(0))`,
        total,
      });
    }
    if (s.latency) {
      const l = s.latency;
      const bucket = `${l.metric}_bucket`;
      const total = (w: string) => `sum(rate(${bucket}{${matchers}, le="+Inf"}[${w}]))`;
      out.push({
        service: s.service,
        kind: "latency",
        objective: l.objective,
        windowDays: l.windowDays,
        // Slow = every request minus those at or under the threshold's bucket.
        errors: (w) => `(${total(w)} - sum(rate(${bucket}{${matchers}, ${leMatcher(l.thresholdSeconds)}}[${w}])))`,
        total,
      });
    }
  }
  return out;
}

function labelsOf(s: Slo): Record<(typeof SLO_LABELS)[number], string> {
  return { service: s.service, slo: s.kind };
}

function selector(s: Slo): string {
  return `{service="${s.service}", slo="${s.kind}"}`;
}

/** The recording rules of one SLO, in evaluation order. */
function recordingGroup(s: Slo): RuleGroup {
  const sel = selector(s);
  const R = SLO_RECORDS;
  const period = `${s.windowDays}d`;
  const rules: { record: string; expr: string }[] = [
    { record: R.errorEvents, expr: s.errors("5m") },
    { record: R.totalEvents, expr: s.total("5m") },
    ...SLI_WINDOWS.map((w) => ({
      record: errorRatioRecord(w),
      expr: w === "5m" ? `${R.errorEvents}${sel} / ${R.totalEvents}${sel}` : `${s.errors(w)} / ${s.total(w)}`,
    })),
    // The SLO window from the 5-minute rates: weighted by traffic like the shorter windows, and a
    // sum over one recorded series instead of a rate over a month of raw samples.
    {
      record: errorRatioRecord(period),
      expr: `sum_over_time(${R.errorEvents}${sel}[${period}]) / sum_over_time(${R.totalEvents}${sel}[${period}])`,
    },
    { record: R.objective, expr: `vector(${num(s.objective)})` },
    { record: R.errorBudget, expr: `vector(${num(1 - s.objective)})` },
    { record: R.periodDays, expr: `vector(${s.windowDays})` },
    { record: R.periodBurnRate, expr: `${errorRatioRecord(period)}${sel} / ${R.errorBudget}${sel}` },
    { record: R.budgetRemaining, expr: `1 - ${R.periodBurnRate}${sel}` },
  ];
  // A labels object of its own per rule: shared ones would be written as YAML anchors.
  return { name: `slo.${s.service}.${s.kind}`, rules: rules.map((r) => ({ ...r, labels: labelsOf(s) })) };
}

/** A burn rate over a window, for every SLO of a kind: the ratio over the budget of the same SLO. */
function burnRate(kind: SloKind, window: string): string {
  return `${errorRatioRecord(window)}{slo="${kind}"} / on (service, slo) ${SLO_RECORDS.errorBudget}`;
}

/** "14.4× over 1h and 5m, or 6× over 6h and 30m". */
export function describeWindows(a: BurnRateAlert): string {
  return a.windows.map((w) => `${num(w.factor)}× over ${w.long} and ${w.short}`).join(", or ");
}

/** The two alerts (page, ticket) of an SLO kind; each covers every SLO of the kind. */
export function sloAlertDefinitions(kind: SloKind): AlertDefinition[] {
  const what = kind === "availability" ? "fails requests" : "answers requests slower than its latency threshold";
  return BURN_RATE_ALERTS.map((a) => ({
    alert: ALERT_NAMES[kind],
    expr: a.windows
      .map((w) => `(${burnRate(kind, w.long)} > ${num(w.factor)} and on (service, slo) ${burnRate(kind, w.short)} > ${num(w.factor)})`)
      .join(" or "),
    forMinutes: 0,
    labels: { severity: a.severity, category: CATEGORY[kind] },
    annotations: {
      summary:
        a.action === "page"
          ? `{{ $labels.service }} is burning its ${kind} error budget fast`
          : `{{ $labels.service }} is burning its ${kind} error budget steadily`,
      description: `{{ $labels.service }} ${what} at {{ $value | humanize }} times the rate its ${kind} objective allows over the long window (1 = the error budget lasts exactly the SLO window). ${a.action === "page" ? "Pages" : "Opens a ticket"} at ${describeWindows(a)}.`,
    },
  }));
}

/** The SLO rule file of a stack, or none when it defines no SLO. */
export function buildSloRuleFiles(cfg: Pick<StackConfig, "slo" | "runbookBaseUrl" | "alerting">): Record<string, RuleFile> {
  const slos = slosOf(cfg.slo, cfg.alerting.httpStatusLabel);
  if (slos.length === 0) return {};
  const kinds = (["availability", "latency"] as const).filter((k) => slos.some((s) => s.kind === k));
  return {
    "slo.rules.yaml": {
      groups: [
        ...slos.map(recordingGroup),
        { name: "slo.alerts", rules: kinds.flatMap((k) => sloAlertDefinitions(k).map((d) => toAlertRule(d, cfg.runbookBaseUrl))) },
      ],
    },
  };
}

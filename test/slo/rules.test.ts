/**
 * The SLO rules: the builder's shape and values, `promtool check rules`, and `promtool test rules` for
 * each SLO alert (availability and latency, page and ticket): a fast burn pages within its window, a
 * slow burn opens a ticket but never pages, a healthy service stays silent; and the recorded budget.
 *
 * Expectations are written out by hand from the SRE workbook's arithmetic (commented per check), not
 * derived from the builder. Counters rise by a fixed amount per minute, scraped every minute; a rate's
 * ratio over a window is the ratio of the increments inside it.
 */
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import type { AlertRule, RecordingRule, RuleFile } from "../../components/alerting/rules";
import type { Environment, StackConfig } from "../../components/config";
import { ALERT_NAMES, LONGEST_ALERT_WINDOW_DAYS, SLI_WINDOWS, SLO_RECORDS, buildSloRuleFiles, leMatcher } from "../../components/slo/rules";
import { run, scratchDir, stackConfig, tool } from "../alerting/helpers";
import { FAST_BURN, HEALTHY, SLOW_BURN, Traffic, serviceSeries } from "./traffic";

const ENVS: Environment[] = ["dev", "prod"];
const dir = scratchDir("slo-rules");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configs = Object.fromEntries(ENVS.map((e) => [e, stackConfig(e)])) as Record<Environment, StackConfig>;
const files = Object.fromEntries(ENVS.map((e) => [e, buildSloRuleFiles(configs[e])])) as Record<Environment, Record<string, RuleFile>>;

const rulesOf = (f: Record<string, RuleFile>) => Object.values(f).flatMap((x) => x.groups.flatMap((g) => g.rules));
const alertsOf = (f: Record<string, RuleFile>) => rulesOf(f).filter((r): r is AlertRule => "alert" in r);
const recordsOf = (f: Record<string, RuleFile>) => rulesOf(f).filter((r): r is RecordingRule => "record" in r);

const SEEDS_SLOS = {
  availability: { objective: 0.999, windowDays: 30, metric: "http_requests_total" },
  latency: { objective: 0.95, thresholdSeconds: 0.2, windowDays: 30, metric: "http_request_duration_seconds" },
};

/** The prod defaults with the seeds' SLOs on the given services. */
function withServices(...services: string[]): StackConfig {
  return { ...configs.prod, slo: { ...configs.prod.slo, services: services.map((service) => ({ service, ...SEEDS_SLOS })) } };
}

describe("buildSloRuleFiles", () => {
  it("the defaults: the seeds' targets for example-api, in both environments, over each one's SLO window", () => {
    for (const env of ENVS) {
      expect(configs[env].slo.services).toEqual([
        {
          service: "example-api",
          availability: { ...SEEDS_SLOS.availability, windowDays: env === "prod" ? 30 : 7 },
          latency: { ...SEEDS_SLOS.latency, windowDays: env === "prod" ? 30 : 7 },
        },
      ]);
      expect(Object.keys(files[env])).toEqual(["slo.rules.yaml"]);
      expect(files[env]["slo.rules.yaml"].groups.map((g) => g.name)).toEqual(["slo.example-api.availability", "slo.example-api.latency", "slo.alerts"]);
    }
  });

  it("records the SLI error ratio over 5m, 30m, 1h, 2h, 6h, 1d, 3d and the SLO window, the budget and what is left of it", () => {
    expect(SLI_WINDOWS).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
    expect(LONGEST_ALERT_WINDOW_DAYS).toBe(3);
    const [availability] = files.prod["slo.rules.yaml"].groups;
    expect(availability.rules.map((r) => (r as RecordingRule).record)).toEqual([
      "slo:sli_error_events:rate5m",
      "slo:sli_total_events:rate5m",
      "slo:sli_error:ratio_rate5m",
      "slo:sli_error:ratio_rate30m",
      "slo:sli_error:ratio_rate1h",
      "slo:sli_error:ratio_rate2h",
      "slo:sli_error:ratio_rate6h",
      "slo:sli_error:ratio_rate1d",
      "slo:sli_error:ratio_rate3d",
      "slo:sli_error:ratio_rate30d",
      "slo:objective:ratio",
      "slo:error_budget:ratio",
      "slo:time_period:days",
      "slo:period_burn_rate:ratio",
      "slo:period_error_budget_remaining:ratio",
    ]);
    const dev = files.dev["slo.rules.yaml"].groups[0].rules as RecordingRule[];
    expect(dev.find((r) => r.record === "slo:sli_error:ratio_rate7d")?.expr).toBe(
      'sum_over_time(slo:sli_error_events:rate5m{service="example-api", slo="availability"}[7d]) / sum_over_time(slo:sli_total_events:rate5m{service="example-api", slo="availability"}[7d])',
    );
    for (const r of recordsOf(files.prod)) {
      expect([r.record, r.labels]).toEqual([r.record, { service: "example-api", slo: r.labels?.slo }]);
      expect(["availability", "latency"]).toContain(r.labels?.slo);
    }
  });

  it("the SLIs: 5xx share of http_requests_total, and the share of requests above the 0.2 s bucket", () => {
    const find = (slo: string, record: string) => recordsOf(files.prod).find((r) => r.record === record && r.labels?.slo === slo)?.expr;
    expect(find("availability", "slo:sli_error:ratio_rate1h")).toBe(
      '(sum(rate(http_requests_total{service="example-api", status_code=~"5.."}[1h])) or vector(0)) / sum(rate(http_requests_total{service="example-api"}[1h]))',
    );
    expect(find("latency", "slo:sli_error:ratio_rate6h")).toBe(
      '(sum(rate(http_request_duration_seconds_bucket{service="example-api", le="+Inf"}[6h])) - sum(rate(http_request_duration_seconds_bucket{service="example-api", le="0.2"}[6h]))) / sum(rate(http_request_duration_seconds_bucket{service="example-api", le="+Inf"}[6h]))',
    );
    expect(find("availability", "slo:objective:ratio")).toBe("vector(0.999)");
    expect(find("availability", "slo:error_budget:ratio")).toBe("vector(0.001)");
    expect(find("latency", "slo:objective:ratio")).toBe("vector(0.95)");
    expect(find("latency", "slo:error_budget:ratio")).toBe("vector(0.05)");
    expect(find("latency", "slo:time_period:days")).toBe("vector(30)");
    expect(find("latency", "slo:period_error_budget_remaining:ratio")).toBe('1 - slo:period_burn_rate:ratio{service="example-api", slo="latency"}');
  });

  it("the status label, a namespace and an integer bucket bound come from the config", () => {
    const cfg = {
      ...configs.prod,
      alerting: { ...configs.prod.alerting, httpStatusLabel: "status" },
      slo: {
        histogramBuckets: { http_request_duration_seconds: [0.5, 1, 2] },
        services: [{ service: "checkout", namespace: "shop", availability: SEEDS_SLOS.availability, latency: { ...SEEDS_SLOS.latency, thresholdSeconds: 1 } }],
      },
    };
    const records = recordsOf(buildSloRuleFiles(cfg));
    expect(records.find((r) => r.record === "slo:sli_error_events:rate5m" && r.labels?.slo === "availability")?.expr).toBe(
      '(sum(rate(http_requests_total{service="checkout", namespace="shop", status=~"5.."}[5m])) or vector(0))',
    );
    // Prometheus 3 stores the bound as le="1.0"; older series say le="1".
    expect(records.find((r) => r.record === "slo:sli_error_events:rate5m" && r.labels?.slo === "latency")?.expr).toBe(
      '(sum(rate(http_request_duration_seconds_bucket{service="checkout", namespace="shop", le="+Inf"}[5m])) - sum(rate(http_request_duration_seconds_bucket{service="checkout", namespace="shop", le=~"1|1\\\\.0"}[5m])))',
    );
    expect(leMatcher(0.25)).toBe('le="0.25"');
    expect(leMatcher(10)).toBe('le=~"10|10\\\\.0"');
  });

  it("no SLO, no rule file; an availability-only SLO gets only the availability alerts", () => {
    expect(buildSloRuleFiles({ ...configs.prod, slo: { ...configs.prod.slo, services: [] } })).toEqual({});
    const only = buildSloRuleFiles({ ...configs.prod, slo: { ...configs.prod.slo, services: [{ service: "a", availability: SEEDS_SLOS.availability }] } });
    expect(alertsOf(only).map((a) => `${a.alert}/${a.labels.severity}`)).toEqual(["AvailabilityErrorBudgetBurn/critical", "AvailabilityErrorBudgetBurn/warning"]);
  });

  it("page: 14.4× over 1h and 5m or 6× over 6h and 30m (critical); ticket: 3× over 1d and 2h or 1× over 3d and 6h (warning)", () => {
    const alerts = alertsOf(files.prod);
    expect(alerts.map((a) => [a.alert, a.labels, a.for, a.annotations.runbook_url])).toEqual([
      ["AvailabilityErrorBudgetBurn", { severity: "critical", category: "availability" }, undefined, "https://runbooks.platform.internal/observability/availability-error-budget-burn"],
      ["AvailabilityErrorBudgetBurn", { severity: "warning", category: "availability" }, undefined, "https://runbooks.platform.internal/observability/availability-error-budget-burn"],
      ["LatencyErrorBudgetBurn", { severity: "critical", category: "application" }, undefined, "https://runbooks.platform.internal/observability/latency-error-budget-burn"],
      ["LatencyErrorBudgetBurn", { severity: "warning", category: "application" }, undefined, "https://runbooks.platform.internal/observability/latency-error-budget-burn"],
    ]);
    const burn = (w: string, slo: string) => `slo:sli_error:ratio_rate${w}{slo="${slo}"} / on (service, slo) slo:error_budget:ratio`;
    expect(alerts[0].expr).toBe(
      `(${burn("1h", "availability")} > 14.4 and on (service, slo) ${burn("5m", "availability")} > 14.4) or (${burn("6h", "availability")} > 6 and on (service, slo) ${burn("30m", "availability")} > 6)`,
    );
    expect(alerts[3].expr).toBe(
      `(${burn("1d", "latency")} > 3 and on (service, slo) ${burn("2h", "latency")} > 3) or (${burn("3d", "latency")} > 1 and on (service, slo) ${burn("6h", "latency")} > 1)`,
    );
    // Dev's alerts are prod's, with dev's runbook base.
    const devRunbooks = alerts.map((a) => ({ ...a, annotations: { ...a.annotations, runbook_url: a.annotations.runbook_url.replace(configs.prod.runbookBaseUrl, configs.dev.runbookBaseUrl) } }));
    expect(alertsOf(files.dev)).toEqual(devRunbooks);
  });
});

// ------------------------------------------------------------------------------------------------
// promtool

/**
 * Rules are evaluated every 5 minutes (every check falls on one): the samples stay one a minute, so
 * every window's rate is as in production, and the day and a quarter of rate()s over up to 3 days cost
 * promtool a fifth of the time.
 */
const EVALUATION = "5m";

/** One day of healthy traffic, then the burns start at minute 1440 (B). */
const B = 1440;
const END = B + 360;

type Fired = [alert: "availability" | "latency", severity: "critical" | "warning", service: string];

/** The ALERTS series firing at a time: exactly these, for both SLO alerts. */
function alertsAt(minutes: number, fired: Fired[]): object[] {
  return (["availability", "latency"] as const).map((kind) => ({
    expr: `ALERTS{alertname="${ALERT_NAMES[kind]}", alertstate="firing"}`,
    eval_time: `${minutes}m`,
    exp_samples: fired
      .filter(([k]) => k === kind)
      .map(([, severity, service]) => ({
        labels: `ALERTS{alertname="${ALERT_NAMES[kind]}", alertstate="firing", category="${kind === "availability" ? "availability" : "application"}", service="${service}", severity="${severity}", slo="${kind}"}`,
        value: 1,
      })),
  }));
}

/** The burns, checked up to a minute (the mutants need only the first hour of the burn). */
function burnsGroup(untilMinutes = END): object {
  return {
    name: "burns",
    interval: "1m",
    input_series: [
      ...serviceSeries("fast-burn", [
        [HEALTHY, B],
        [FAST_BURN, END - B],
      ]),
      ...serviceSeries("slow-burn", [
        [HEALTHY, B],
        [SLOW_BURN, END - B],
      ]),
      ...serviceSeries("healthy", [[HEALTHY, END]]),
    ],
    promql_expr_test: ([
      // A day at half the budget or less: nothing.
      ...alertsAt(B, []),
      // 5 minutes into the fast burn the 5m ratio is 100× but the 1h one only 8.8× (55 minutes at
      // 0.5×, 5 at 100×): the long window keeps a short blip from paging.
      ...alertsAt(B + 5, []),
      // 15 minutes in, the 1h ratio is 25× (> 14.4) with the 5m one: availability pages. The 3d/6h
      // ticket pair (1×) holds too: the 3d window's ratio is 0.15% over the day and a quarter.
      // Latency's 1h ratio is 4.8× (45 minutes at 0.4×, 15 at 18×): not yet.
      ...alertsAt(B + 15, [
        ["availability", "critical", "fast-burn"],
        ["availability", "warning", "fast-burn"],
      ]),
      // 45 minutes in, latency's 1h ratio is 13.8×: still no page.
      ...alertsAt(B + 45, [
        ["availability", "critical", "fast-burn"],
        ["availability", "warning", "fast-burn"],
      ]),
      // 60 minutes in (within the page's 1h window) latency pages too; its 3d ratio passes 1× (5.5%).
      ...alertsAt(B + 60, [
        ["availability", "critical", "fast-burn"],
        ["availability", "warning", "fast-burn"],
        ["latency", "critical", "fast-burn"],
        ["latency", "warning", "fast-burn"],
      ]),
      // 3 hours into the slow burn (4×) its 3d ratios are 0.89× (availability) and 0.8× (latency):
      // no ticket yet, and never a page (6× needed).
      ...alertsAt(B + 180, [
        ["availability", "critical", "fast-burn"],
        ["availability", "warning", "fast-burn"],
        ["latency", "critical", "fast-burn"],
        ["latency", "warning", "fast-burn"],
      ]),
      // 6 hours in, the 3d ratios are 1.2× and 1.12× with the 6h ones at 4×: a ticket, no page.
      ...alertsAt(B + 360, [
        ["availability", "critical", "fast-burn"],
        ["availability", "warning", "fast-burn"],
        ["availability", "warning", "slow-burn"],
        ["latency", "critical", "fast-burn"],
        ["latency", "warning", "fast-burn"],
        ["latency", "warning", "slow-burn"],
      ]),
    ] as { eval_time: string }[]).filter((c) => Number(c.eval_time.slice(0, -1)) <= untilMinutes),
  };
}

/** Steady traffic from the start: every window has the same ratio, so the alert's value is exact. */
function annotationsGroup(runbookBase: string): object {
  const steadyPage: Traffic = { requests: 2000, errors: 40, timed: 1000, slow: 900 }; // 20× and 18×
  const steadyTicket: Traffic = { requests: 2000, errors: 8, timed: 1000, slow: 200 }; // 4× and 4×
  const exp = (kind: "availability" | "latency", severity: "critical" | "warning", service: string, value: string) => ({
    exp_labels: { severity, category: kind === "availability" ? "availability" : "application", service, slo: kind },
    exp_annotations: {
      summary: `${service} is burning its ${kind} error budget ${severity === "critical" ? "fast" : "steadily"}`,
      description:
        `${service} ${kind === "availability" ? "fails requests" : "answers requests slower than its latency threshold"} at ${value} times the rate its ${kind} objective allows over the long window (1 = the error budget lasts exactly the SLO window). ` +
        (severity === "critical" ? "Pages at 14.4× over 1h and 5m, or 6× over 6h and 30m." : "Opens a ticket at 3× over 1d and 2h, or 1× over 3d and 6h."),
      runbook_url: `${runbookBase}/${kind}-error-budget-burn`,
    },
  });
  return {
    name: "annotations",
    interval: "1m",
    input_series: [...serviceSeries("steady-page", [[steadyPage, 30]]), ...serviceSeries("steady-ticket", [[steadyTicket, 30]])],
    alert_rule_test: [
      // The page's value is the 1h burn rate; the ticket's the 1d one (the first pair that holds).
      { eval_time: "20m", alertname: ALERT_NAMES.availability, exp_alerts: [exp("availability", "critical", "steady-page", "20"), exp("availability", "warning", "steady-page", "20"), exp("availability", "warning", "steady-ticket", "4")] },
      { eval_time: "20m", alertname: ALERT_NAMES.latency, exp_alerts: [exp("latency", "critical", "steady-page", "18"), exp("latency", "warning", "steady-page", "18"), exp("latency", "warning", "steady-ticket", "4")] },
    ],
  };
}

/** The recorded budget of the default example-api: a steady 0.05% of errors and 2% of slow requests. */
function budgetGroup(cfg: StackConfig): object {
  const id = (slo: string) => `{service="example-api", slo="${slo}"}`;
  const rounded = (record: string, slo: string) => `round(${record}${id(slo)}, 0.0001)`;
  const sample = (slo: string, value: number) => ({ labels: `{service="example-api", slo="${slo}"}`, value });
  const days = cfg.slo.services[0].availability!.windowDays;
  return {
    name: `${cfg.environment} budget`,
    interval: "1m",
    input_series: serviceSeries("example-api", [[HEALTHY, 120]]),
    promql_expr_test: [
      { expr: rounded(`slo:sli_error:ratio_rate${days}d`, "availability"), eval_time: "2h", exp_samples: [sample("availability", 0.0005)] },
      // Half the budget spent: 0.05% of errors against 0.1%; 2% of slow requests against 5% leaves 60%.
      { expr: rounded(SLO_RECORDS.periodBurnRate, "availability"), eval_time: "2h", exp_samples: [sample("availability", 0.5)] },
      { expr: rounded(SLO_RECORDS.budgetRemaining, "availability"), eval_time: "2h", exp_samples: [sample("availability", 0.5)] },
      { expr: rounded(SLO_RECORDS.budgetRemaining, "latency"), eval_time: "2h", exp_samples: [sample("latency", 0.6)] },
      { expr: rounded("slo:sli_error:ratio_rate1h", "latency"), eval_time: "2h", exp_samples: [sample("latency", 0.02)] },
      { expr: `${SLO_RECORDS.periodDays}${id("latency")}`, eval_time: "1m", exp_samples: [{ labels: `${SLO_RECORDS.periodDays}${id("latency")}`, value: days }] },
      { expr: `${SLO_RECORDS.objective}${id("availability")}`, eval_time: "1m", exp_samples: [{ labels: `${SLO_RECORDS.objective}${id("availability")}`, value: 0.999 }] },
    ],
  };
}

describe("promtool", () => {
  const promtool = () => tool("promtool");
  /**
   * The test files of a rule file. Prometheus evaluates groups concurrently, so in production the
   * alerts may read recorded series one evaluation old; the tests evaluate the recordings first.
   */
  const testFile = (rules: RuleFile, tests: object[]) => ({
    rule_files: ["rules/slo.rules.yaml"],
    evaluation_interval: EVALUATION,
    group_eval_order: rules.groups.map((g) => g.name),
    tests,
  });
  const write = (name: string, content: object) => {
    const path = join(dir, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, stringify(content));
    return path;
  };

  it("check rules accepts the SLO rules of dev and prod", () => {
    const paths = ENVS.map((e) => write(`${e}/slo.rules.yaml`, files[e]["slo.rules.yaml"]));
    const out = run(promtool(), ["check", "rules", ...paths]);
    expect(out).toContain(`Checking ${paths[0]}\n  SUCCESS: 34 rules found`);
    expect(out).toContain(`Checking ${paths[1]}\n  SUCCESS: 34 rules found`);
  });

  it("test rules: fast burns page within the page window, slow burns open a ticket and never page, healthy services stay silent; the annotations; the recorded budget (dev and prod)", () => {
    const cfg = withServices("fast-burn", "slow-burn", "healthy", "steady-page", "steady-ticket");
    const rules = buildSloRuleFiles(cfg)["slo.rules.yaml"];
    write("burns/rules/slo.rules.yaml", rules);
    const burns = write("burns/slo.test.yaml", testFile(rules, [burnsGroup(), annotationsGroup(cfg.runbookBaseUrl)]));
    const budgets = ENVS.map((e) => {
      write(`${e}/budget/rules/slo.rules.yaml`, files[e]["slo.rules.yaml"]);
      return write(`${e}/budget/slo.test.yaml`, testFile(files[e]["slo.rules.yaml"], [budgetGroup(configs[e])]));
    });
    const out = run(promtool(), ["test", "rules", burns, ...budgets]);
    expect(out.match(/SUCCESS/g)?.length).toBe(3);
  });

  it("the burn tests have teeth: a page without its short window, or with the ticket's factors, fails them", () => {
    const cfg = withServices("fast-burn", "slow-burn", "healthy");
    const file = buildSloRuleFiles(cfg)["slo.rules.yaml"];
    const mutate = (f: (r: AlertRule) => AlertRule): RuleFile => ({
      groups: file.groups.map((g) => (g.name === "slo.alerts" ? { ...g, rules: (g.rules as AlertRule[]).map(f) } : g)),
    });
    const cases: [string, RuleFile, RegExp][] = [
      // Without the 1h window, 5 minutes of a fast burn page.
      ["no long window", mutate((r) => (r.labels.severity === "critical" ? { ...r, expr: r.expr.replace(/slo:sli_error:ratio_rate1h/g, "slo:sli_error:ratio_rate5m") } : r)), /time: 1d5m,[\s\S]*got:[^\n]*service="fast-burn", severity="critical"/],
      // A page at the ticket's factors pages on the slow burn.
      ["page at 1×", mutate((r) => (r.labels.severity === "critical" ? { ...r, expr: r.expr.replace(/> 6\b/g, "> 1").replace(/> 14\.4/g, "> 3") } : r)), /got:[^\n]*service="slow-burn", severity="critical"/],
    ];
    for (const [name, rules, failure] of cases) {
      write(`mutant-${name.replace(/\W+/g, "-")}/rules/slo.rules.yaml`, rules);
      const test = write(`mutant-${name.replace(/\W+/g, "-")}/slo.test.yaml`, testFile(rules, [burnsGroup(B + 60)]));
      expect(() => run(promtool(), ["test", "rules", test])).toThrow(failure);
    }
  });
});

/**
 * A peer's cross-check: sloth (pinned in tools/sloth) generates rules from the same SLOs, written as its
 * prometheus/v1 spec with our SLI queries, and its windows, burn-rate factors and error budgets must be
 * the ones components/slo/rules.ts generates. Both sides are parsed from the generated rule files, not
 * taken from our constants.
 *
 * Sloth's default catalogue has 30- and 28-day SLO periods; the prod defaults (30 days) are compared.
 * Its factors are budget shares per window (2% in 1h, 5% in 6h, 10% in 1d, 10% in 3d), which for 30
 * days are exactly the workbook's 14.4, 6, 3 and 1.
 */
import { execFileSync } from "child_process";
import { rmSync, writeFileSync, readFileSync } from "fs";
import { join } from "path";
import YAML from "yaml";
import type { AlertRule, RecordingRule, RuleFile } from "../../components/alerting/rules";
import { ALERT_NAMES, buildSloRuleFiles, slosOf, windowMinutes } from "../../components/slo/rules";
import { scratchDir, stackConfig, tool } from "../alerting/helpers";

const dir = scratchDir("slo-sloth");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = stackConfig("prod");
const slos = slosOf(cfg.slo, cfg.alerting.httpStatusLabel);
const ours = buildSloRuleFiles(cfg)["slo.rules.yaml"];

/** Sloth's prometheus/v1 spec of one service's SLOs: our SLI queries, its {{.window}} placeholder. */
function slothSpec(service: string): object {
  return {
    version: "prometheus/v1",
    service,
    slos: slos
      .filter((s) => s.service === service)
      .map((s) => ({
        name: s.kind,
        // Sloth takes a percentage.
        objective: Number((s.objective * 100).toPrecision(12)),
        sli: { events: { error_query: s.errors("{{.window}}"), total_query: s.total("{{.window}}") } },
        alerting: {
          name: ALERT_NAMES[s.kind],
          page_alert: { labels: { severity: "critical" } },
          ticket_alert: { labels: { severity: "warning" } },
        },
      })),
  };
}

interface Pair {
  long: string;
  short: string;
  factor: number;
}

const byDuration = (a: string, b: string) => windowMinutes(a) - windowMinutes(b);
const pairOf = (windows: string[], factors: number[]): Pair => {
  expect(new Set(factors).size).toBe(1);
  const [short, long] = [...windows].sort(byDuration);
  return { long, short, factor: factors[0] };
};

/** (alert, severity) → its window pairs, from sloth's `max(slo:sli_error:ratio_rate5m{…} > (14.4 * 0.000…)) without (sloth_window)`. */
function slothAlerts(file: RuleFile): Record<string, Pair[]> {
  const out: Record<string, Pair[]> = {};
  for (const r of file.groups.flatMap((g) => g.rules).filter((r): r is AlertRule => "alert" in r)) {
    out[`${r.alert}/${r.labels.severity}`] = r.expr.split(/\n\s*or\s*\n/).map((block) => {
      const terms = [...block.matchAll(/slo:sli_error:ratio_rate(\w+)\{[^}]*\} > \(([\d.]+) \* ([\d.e-]+)\)/g)];
      expect(terms).toHaveLength(2);
      return pairOf(
        terms.map((t) => t[1]),
        terms.map((t) => Number(t[2])),
      );
    });
  }
  return out;
}

/** The same from ours: `slo:sli_error:ratio_rate1h{slo="…"} / on (service, slo) slo:error_budget:ratio > 14.4`. */
function ourAlerts(file: RuleFile): Record<string, Pair[]> {
  const out: Record<string, Pair[]> = {};
  for (const r of file.groups.flatMap((g) => g.rules).filter((r): r is AlertRule => "alert" in r)) {
    out[`${r.alert}/${r.labels.severity}`] = r.expr.split(/\) or \(/).map((block) => {
      const terms = [...block.matchAll(/slo:sli_error:ratio_rate(\w+)\{slo="\w+"\} \/ on \(service, slo\) slo:error_budget:ratio > ([\d.]+)/g)];
      expect(terms).toHaveLength(2);
      return pairOf(
        terms.map((t) => t[1]),
        terms.map((t) => Number(t[2])),
      );
    });
  }
  return out;
}

const records = (file: RuleFile) => file.groups.flatMap((g) => g.rules).filter((r): r is RecordingRule => "record" in r);
/** Parentheses and spaces aside: sloth wraps each query in parentheses of its own. */
const bare = (expr: string) => expr.replace(/[\s()]/g, "");

describe("sloth v0.16.0 generates the same SLO rules from the same spec", () => {
  const generated: Record<string, RuleFile> = {};
  beforeAll(() => {
    for (const service of new Set(slos.map((s) => s.service))) {
      const spec = join(dir, `${service}.sloth.yaml`);
      const out = join(dir, `${service}.rules.yaml`);
      writeFileSync(spec, YAML.stringify(slothSpec(service)));
      execFileSync(tool("sloth"), ["generate", "--input", spec, "--out", out, "--default-slo-period", `${slos[0].windowDays}d`], { stdio: ["ignore", "pipe", "pipe"] });
      generated[service] = YAML.parse(readFileSync(out, "utf8")) as RuleFile;
    }
  });

  it("compares the prod defaults: example-api, availability 99.9% and latency 95% within 0.2 s, over 30 days", () => {
    expect(Object.keys(generated)).toEqual(["example-api"]);
    expect(slos.map((s) => [s.kind, s.objective, s.windowDays])).toEqual([
      ["availability", 0.999, 30],
      ["latency", 0.95, 30],
    ]);
  });

  it("the same windows: 5m, 30m, 1h, 2h, 6h, 1d, 3d and the 30-day SLO window, per SLO", () => {
    for (const s of slos) {
      const theirs = records(generated[s.service])
        .filter((r) => r.record.startsWith("slo:sli_error:ratio_rate") && r.labels?.sloth_slo === s.kind)
        .map((r) => r.labels?.sloth_window as string);
      const mine = records(ours)
        .filter((r) => r.record.startsWith("slo:sli_error:ratio_rate") && r.labels?.slo === s.kind)
        .map((r) => r.record.replace("slo:sli_error:ratio_rate", ""));
      expect([s.kind, [...mine].sort(byDuration)]).toEqual([s.kind, [...theirs].sort(byDuration)]);
      expect([...mine].sort(byDuration)).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"]);
    }
  });

  it("the same burn-rate factors on the same window pairs, page as critical and ticket as warning", () => {
    const theirs = slothAlerts(generated["example-api"]);
    const mine = ourAlerts(ours);
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    for (const k of Object.keys(theirs)) expect([k, mine[k]]).toEqual([k, theirs[k]]);
    expect(mine["AvailabilityErrorBudgetBurn/critical"]).toEqual([
      { long: "1h", short: "5m", factor: 14.4 },
      { long: "6h", short: "30m", factor: 6 },
    ]);
    expect(mine["LatencyErrorBudgetBurn/warning"]).toEqual([
      { long: "1d", short: "2h", factor: 3 },
      { long: "3d", short: "6h", factor: 1 },
    ]);
  });

  it("the same error budgets and objectives", () => {
    const value = (r: RecordingRule | undefined) => Number(/^vector\((?:1-)?([\d.]+)\)$/.exec(r?.expr ?? "")?.[1]);
    for (const s of slos) {
      const theirs = records(generated[s.service]).filter((r) => r.labels?.sloth_slo === s.kind);
      const mine = records(ours).filter((r) => r.labels?.slo === s.kind);
      expect(value(theirs.find((r) => r.record === "slo:objective:ratio"))).toBeCloseTo(value(mine.find((r) => r.record === "slo:objective:ratio")), 12);
      // Sloth records the budget as vector(1-objective).
      expect(1 - value(theirs.find((r) => r.record === "slo:error_budget:ratio"))).toBeCloseTo(value(mine.find((r) => r.record === "slo:error_budget:ratio")), 12);
      expect(theirs.find((r) => r.record === "slo:time_period:days")?.expr).toBe(mine.find((r) => r.record === "slo:time_period:days")?.expr);
    }
  });

  it("the same SLI over every alert window (sloth computes the 30-day one differently: a mean of 5-minute ratios)", () => {
    for (const s of slos) {
      for (const w of ["30m", "1h", "2h", "6h", "1d", "3d"]) {
        const theirs = records(generated[s.service]).find((r) => r.record === `slo:sli_error:ratio_rate${w}` && r.labels?.sloth_slo === s.kind);
        const mine = records(ours).find((r) => r.record === `slo:sli_error:ratio_rate${w}` && r.labels?.slo === s.kind);
        expect([s.kind, w, bare(theirs!.expr)]).toEqual([s.kind, w, bare(mine!.expr)]);
      }
    }
  });
});

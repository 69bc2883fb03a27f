/**
 * The scrape and evaluation bounds are derived from the rules: every range window a rule reads holds
 * at least MIN_SAMPLES_PER_RULE_WINDOW samples at the longest allowed scrape interval, and no window is
 * shorter than the one the bound was derived from.
 */
import { buildRuleFiles, type RuleFile } from "../../components/alerting/rules";
import {
  LOOKBACK_DELTA_SECONDS,
  MAX_EVALUATION_INTERVAL_SECONDS,
  MAX_SCRAPE_INTERVAL_SECONDS,
  MIN_SAMPLES_PER_RULE_WINDOW,
  SHORTEST_RULE_WINDOW_SECONDS,
} from "../../components/alerting/schema";
import { stackConfigSchema } from "../../components/config";
import { stackConfig } from "../alerting/helpers";

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

function windowsOf(files: Record<string, RuleFile>): number[] {
  const exprs = Object.values(files).flatMap((f) => f.groups.flatMap((g) => g.rules.map((r) => r.expr)));
  return exprs.flatMap((e) => [...e.matchAll(/\[(\d+)([smhd])(?::[^\]]*)?\]/g)].map((m) => Number(m[1]) * UNIT[m[2]]));
}

describe("rule windows and the interval bounds", () => {
  it.each(["dev", "prod"] as const)("%s: no rule window is shorter than SHORTEST_RULE_WINDOW_SECONDS", (env) => {
    const windows = windowsOf(buildRuleFiles(stackConfig(env)));
    expect(windows.length).toBeGreaterThan(20);
    expect(Math.min(...windows)).toBe(SHORTEST_RULE_WINDOW_SECONDS);
  });

  it("the longest scrape interval leaves four samples in the shortest window", () => {
    expect(MAX_SCRAPE_INTERVAL_SECONDS).toBe(75);
    expect(SHORTEST_RULE_WINDOW_SECONDS / MAX_SCRAPE_INTERVAL_SECONDS).toBeGreaterThanOrEqual(MIN_SAMPLES_PER_RULE_WINDOW);
    expect(SHORTEST_RULE_WINDOW_SECONDS / (MAX_SCRAPE_INTERVAL_SECONDS + 1)).toBeLessThan(MIN_SAMPLES_PER_RULE_WINDOW);
  });

  it("two evaluation intervals stay inside the lookback", () => {
    expect(2 * MAX_EVALUATION_INTERVAL_SECONDS).toBeLessThan(LOOKBACK_DELTA_SECONDS);
  });

  it("the schema holds prometheus.scrapeIntervalSeconds and evaluationIntervalSeconds to them", () => {
    const prom = stackConfigSchema.shape.prometheus.shape;
    expect([prom.scrapeIntervalSeconds.minValue, prom.scrapeIntervalSeconds.maxValue]).toEqual([5, MAX_SCRAPE_INTERVAL_SECONDS]);
    expect([prom.evaluationIntervalSeconds.minValue, prom.evaluationIntervalSeconds.maxValue]).toEqual([5, MAX_EVALUATION_INTERVAL_SECONDS]);
  });
});

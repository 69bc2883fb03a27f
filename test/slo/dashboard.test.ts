/**
 * The SLO dashboard against the SLO rules: every query it runs, with its variables set to "all",
 * evaluated by promtool over the prod rules and two hours of the example service's traffic, returns
 * the budget, burn rates and SLIs written out below. (test/dashboards checks it like every dashboard:
 * lint, variables, known metrics.)
 */
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { allDashboards } from "../../dashboards";
import { buildSloRuleFiles } from "../../components/slo/rules";
import { run, scratchDir, stackConfig, tool } from "../alerting/helpers";
import { HEALTHY, serviceSeries } from "./traffic";

const dir = scratchDir("slo-dashboard");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string; legendFormat?: string }[];
}
const spec = allDashboards().find((d) => d.uid === "obs-slo")!;
const model = spec.json as { title: string; panels: Panel[]; templating: { list: { name: string; query?: string }[] }; time: { from: string } };
const panels = model.panels.filter((p) => p.type !== "row");

/** A dashboard query with $environment and $service set to "all" (their allValue). */
const all = (expr: string) => expr.replace(/\$environment/g, ".*").replace(/\$service/g, ".+");

/** The results of the example service's SLOs: availability 0.05% of errors, latency 2% slow. */
const bySlo = (availability: number, latency: number) => [
  { labels: '{service="example-api", slo="availability"}', value: availability },
  { labels: '{service="example-api", slo="latency"}', value: latency },
];

/** What each panel's queries return, rounded to 4 decimals, in the order of their targets. */
const EXPECTED: Record<string, { labels: string; value: number }[][]> = {
  // 1 − 0.05%/0.1% and 1 − 2%/5%.
  "Error budget remaining": [bySlo(0.5, 0.6)],
  "SLI over the SLO window": [bySlo(0.9995, 0.98)],
  Objective: [bySlo(0.999, 0.95)],
  // Burn rates 0.5 and 0.4 over every window: 1h, 5m, 6h, 30m.
  "Burn rate: page windows": [bySlo(0.5, 0.4), bySlo(0.5, 0.4), bySlo(0.5, 0.4), bySlo(0.5, 0.4)],
  // 1d, 2h, 3d, 6h.
  "Burn rate: ticket windows": [bySlo(0.5, 0.4), bySlo(0.5, 0.4), bySlo(0.5, 0.4), bySlo(0.5, 0.4)],
  "Error budget remaining over time": [bySlo(0.5, 0.6)],
  "SLI over time": [bySlo(0.9995, 0.98), bySlo(0.9995, 0.98), bySlo(0.999, 0.95)],
  // Nothing burns.
  "Burning now": [[]],
};

describe("the SLO dashboard", () => {
  it("is in the Applications folder, over a week, with $service listing the services that have SLOs", () => {
    expect([spec.folder, model.title, model.time.from]).toEqual(["applications", "Service-level objectives", "now-7d"]);
    expect(model.templating.list.find((v) => v.name === "service")?.query).toBe('label_values(slo:objective:ratio{environment=~"$environment"}, service)');
    expect(panels.map((p) => p.title)).toEqual(Object.keys(EXPECTED));
    expect(panels.find((p) => p.title === "Burn rate: page windows")?.targets?.map((t) => t.legendFormat)).toEqual(
      ["1h", "5m", "6h", "30m"].map((w) => `{{service}} {{slo}} ${w}`),
    );
  });

  it("every query returns the example service's budget, burn rates and SLI from the generated rules (promtool)", () => {
    const cfg = stackConfig("prod");
    const rules = buildSloRuleFiles(cfg)["slo.rules.yaml"];
    mkdirSync(join(dir, "rules"), { recursive: true });
    writeFileSync(join(dir, "rules", "slo.rules.yaml"), stringify(rules));
    const promql_expr_test = panels.flatMap((p) =>
      (p.targets ?? []).map((t, i) => {
        const expr = all(t.expr);
        // The alerts table reads ALERTS raw; the other queries' values are rounded.
        return p.title === "Burning now" ? { expr, eval_time: "2h", exp_samples: [] } : { expr: `round(${expr}, 0.0001)`, eval_time: "2h", exp_samples: EXPECTED[p.title][i] };
      }),
    );
    expect(promql_expr_test).toHaveLength(16);
    const test = join(dir, "dashboard.test.yaml");
    writeFileSync(
      test,
      stringify({
        rule_files: ["rules/slo.rules.yaml"],
        evaluation_interval: "1m",
        group_eval_order: rules.groups.map((g) => g.name),
        tests: [{ name: "slo dashboard", interval: "1m", input_series: serviceSeries("example-api", [[HEALTHY, 120]]), promql_expr_test }],
      }),
    );
    expect(run(tool("promtool"), ["test", "rules", test])).toContain("SUCCESS");
  });
});

/**
 * Grafana's own dashboard linter (tools/dashboard-linter, v0.3.0) on every dashboard, in strict mode:
 * any error or warning fails. The rules excluded in dashboards/lint.ts each state why.
 */
import { execFileSync, spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { allDashboards } from "../../dashboards";
import { LINT_EXCLUSIONS, lintConfig } from "../../dashboards/lint";
import { tool, toolPath } from "../helpers/tools";

const LINTER = toolPath("dashboard-linter");

function lint(dir: string, file: string, json: object): { status: number | null; out: string } {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(json, null, 2));
  const r = spawnSync(LINTER, ["lint", "--strict", "-c", join(dir, ".lint"), path], { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("dashboard-linter --strict", () => {
  let dir: string;
  beforeAll(() => {
    tool("dashboard-linter");
    dir = mkdtempSync(join(tmpdir(), "dashboards-"));
    writeFileSync(join(dir, ".lint"), stringify(lintConfig()));
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  test("is built and knows the rules we rely on and exclude", () => {
    const rules = execFileSync(LINTER, ["rules"], { encoding: "utf8" });
    for (const rule of ["panel-datasource-rule", "template-datasource-rule", "target-promql-rule", "target-logql-rule", "target-rate-interval-rule", "panel-units-rule", "uneditable-dashboard"]) {
      expect(rules).toContain(rule);
    }
    for (const excluded of Object.keys(LINT_EXCLUSIONS)) expect(rules).toContain(excluded);
  });

  test.each(allDashboards().map((d) => [d.uid, d] as const))("%s passes", (uid, d) => {
    const r = lint(dir, `${uid}.json`, d.json);
    expect({ uid, status: r.status, errors: r.out.split("\n").filter((l) => /❌|⚠|error|warning/i.test(l)) }).toEqual({ uid, status: 0, errors: [] });
  });

  test("fails a dashboard with a hard-coded datasource (the linter is really run)", () => {
    const d = structuredClone(allDashboards()[0].json) as { panels: { type: string; datasource?: { uid: string } }[] };
    const panel = d.panels.find((p) => p.type === "timeseries")!;
    panel.datasource = { uid: "prometheus" };
    const r = lint(dir, "hard-coded.json", d);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("does not use a templated datasource, uses 'prometheus'");
  });

  test("every exclusion states its reason", () => {
    for (const [rule, e] of Object.entries(LINT_EXCLUSIONS)) expect({ rule, long: e.reason.length > 30 }).toEqual({ rule, long: true });
  });
});

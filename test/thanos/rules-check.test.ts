/**
 * The generated rule files (alerting and SLO, dev and prod) pass `thanos tools rules-check` of the
 * pinned thanos binary (tools/thanos), the check Thanos' own rule evaluation applies: rules stay on
 * each Prometheus, but the files must remain valid for a Thanos ruler to load unchanged. A missing
 * binary fails this file, naming the command that builds it.
 */
import { spawnSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { buildRuleFiles } from "../../components/alerting/rules";
import { buildSloRuleFiles } from "../../components/slo/rules";
import { scratchDir, stackConfig, tool } from "../alerting/helpers";

/** `thanos tools rules-check` over files: its exit code and its log (which it writes to stderr). */
function rulesCheck(thanos: string, paths: string[]): { status: number | null; log: string } {
  const r = spawnSync(thanos, ["tools", "rules-check", ...paths.map((p) => `--rules=${p}`)], { encoding: "utf8" });
  return { status: r.status, log: `${r.stdout}${r.stderr}` };
}

describe.each(["dev", "prod"] as const)("thanos tools rules-check: %s", (env) => {
  const dir = scratchDir(`thanos-rules-${env}`);
  const cfg = stackConfig(env);
  const files = { ...buildRuleFiles(cfg), ...buildSloRuleFiles(cfg) };

  test("every generated rule file passes, and the check counts every rule", () => {
    const thanos = tool("thanos");
    const paths = Object.entries(files).map(([name, body]) => {
      const path = join(dir, name);
      writeFileSync(path, stringify(body));
      return path;
    });
    expect(paths.length).toBeGreaterThanOrEqual(2);
    const r = rulesCheck(thanos, paths);
    expect([r.status, r.log]).toEqual([0, expect.stringContaining("result=SUCCESS")]);
    // One SUCCESS line per file, with the number of rules the file holds.
    const found = [...r.log.matchAll(/result=SUCCESS rulesfound=(\d+)/g)].map((m) => Number(m[1]));
    const rules = Object.values(files).map((f) => (f as { groups: { rules: unknown[] }[] }).groups.reduce((n, g) => n + g.rules.length, 0));
    expect(found.sort((a, b) => a - b)).toEqual(rules.sort((a, b) => a - b));
    expect(rules.reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
  });

  test("a broken rule is refused (the check is real)", () => {
    const thanos = tool("thanos");
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, stringify({ groups: [{ name: "bad", rules: [{ alert: "Broken", expr: "rate(up[5m]" }] }] }));
    const r = rulesCheck(thanos, [bad]);
    expect(r.status).toBe(1);
    expect(r.log).toMatch(/parse error|unclosed|expected/i);
  });
});

/**
 * The rule files Prometheus mounts, pinned byte for byte: each one as the Prometheus component
 * serialises it (yaml `stringify`) for the dev and prod defaults, against the copies under
 * fixtures/rules/<env>/. Moving rule code between files must leave these unchanged; a change to a
 * rule shows up here as a diff to review.
 *
 * After an intended change to a rule:
 *   UPDATE_RULE_FIXTURES=1 npx jest test/alerting/rendered-rules.test.ts
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import type { Environment } from "../../components/config";
import { buildRuleFiles } from "../../components/alerting/rules";
import { buildSloRuleFiles } from "../../components/slo/rules";
import { stackConfig } from "./helpers";

const FIXTURES = path.join(__dirname, "fixtures", "rules");

/** What components/stack.ts hands the Prometheus component, serialised the way the component does. */
function rendered(env: Environment): Record<string, string> {
  const cfg = stackConfig(env);
  const files = { ...buildRuleFiles(cfg), ...buildSloRuleFiles(cfg) };
  return Object.fromEntries(Object.entries(files).map(([name, body]) => [name, stringify(body)]));
}

describe.each(["dev", "prod"] as const)("rule files of %s", (env) => {
  const dir = path.join(FIXTURES, env);
  const files = rendered(env);
  if (process.env.UPDATE_RULE_FIXTURES) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  }

  test("the same files as the fixture", () => {
    expect(Object.keys(files).sort()).toEqual(fs.readdirSync(dir).sort());
  });

  test.each(fs.readdirSync(dir).sort())("%s is byte-identical to the fixture", (name) => {
    expect(files[name]).toBe(fs.readFileSync(path.join(dir, name), "utf8"));
  });
});

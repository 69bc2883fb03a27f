/**
 * Prints the config reference (every key, its dev and prod default) as a Markdown table, from the
 * schema's defaults, so the README cannot drift from the code: `npm run docs:config` rewrites the
 * README section between the markers, and a test fails when it is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS, SECRET_KEYS, PROJECT } from "../components/config";

export const BEGIN = "<!-- config-reference:begin -->";
export const END = "<!-- config-reference:end -->";

function flatten(v: unknown, prefix: string, out: Map<string, unknown>): void {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, v);
  }
}

const show = (v: unknown) => (v === undefined ? "—" : `\`${JSON.stringify(v)}\``);

export function configReference(): string {
  const dev = new Map<string, unknown>();
  const prod = new Map<string, unknown>();
  flatten(DEFAULTS.dev, "", dev);
  flatten(DEFAULTS.prod, "", prod);
  const keys = [...new Set([...dev.keys(), ...prod.keys()])];
  const rows = keys.map((k) => `| \`${PROJECT}:${k}\` | ${show(dev.get(k))} | ${show(prod.get(k))} |`);
  const secrets = Object.entries(SECRET_KEYS).map(([k, d]) => `| \`${PROJECT}:${k}\` | ${d} |`);
  return [
    BEGIN,
    "| key | dev default | prod default |",
    "| --- | --- | --- |",
    ...rows,
    "",
    "Secrets (`pulumi config set --secret KEY VALUE`; required only when the feature that uses them is on):",
    "",
    "| key | what |",
    "| --- | --- |",
    ...secrets,
    END,
  ].join("\n");
}

export function readmeWithReference(readme: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
  return readme.slice(0, a) + configReference() + readme.slice(b + END.length);
}

if (require.main === module) {
  const file = path.join(__dirname, "..", "README.md");
  fs.writeFileSync(file, readmeWithReference(fs.readFileSync(file, "utf8")));
  console.log("README.md config reference updated");
}

/**
 * Prints the config reference as Markdown — every key of the schema with its dev and prod default and
 * what it allows, then every cross-field rule and the secrets — from the schema and the defaults, so
 * the README cannot drift from the code: `npm run docs:config` rewrites the README section between
 * the markers, and a test fails when it is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { SchemaLeaf, schemaLeaves } from "../components/config/coerce";
import { CROSS_FIELD_RULES, DEFAULTS, PROJECT, SECRET_KEYS, stackConfigSchema } from "../components/config";

export const BEGIN = "<!-- config-reference:begin -->";
export const END = "<!-- config-reference:end -->";

function valueAt(v: unknown, keys: string[]): unknown {
  let cur = v;
  for (const k of keys) cur = cur && typeof cur === "object" && !Array.isArray(cur) ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

type Leaf = SchemaLeaf;
const leaves = schemaLeaves;

type CheckDef = { check: string; value?: number; inclusive?: boolean; minimum?: number; maximum?: number; format?: string; error?: () => string };
const defsOf = (s: z.ZodType): CheckDef[] => ((s._zod.def as { checks?: { _zod: { def: CheckDef } }[] }).checks ?? []).map((c) => c._zod.def);

/** Keys whose allowed values are a rule the checks do not spell out. */
const ALLOWED_OVERRIDES: Record<string, string> = {
  "aws.snapshots.schedule": "an Elasticsearch cron expression, every field in its range (see the rules below)",
  "placement.zones": 'a list of label values (`["zone-a", "zone-b", "zone-c"]`); empty: plain awareness',
  "prometheus.staticTargets": "a list of `{job, targets: [\"host:port\"], metricsPath, scheme, labels}` (see Adding a scrape target)",
};

/** What a leaf allows, from its checks. */
function allowed(leaf: Leaf): string {
  const over = ALLOWED_OVERRIDES[leaf.path.join(".")];
  if (over) return over;
  const s = leaf.schema;
  if (s instanceof z.ZodBoolean) return "true or false";
  if (s instanceof z.ZodEnum) return (s.options as string[]).map((o) => `\`"${o}"\``).join(", ");
  if (s instanceof z.ZodNumber) {
    const d = defsOf(s);
    const lo = d.find((c) => c.check === "greater_than");
    const hi = d.find((c) => c.check === "less_than");
    const kind = s.isInt ? "integer" : "number";
    const parts = [lo && `${lo.inclusive ? ">=" : ">"} ${lo.value}`, hi && `${hi.inclusive ? "<=" : "<"} ${hi.value}`].filter(Boolean);
    return `${kind} ${parts.join(", ")}`.trim();
  }
  if (s instanceof z.ZodString) {
    const d = defsOf(s);
    const formats = d.filter((c) => c.check === "string_format").map((c) => (c.format === "regex" ? (c.error?.() ?? "text") : c.format === "email" ? "an e-mail address" : `a ${c.format}`));
    const min = d.find((c) => c.check === "min_length")?.minimum;
    const max = d.find((c) => c.check === "max_length")?.maximum;
    const length = min !== undefined && max !== undefined ? `${min} to ${max} characters` : max !== undefined ? `at most ${max} characters` : min !== undefined ? `at least ${min} character${min === 1 ? "" : "s"}` : "";
    return [...formats, length].filter(Boolean).join("; ") || "text";
  }
  return s.constructor.name;
}

const show = (v: unknown) => (v === undefined ? "—" : `\`${JSON.stringify(v)}\``);
/** A table cell: pipes escaped, and `<word>` kept as text rather than read as an HTML tag. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/<(?=[a-z])/gi, "\\<");

export function configReference(): string {
  const rows = leaves(stackConfigSchema)
    .filter((l) => l.path[0] !== "environment")
    .map((l) => `| \`${PROJECT}:${l.path.join(".")}\` | ${show(valueAt(DEFAULTS.dev, l.path))} | ${show(valueAt(DEFAULTS.prod, l.path))} | ${cell(allowed(l))} |`);
  const secrets = Object.entries(SECRET_KEYS).map(([k, d]) => `| \`${PROJECT}:${k}\` | ${d} |`);
  return [
    BEGIN,
    "| key | dev default | prod default | allowed |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    "Rules across keys (checked with the per-key bounds above, all reported in one run):",
    "",
    ...CROSS_FIELD_RULES.map((r) => `- ${r}`),
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

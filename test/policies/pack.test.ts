/**
 * The pack's shape: names, metadata and property order as CONVENTIONS.md asks, a test file per
 * policy (test/policies/<concern>/<policy>.test.ts, as pulumi/compliance-policies has a spec per
 * policy), and per-environment config files that only name existing policies and declared
 * properties of the declared types (the engine rejects a config that does not validate against a
 * policy's schema).
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import devConfig from "../../policies/config/dev.json";
import prodConfig from "../../policies/config/prod.json";
import { ALL_POLICIES, AVAILABILITY_POLICIES } from "../../policies/policies";

const POLICY_DIR = path.join(__dirname, "../../policies");
const policyFiles = ["retention", "labels", "security", "availability"].flatMap((d) =>
  fs.readdirSync(path.join(POLICY_DIR, d)).map((f) => path.join(POLICY_DIR, d, f)),
);

test("every policy file is in the pack, one policy per file, named after its file", () => {
  expect(policyFiles.map((f) => path.basename(f, ".ts")).sort()).toEqual(ALL_POLICIES.map((p) => p.name).sort());
});

/** A policy's test file: policies/<concern>/<policy>.ts is tested by test/policies/<concern>/<policy>.test.ts. */
function testFileOf(policy: string): string {
  const file = policyFiles.find((f) => path.basename(f, ".ts") === policy);
  return file ? path.join(__dirname, path.relative(POLICY_DIR, file).replace(/\.ts$/, ".test.ts")) : `(no policy file for ${policy})`;
}

test("every policy of the pack has its test file, named after it, and every test file is a policy's", () => {
  const testFiles = ["retention", "labels", "security", "availability"].flatMap((d) =>
    fs.readdirSync(path.join(__dirname, d)).filter((f) => f.endsWith(".test.ts")).map((f) => path.join(__dirname, d, f)),
  );
  const rel = (f: string) => path.relative(__dirname, f);
  expect(testFiles.map(rel).sort()).toEqual(ALL_POLICIES.map((p) => rel(testFileOf(p.name))).sort());
});

describe.each(ALL_POLICIES.map((p) => [p.name, p] as const))("%s", (name, policy) => {
  const file = policyFiles.find((f) => path.basename(f, ".ts") === name)!;
  const source = fs.readFileSync(file, "utf8");

  test("kebab-case name, a sentence as description, a severity, a config schema", () => {
    expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
    expect(policy.description).toMatch(/^[A-Z].*\.$/);
    expect(["low", "medium", "high", "critical"]).toContain(policy.severity);
    expect(policy.configSchema).toBeDefined();
  });

  test("its test file is named after it and describes it", () => {
    expect(fs.readFileSync(testFileOf(name), "utf8")).toContain(`describe("${name}", () => {`);
  });

  test("TSDoc names the policy and its severity", () => {
    expect(source).toMatch(new RegExp(`^/\\*\\*\\n \\* ${name}: `));
    expect(source).toContain(` * Severity: ${policy.severity}.`);
  });

  test("properties in the conventional order: name, description, configSchema, enforcementLevel, validate*", () => {
    const body = source.slice(source.indexOf(`name: "${name}"`));
    const at = (key: string) => body.search(new RegExp(`\\n\\s{2}${key}:`));
    const order = ["description", "configSchema", "enforcementLevel", "validate(Resource|Stack)"].map(at);
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The subset of JSON schema the pack uses: type, enum, minimum, items, properties, additionalProperties, required. */
function validate(schema: PolicyConfigJSONSchema, value: Json, at: string): string[] {
  const errors: string[] = [];
  const type = Array.isArray(value) ? "array" : value === null ? "null" : typeof value === "number" && Number.isInteger(value) ? "integer" : typeof value;
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length && !types.includes(type as never) && !(type === "integer" && types.includes("number"))) errors.push(`${at}: ${type}, expected ${types.join("|")}`);
  if (schema.enum && !schema.enum.includes(value as never)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
  if (Array.isArray(value) && schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) {
    value.forEach((v, i) => errors.push(...validate(schema.items as PolicyConfigJSONSchema, v, `${at}[${i}]`)));
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const r of schema.required ?? []) if (!(r in value)) errors.push(`${at}.${r}: required`);
    for (const [k, v] of Object.entries(value)) {
      const prop = schema.properties?.[k] ?? schema.additionalProperties;
      if (prop === false) errors.push(`${at}.${k}: not allowed`);
      else if (prop && typeof prop === "object") errors.push(...validate(prop, v, `${at}.${k}`));
    }
  }
  return errors;
}

describe.each([
  ["dev", devConfig],
  ["prod", prodConfig],
] as const)("policies/config/%s.json", (env, config) => {
  test("configures every policy of the pack, and nothing else", () => {
    expect(Object.keys(config).sort()).toEqual(ALL_POLICIES.map((p) => p.name).sort());
  });

  test("validates against each policy's schema", () => {
    const errors: string[] = [];
    for (const [name, c] of Object.entries(config) as [string, Record<string, Json>][]) {
      const policy = ALL_POLICIES.find((p) => p.name === name)!;
      const { enforcementLevel, ...props } = c;
      if (!["advisory", "mandatory", "disabled", "remediate"].includes(String(enforcementLevel))) errors.push(`${name}.enforcementLevel: ${enforcementLevel}`);
      for (const [k, v] of Object.entries(props)) {
        const prop = policy.configSchema!.properties[k];
        if (!prop) errors.push(`${name}.${k}: not in the schema`);
        else if (typeof prop === "object") errors.push(...validate(prop, v, `${name}.${k}`));
      }
    }
    expect(errors).toEqual([]);
  });

  test(env === "dev" ? "prod-only policies are disabled" : "every policy is mandatory", () => {
    for (const p of ALL_POLICIES) {
      const level = (config as Record<string, { enforcementLevel: string }>)[p.name].enforcementLevel;
      if (env === "prod") expect([p.name, level]).toEqual([p.name, "mandatory"]);
      else if (AVAILABILITY_POLICIES.includes(p as never)) expect([p.name, level]).toEqual([p.name, "disabled"]);
    }
  });

  test("elasticsearch-security: mandatory in prod; advisory in dev, where elasticsearch.security.enabled false is the documented relaxation", () => {
    expect(config["elasticsearch-security"].enforcementLevel).toBe(env === "prod" ? "mandatory" : "advisory");
  });

  test("elasticsearch-security: mandatory in prod; advisory in dev, where elasticsearch.security.enabled false is the documented relaxation", () => {
    expect(config["elasticsearch-security"].enforcementLevel).toBe(env === "prod" ? "mandatory" : "advisory");
  });

  test("the label and tag policies compare with this environment", () => {
    expect(config["kubernetes-required-labels"].environment).toBe(env);
    expect(config["aws-required-tags"].environment).toBe(env);
  });
});

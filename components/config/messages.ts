/**
 * How a refused configuration is reported: ConfigError, and each schema issue as one line that names
 * the key as a user writes it, the value and what is allowed.
 */
import { z } from "zod";
import { closest } from "./ignored-keys";
import { isPlainObject } from "./merge";
import { configKey } from "./project";
import { stackConfigSchema } from "./schema";
import { SECRET_KEYS } from "./secrets";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** The schema node at a path, to list the allowed keys of an object when a key is unknown. */
function schemaAt(schema: z.ZodType, path: PropertyKey[]): z.ZodType | undefined {
  let cur: z.ZodType | undefined = schema;
  for (const seg of path) {
    cur = unwrap(cur);
    if (cur instanceof z.ZodObject) cur = (cur.shape as Record<string, z.ZodType>)[String(seg)];
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else if (cur instanceof z.ZodRecord) cur = cur.valueType as z.ZodType;
    else return undefined;
  }
  return unwrap(cur);
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  for (;;) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
    else if (cur instanceof z.ZodPipe) cur = cur.in as z.ZodType;
    else return cur;
  }
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
  let cur = obj;
  for (const seg of path) cur = isPlainObject(cur) || Array.isArray(cur) ? (cur as Record<string, unknown>)[String(seg)] : undefined;
  return cur;
}

function typeName(expected: string): string {
  return expected === "int" ? "an integer" : /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** What a required key without a default must hold, for the "missing" message. */
const REQUIRED_HINTS: Record<string, string> = {
  runbookBaseUrl: "the http(s) base URL of your runbooks, e.g. https://runbooks.<your domain>/observability; prod has no default",
};

export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const key = configKey(issue.path);
  const got = JSON.stringify(valueAt(input, issue.path));
  switch (issue.code) {
    case "unrecognized_keys": {
      const node = schemaAt(stackConfigSchema, issue.path);
      const keys = node instanceof z.ZodObject ? Object.keys(node.shape) : [];
      const candidates = issue.path.length ? keys : [...keys, ...Object.keys(SECRET_KEYS)];
      return issue.keys
        .map((k) => {
          const guess = closest(k, candidates);
          const hint = guess ? `; did you mean ${configKey([...issue.path, guess])}?` : "";
          return `${configKey([...issue.path, k])}: unknown key${hint}; allowed keys${issue.path.length ? ` of ${configKey(issue.path)}` : ""}: ${keys.join(", ") || "none"}`;
        })
        .join("\n  - ");
    }
    case "invalid_type": {
      const hint = REQUIRED_HINTS[issue.path.join(".")];
      if (got === undefined) return `${key}: missing; expected ${hint ?? typeName(issue.expected)}`;
      return `${key}: ${got} is not ${typeName(issue.expected)}`;
    }
    case "invalid_value":
      return `${key}: ${got} is not allowed; allowed values: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `${key}: ${got} is too small; allowed: ${issue.inclusive ? ">=" : ">"} ${issue.minimum}${issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : ""}`;
    case "too_big":
      return `${key}: ${got} is too large; allowed: ${issue.inclusive ? "<=" : "<"} ${issue.maximum}${issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : ""}`;
    case "invalid_format":
      return `${key}: ${got} is not ${issue.format === "regex" ? issue.message : `a valid ${issue.format}`}`;
    default:
      return `${key}: ${got === undefined ? "" : `${got}: `}${issue.message}`;
  }
}

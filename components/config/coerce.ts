/**
 * Scalars as the schema expects them. Pulumi config reaches the program as text, and structured
 * config (YAML in the stack file, `--path`) as JSON, so YAML's `costCenter: 4711` or
 * `clusterName: 2024` arrives as a number, and `pulumi config set --path x.days 30` as the text "30"
 * in some tools. Where the schema wants a string, a number or boolean becomes its text; where it
 * wants a number or boolean, the text of one becomes it. Anything else is left for the schema to refuse.
 */
import { z } from "zod";

/** The schema under its optional, default, nullable and pipe wrappers. */
export function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
    else if (cur instanceof z.ZodPipe) cur = cur.in as z.ZodType;
    else return cur;
  }
}

/** A leaf of a schema (anything but an object): its key path and its unwrapped schema. */
export interface SchemaLeaf {
  path: string[];
  schema: z.ZodType;
}

/** Every leaf of a schema, objects walked through. */
export function schemaLeaves(s: z.ZodType, path: string[] = []): SchemaLeaf[] {
  const u = unwrap(s);
  if (u instanceof z.ZodObject) return Object.entries(u.shape as Record<string, z.ZodType>).flatMap(([k, v]) => schemaLeaves(v, [...path, k]));
  return [{ path, schema: u }];
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

export function coerceScalars(schema: z.ZodType, value: unknown): unknown {
  const s = unwrap(schema);
  if (s instanceof z.ZodString) {
    return (typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean" ? String(value) : value;
  }
  if (s instanceof z.ZodNumber) return typeof value === "string" && NUMBER_TEXT.test(value.trim()) ? Number(value) : value;
  if (s instanceof z.ZodBoolean) return value === "true" ? true : value === "false" ? false : value;
  if (s instanceof z.ZodObject && value && typeof value === "object" && !Array.isArray(value)) {
    const shape = s.shape as Record<string, z.ZodType>;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape[k] ? coerceScalars(shape[k], v) : v]));
  }
  if (s instanceof z.ZodArray && Array.isArray(value)) return value.map((v) => coerceScalars(s.element as z.ZodType, v));
  if (s instanceof z.ZodRecord && value && typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerceScalars(s.valueType as z.ZodType, v)]));
  }
  return value;
}

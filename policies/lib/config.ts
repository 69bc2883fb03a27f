/**
 * Policy configuration: every policy declares its settings once (defaults + JSON schema) and reads
 * them with {@link readConfig}, which lays the per-environment file (policies/config/<env>.json, passed
 * with --policy-pack-config) over the defaults. The engine validates the file against the schema.
 *
 * The defaults are what a run without a config file enforces, on any stack: bounds wide enough for
 * every environment (dev and prod both pass a correct stack), prod-only rules only for objects
 * labeled environment=prod. The per-environment files tighten the bounds and set the enforcement.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * The policy's settings: its defaults with each configured top-level property replacing the default
 * one whole (as the engine fills schema defaults per property): a configured `retention` of
 * { minDays: 2555 } means "at least seven years", not the default's maximum with a new minimum.
 */
export function readConfig<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
  const configured = args.getConfig<Partial<T>>();
  const out = { ...defaults };
  for (const [k, v] of Object.entries(configured)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Day bounds of a retention: minDays always; maxDays omitted = only a minimum (compliance tiers). */
export interface DayBounds {
  minDays: number;
  maxDays?: number;
}

export const dayBoundsSchema: PolicyConfigJSONSchema = {
  type: "object",
  properties: {
    minDays: { type: "number", minimum: 0 },
    maxDays: { type: "number", minimum: 0 },
  },
  required: ["minDays"],
  additionalProperties: false,
};

/** "1 to 15 days" or "at least 2555 days". */
export function describeBounds(b: DayBounds): string {
  return b.maxDays === undefined ? `at least ${b.minDays} days` : `${b.minDays} to ${b.maxDays} days`;
}

export function withinBounds(days: number, b: DayBounds): boolean {
  return days >= b.minDays && (b.maxDays === undefined || days <= b.maxDays);
}

/** The environment schema shared by policies that compare against the stack's environment. */
export const environmentSchema: PolicyConfigJSONSchema = { type: "string", enum: ["dev", "prod"] };

export type { PolicyConfigSchema };

/** The `environments` property of the rules that apply to some environments only (prod). */
export const environmentsSchema: PolicyConfigJSONSchema = { type: "array", items: { type: "string" } };

/** Whether an object's environment label is one the rule applies to. */
export function inEnvironments(labels: Record<string, unknown>, environments: string[]): boolean {
  return typeof labels.environment === "string" && environments.includes(labels.environment);
}

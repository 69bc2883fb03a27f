/**
 * A stack's configuration: loadConfig(), and the re-exports every part of the project imports it by.
 *
 * index.ts reads the raw Pulumi config once and hands it here; nothing else reads pulumi.Config.
 * A stack file (Pulumi.<stack>.yaml) holds only what differs from the defaults of its environment.
 * Every error names the key, the value and what is allowed, and is raised before any resource exists.
 *
 * Where the parts live: each component's settings schema and defaults next to it
 * (components/<component>/schema.ts); the composed schema in ./config/schema.ts; the per-environment
 * presets in ./presets.ts; the rules across keys in ./config/cross-checks.ts; the messages in
 * ./config/messages.ts; the secrets in ./config/secrets.ts.
 */
import { sizeProblems, sizingOf } from "./capacity";
import { coerceScalars } from "./config/coerce";
import { CROSS_CHECKS } from "./config/cross-checks";
import { ignoredKeys } from "./config/ignored-keys";
import { deepMerge } from "./config/merge";
import { ConfigError, describeIssue } from "./config/messages";
import { ENVIRONMENTS, PROJECT, configKey, type Environment } from "./config/project";
import { stackConfigSchema, type StackConfig } from "./config/schema";
import { SECRET_KEYS, requiredSecrets } from "./config/secrets";
import { DEFAULTS } from "./presets";

export { quantityMi, quantityMilli } from "./config/quantities";
export { ENVIRONMENTS, PROJECT, configKey } from "./config/project";
export type { Environment } from "./config/project";
export type { Resources } from "./config/shared";
export type { Placement } from "./config/placement";
export { placementSchema } from "./config/placement";
export { DEFAULT_NETWORK, agentsNamespaceOf, networkSchema } from "./config/network";
export type { NetworkSettings } from "./config/network";
export type { StaticTarget } from "./prometheus/schema";
export { LOG_CLASSES } from "./elasticsearch/schema";
export type { LogClass, LogClassName } from "./elasticsearch/schema";
export { stackConfigSchema } from "./config/schema";
export type { DeepPartial, StackConfig } from "./config/schema";
export { DEFAULTS } from "./presets";
export type { EnvironmentDefaults } from "./presets";
export { SECRET_KEYS, requiredSecrets } from "./config/secrets";
export type { SecretKey } from "./config/secrets";
export { ConfigError } from "./config/messages";
export { deepMerge } from "./config/merge";
export { CROSS_FIELD_RULES } from "./config/cross-checks";

/**
 * Run a rule on a config the schema may have refused. Reads are recorded through a proxy; a rule that
 * read a refused key (or threw on one) says nothing, since the schema's own message names that key.
 * Every other rule still runs, so one run reports every problem.
 */
function runGuarded<T>(rule: (cfg: StackConfig) => T, cfg: unknown, refused: string[][]): T | undefined {
  const reads: string[][] = [];
  const wrap = (obj: object, path: string[]): object =>
    new Proxy(obj, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof prop === "symbol" || typeof v === "function") return v;
        const p = [...path, prop];
        if (v !== null && typeof v === "object") return wrap(v, p);
        reads.push(p);
        return v;
      },
    });
  const overlaps = () =>
    reads.some((r) => refused.some((bad) => bad.every((seg, i) => i >= r.length || String(r[i]) === seg)));
  try {
    const out = rule(wrap(cfg as object, []) as StackConfig);
    return overlaps() ? undefined : out;
  } catch (e) {
    if (refused.length === 0) throw e;
    return undefined;
  }
}

export interface RawConfig {
  /** The project's plain config values, keyed without the project prefix, JSON already parsed. */
  values: Record<string, unknown>;
  /** Which secret keys are set (their values never pass through here). */
  secretsSet: ReadonlySet<string>;
  /** Secret keys that are set but not encrypted in the stack file. */
  secretsInPlainText?: ReadonlySet<string>;
  /** Stack name, used as the environment when `environment` is not set and the name is one. */
  stack: string;
  /** Full keys (`namespace:key`) of the stack's config outside the project's namespace. */
  otherKeys?: readonly string[];
}

/**
 * Validate a stack's raw configuration against its environment's defaults.
 * Throws ConfigError listing every problem (schema, cross-field, secrets and ignored keys together);
 * returns the complete, typed configuration.
 */
export function loadConfig(raw: RawConfig): StackConfig {
  const problems: string[] = [...ignoredKeys(raw.otherKeys ?? [], PROJECT).errors];
  const values = { ...raw.values };
  for (const k of Object.keys(SECRET_KEYS)) delete values[k];

  const env = values.environment !== undefined ? values.environment : (ENVIRONMENTS as readonly string[]).includes(raw.stack) ? raw.stack : undefined;
  if (!(ENVIRONMENTS as readonly unknown[]).includes(env)) {
    throw new ConfigError([
      env === undefined
        ? `${configKey(["environment"])}: missing; stack "${raw.stack}" is not named after an environment, so set it; allowed values: ${ENVIRONMENTS.join(", ")}`
        : `${configKey(["environment"])}: ${JSON.stringify(env)} is not allowed; allowed values: ${ENVIRONMENTS.join(", ")}`,
      ...problems,
    ]);
  }
  const defaults = { environment: env, ...DEFAULTS[env as Environment] };
  let merged = coerceScalars(stackConfigSchema, deepMerge(defaults, values));
  let parsed = stackConfigSchema.safeParse(merged);
  // With capacity.load, the capacity model sizes the stack: its settings go between the environment's
  // defaults and the stack file, so a key the stack file sets itself still wins. A load no node can
  // hold is refused (naming the component) and sizes nothing, so every other check still runs.
  if (parsed.success && parsed.data.capacity.load !== undefined) {
    const sizing = sizingOf(parsed.data)!;
    const node = parsed.data.capacity.largestNode;
    const tooLarge = sizeProblems(sizing, node);
    for (const p of tooLarge) {
      problems.push(
        `${configKey(["capacity", "load"])}: ${JSON.stringify(parsed.data.capacity.load)} needs more than one node or claim holds: ${p}; ` +
          `allowed: a load whose every pod fits capacity.largestNode (${node.cpu} CPU, ${node.memoryGi}Gi)`,
      );
    }
    if (tooLarge.length === 0) {
      merged = coerceScalars(stackConfigSchema, deepMerge(deepMerge(defaults, sizing.settings), values));
      parsed = stackConfigSchema.safeParse(merged);
    }
  }
  const refused: string[][] = [];
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      problems.push(describeIssue(i, merged));
      const path = i.path.map(String);
      if (i.code === "unrecognized_keys") refused.push(...i.keys.map((k) => [...path, k]));
      else refused.push(path);
    }
  }
  const cfg = parsed.success ? parsed.data : (merged as StackConfig);
  for (const check of CROSS_CHECKS) problems.push(...(runGuarded(check, cfg, refused) ?? []));
  for (const key of runGuarded(requiredSecrets, cfg, refused) ?? []) {
    if (!raw.secretsSet.has(key)) {
      problems.push(`${PROJECT}:${key}: missing secret (${SECRET_KEYS[key]}); set it with \`pulumi config set --secret ${key} <value>\``);
    }
  }
  for (const key of raw.secretsInPlainText ?? []) {
    problems.push(`${PROJECT}:${key}: stored in plain text; it is a secret, set it with \`pulumi config set --secret ${key} <value>\``);
  }
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}

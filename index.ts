/**
 * Composition root: read and validate the stack's config once, build the stack, export its outputs.
 * A bad config fails here, with every problem named, before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, PROJECT, RawConfig, SECRET_KEYS, SecretKey, loadConfig, requiredSecrets } from "./components/config";
import { ignoredKeys } from "./components/config/ignored-keys";
import { ObservabilityStack } from "./components/stack";

// The only place that reads Pulumi's config: plain values go through loadConfig(), secrets are read
// as secret Outputs and handed to the components.

/** Plain values of the project namespace (structured values parsed), and which secrets are set. */
function readRawConfig(): RawConfig {
  const all = pulumi.runtime.allConfig();
  const values: Record<string, unknown> = {};
  const secretsSet = new Set<string>();
  const secretsInPlainText = new Set<string>();
  const otherKeys: string[] = [];
  const prefix = `${PROJECT}:`;
  for (const [fullKey, raw] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) {
      otherKeys.push(fullKey);
      continue;
    }
    const key = fullKey.slice(prefix.length);
    if (key in SECRET_KEYS) {
      secretsSet.add(key);
      if (!isConfigSecret(fullKey)) secretsInPlainText.add(key);
      continue;
    }
    values[key] = parseValue(raw);
  }
  return { values, secretsSet, secretsInPlainText, otherKeys, stack: pulumi.getStack() };
}

/**
 * Whether a config key was set with --secret. The SDK exports this at run time but leaves it out of
 * its type declarations.
 */
function isConfigSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  if (typeof runtime.isConfigSecret !== "function") throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret");
  return runtime.isConfigSecret(fullKey);
}

/**
 * Structured config arrives as JSON text; plain scalars as text ("true", "3", "4711"). Scalars stay
 * text (a costCenter of 4711 is the string "4711", "007" keeps its zeros); loadConfig turns the text of
 * a number or boolean into one where the schema asks for it.
 */
function parseValue(raw: string): unknown {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === "object" && v !== null ? v : raw;
  } catch {
    return raw;
  }
}

/** The secret config values a stack needs, as secret Outputs. */
function readSecrets(keys: readonly SecretKey[]): Partial<Record<SecretKey, pulumi.Output<string>>> {
  const config = new pulumi.Config(PROJECT);
  const out: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of keys) out[key] = config.requireSecret(key);
  return out;
}

function load() {
  const raw = readRawConfig();
  // Keys of namespaces nothing reads: a warning (the ones the user clearly meant for the stack are errors in loadConfig).
  for (const w of ignoredKeys(raw.otherKeys ?? [], PROJECT).warnings) void pulumi.log.warn(w);
  try {
    return loadConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const config = load();
const stack = new ObservabilityStack("observability", { config, secrets: readSecrets(requiredSecrets(config)) });

export const environment = config.environment;
export const namespace = config.namespace;
export const endpoints = stack.endpoints;
export const grafanaUrl = stack.endpoints.grafana;
export const grafanaAdminUser = stack.grafanaAdminUser;
/** Secret: shown only with `pulumi stack output --show-secrets`. */
export const grafanaAdminPassword = stack.grafanaAdminPassword;

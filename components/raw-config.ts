/**
 * Reads the stack's raw Pulumi config once, for loadConfig(). The only module that touches
 * Pulumi's config; index.ts calls it, components never do.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, RawConfig, SECRET_KEYS, SecretKey } from "./config";

/** Plain values of the project namespace (structured values parsed), and which secrets are set. */
export function readRawConfig(): RawConfig {
  const all = pulumi.runtime.allConfig();
  const values: Record<string, unknown> = {};
  const secretsSet = new Set<string>();
  const secretsInPlainText = new Set<string>();
  const prefix = `${PROJECT}:`;
  for (const [fullKey, raw] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (key in SECRET_KEYS) {
      secretsSet.add(key);
      if (!isConfigSecret(fullKey)) secretsInPlainText.add(key);
      continue;
    }
    values[key] = parseValue(raw);
  }
  return { values, secretsSet, secretsInPlainText, stack: pulumi.getStack() };
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

/** Structured config arrives as JSON text; plain scalars as strings ("true", "3"). */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The secret config values a stack needs, as secret Outputs. */
export function readSecrets(keys: readonly SecretKey[]): Partial<Record<SecretKey, pulumi.Output<string>>> {
  const config = new pulumi.Config(PROJECT);
  const out: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of keys) out[key] = config.requireSecret(key);
  return out;
}

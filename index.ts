/**
 * Composition root: read and validate the stack's config once, build the stack, export its outputs.
 * A bad config fails here, with every problem named, before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ConfigError, PROJECT, RawConfig, SECRET_KEYS, SecretKey, StackConfig, loadConfig, requiredSecrets } from "./components/config";
import { ignoredKeys } from "./components/config/ignored-keys";
import { ObservabilityStack } from "./components";
import { DataVolumes, dataVolumeProblems, expansionProblems, growingClasses, plannedDataVolumes } from "./components/data-volumes";

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

/** The value of an Output, awaited (for reads that must finish before anything is registered). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/**
 * The data volumes of this stack's last update: its own `dataVolumes` output, read through a
 * reference to itself. Undefined for a new stack (or one last updated before the output existed).
 */
async function previousDataVolumes(): Promise<DataVolumes | undefined> {
  const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
  const details = await self.getOutputDetails("dataVolumes");
  return (details.value ?? details.secretValue) as DataVolumes | undefined;
}

/**
 * Refuse, before any resource is registered, a config that would lose data or that Kubernetes
 * cannot apply to the claims that exist: every problem at once.
 */
async function checkDataVolumes(config: StackConfig, previous: DataVolumes | undefined): Promise<void> {
  const planned = plannedDataVolumes(config);
  const problems = dataVolumeProblems(previous, planned);
  const growing = growingClasses(previous, planned);
  if (growing.size > 0) {
    // Only when claims grow: the StorageClass must allow expansion (read from the cluster).
    const allows: Record<string, boolean | undefined> = {};
    for (const cls of growing.keys()) {
      const sc = k8s.storage.v1.StorageClass.get(`storage-class-${cls}`, cls);
      allows[cls] = await valueOf(sc.allowVolumeExpansion);
    }
    problems.push(...expansionProblems(growing, allows));
  }
  if (problems.length > 0) throw new pulumi.RunError(new ConfigError(problems).message);
}

async function main() {
  const config = load();
  const previous = await previousDataVolumes();
  await checkDataVolumes(config, previous);
  const stack = new ObservabilityStack("observability", { config, secrets: readSecrets(requiredSecrets(config)), previous });
  return {
    environment: config.environment,
    namespace: config.namespace,
    endpoints: stack.endpoints,
    grafanaUrl: stack.endpoints.grafana,
    grafanaAdminUser: stack.grafanaAdminUser,
    /** Secret: shown only with `pulumi stack output --show-secrets`. */
    grafanaAdminPassword: stack.grafanaAdminPassword,
    /** What the claims are; the next update compares the config against it (components/data-volumes.ts). */
    dataVolumes: stack.dataVolumes,
  };
}

export = main();

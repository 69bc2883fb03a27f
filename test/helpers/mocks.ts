/**
 * The test harness: runs the real program (index.ts, `synthesize`) or one component or example
 * (`render`) under the recording Pulumi mocks of ./program.ts, and records every resource registered:
 * type, name, inputs, parent, dependencies, aliases and the options the engine would see (protect,
 * retainOnDelete). Each call runs in a fresh module registry, so dev and prod can be synthesised in
 * one test file. Queries: `byKind`, `one`, `k8sObjects`, `podTemplates`, `container`; Outputs resolve
 * with `valueOf`.
 */

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  parent: string;
  /** Inputs as the engine receives them (secrets unwrapped to their values). */
  inputs: Record<string, any>;
  custom: boolean;
  provider: string;
  protect: boolean;
  retainOnDelete: boolean;
  /** The inputs as JSON with secret-marked values blanked: what the engine would keep in plain text. */
  plainInputs: string;
  /** URNs of the explicit and implicit dependencies. */
  dependencies: string[];
  /** The resource's aliases: a former URN, or the parts of it that differ (parent URN, name, type). */
  aliases: { urn?: string; name?: string; type?: string; parent?: string; noParent?: boolean }[];
}

export interface Synthesis {
  resources: RecordedResource[];
  /** The program's stack outputs, resolved. */
  outputs: Record<string, unknown>;
  /** Which outputs are secret. */
  secretOutputs: Set<string>;
}

export interface SynthesisOptions {
  /** Stack name (dev, prod, or any name with `environment` set in config). */
  stack: string;
  /** Plain config values, keyed without the project prefix (objects are structured config). */
  config?: Record<string, unknown>;
  /** Secret config values, keyed without the project prefix. */
  secrets?: Record<string, string>;
  /** Config keys that are set in plain text though they should be secret. */
  plainTextSecrets?: Record<string, string>;
  /** Config of other namespaces, by full key (`aws:region`, a misspelled project name, ...). */
  otherConfig?: Record<string, string>;
  /** Preview (unknowns stay unknown) rather than update. */
  preview?: boolean;
  /** Outputs of the stack's last update, as its reference to itself reads them (default: none). */
  previousOutputs?: Record<string, unknown>;
}

/** Secrets that satisfy every receiver of the prod defaults, with values a test can search for. */
export const PROD_SECRETS: Record<string, string> = {
  slackWebhookUrl: "https://hooks.slack.invalid/services/T000/B000/SLACK-SECRET-VALUE",
  pagerdutyRoutingKey: "PAGERDUTY-SECRET-ROUTING-KEY-0123456789",
  smtpPassword: "SMTP-SECRET-PASSWORD",
  deadMansSwitchUrl: "https://deadmans.invalid/ping/DMS-SECRET-TOKEN",
};

/** The OIDC settings prod's AWS storage needs. */
export const PROD_AWS = {
  enabled: true,
  region: "eu-west-1",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  oidcProviderUrl: "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
};

/**
 * The addresses prod has no default for: the runbook base and the e-mail receiver's relay and
 * recipients. A private `.internal` domain: prod refuses the reserved example domains, and these
 * tests must not name a real one.
 */
export const PROD_ADDRESSES = {
  runbookBaseUrl: "https://runbooks.platform.internal/observability",
  alerting: {
    receivers: {
      email: {
        smarthost: "smtp.platform.internal:587",
        from: "alertmanager@platform.internal",
        onCallTo: "oncall@platform.internal",
        educationTeamTo: "education-team@platform.internal",
      },
    },
  },
};

/** A dev stack file as loadConfig takes it: `values`, no secrets. */
export function devRaw(values: Record<string, unknown> = {}): RawConfig {
  return { stack: "dev", values, secretsSet: new Set() };
}

/** A complete prod stack file as loadConfig takes it (AWS, the addresses, every receiver's secret), with `values` merged in. */
export function prodRaw(values: Record<string, unknown> = {}, otherKeys: string[] = []): RawConfig {
  return { stack: "prod", values: deepMerge({ aws: PROD_AWS, ...PROD_ADDRESSES } as Record<string, unknown>, values), secretsSet: new Set(Object.keys(PROD_SECRETS)), secretsInPlainText: new Set(), otherKeys };
}

/** The problems loadConfig reports for a stack file, in its order; [] when it accepts it. */
export function configProblems(r: RawConfig): string[] {
  try {
    loadConfig(r);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

/** Default prod options: secrets, AWS settings and addresses a complete prod stack file would hold. */
export function prodOptions(extra: Partial<SynthesisOptions> = {}): SynthesisOptions {
  return {
    stack: "prod",
    ...extra,
    config: deepMerge({ aws: PROD_AWS, ...PROD_ADDRESSES } as Record<string, unknown>, extra.config ?? {}),
    secrets: { ...PROD_SECRETS, ...(extra.secrets ?? {}) },
  };
}

import { ConfigError, DEFAULTS, deepMerge, loadConfig, type Environment, type RawConfig, type StackConfig } from "../../components/config";
import type { StackContext } from "../../components/common";
import { recordingMocks, runProgram } from "./program";
export { recordingMocks, valueOf } from "./program";

/** Synthesise the real program (index.ts) in a fresh module registry. */
export async function synthesize(opts: SynthesisOptions): Promise<Synthesis> {
  let result: Synthesis | undefined;
  await jest.isolateModulesAsync(async () => {
    const pulumi = await import("@pulumi/pulumi");
    result = await runProgram(pulumi, opts, () => import("../../index"));
  });
  return result!;
}

/** The container of a workload's pod template. */
export function container(workload: RecordedResource, name: string): Record<string, any> {
  const c = (workload.inputs.spec?.template?.spec?.containers ?? []).find((x: { name: string }) => x.name === name);
  if (!c) throw new Error(`${workload.name} has no container ${name}`);
  return c;
}

// --- One component (or a small program of a few) under the same recording mocks ---------------

/** A recorded resource (short name). */
export type Recorded = RecordedResource;

type Pulumi = typeof import("@pulumi/pulumi");

/** StackContext and full settings of an environment's defaults (prod with the addresses it has no default for). */
export function defaultsFor(env: Environment): { ctx: StackContext; cfg: StackConfig } {
  const cfg = deepMerge({ environment: env, ...structuredClone(DEFAULTS[env]) }, env === "prod" ? structuredClone(PROD_ADDRESSES) : {}) as StackConfig;
  const ctx: StackContext = {
    namespace: cfg.namespace,
    environment: env,
    team: cfg.team,
    storageClassName: cfg.storageClassName,
    persistence: { ...cfg.persistence },
    placement: structuredClone(cfg.placement),
  };
  return { ctx, cfg };
}

/**
 * Set mocks, then `load` imports the component module and constructs it (it receives this
 * @pulumi/pulumi instance). Resolves once every registration has completed.
 */
export async function render<T>(
  stack: string,
  load: (pulumi: Pulumi) => Promise<T>,
): Promise<{ resources: Recorded[]; component: T; pulumi: Pulumi }> {
  let out: { resources: Recorded[]; component: T; pulumi: Pulumi } | undefined;
  await jest.isolateModulesAsync(async () => {
    const pulumi: Pulumi = await import("@pulumi/pulumi");
    const resources = await recordingMocks(pulumi, stack);
    const component = await load(pulumi);
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    out = { resources, component, pulumi };
  });
  return out!;
}


/** Kubernetes objects of a kind, by metadata.name. */
export function byKind(resources: Recorded[], type: string): Recorded[] {
  return resources.filter((r) => r.type === type);
}

export function one(resources: Recorded[], type: string, metadataName: string): Recorded {
  const found = resources.filter((r) => r.type === type && r.inputs?.metadata?.name === metadataName);
  if (found.length !== 1) {
    throw new Error(`expected one ${type} named ${metadataName}; found: ${byKind(resources, type).map((r) => r.inputs?.metadata?.name).join(", ") || "none"}`);
  }
  return found[0];
}

/** Every Kubernetes object (custom resources of the kubernetes provider). */
export function k8sObjects(resources: Recorded[]): Recorded[] {
  return resources.filter((r) => r.type.startsWith("kubernetes:"));
}

/** Pod templates of workloads (Deployment, StatefulSet, Job, CronJob). */
export function podTemplates(r: Recorded): Record<string, any>[] {
  const spec = r.inputs.spec ?? {};
  if (spec.template) return [spec.template];
  if (spec.jobTemplate?.spec?.template) return [spec.jobTemplate.spec.template];
  return [];
}

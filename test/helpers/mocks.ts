/**
 * Runs the real program (index.ts) under Pulumi mocks and records every resource it registers:
 * type, name, inputs, parent and the options the engine would see (protect, retainOnDelete).
 * Each call runs in a fresh module registry, so dev and prod can be synthesised in one test file.
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

/** Default prod options: secrets, AWS settings and addresses a complete prod stack file would hold. */
export function prodOptions(extra: Partial<SynthesisOptions> = {}): SynthesisOptions {
  return {
    stack: "prod",
    ...extra,
    config: deepMerge({ aws: PROD_AWS, ...PROD_ADDRESSES } as Record<string, unknown>, extra.config ?? {}),
    secrets: { ...PROD_SECRETS, ...(extra.secrets ?? {}) },
  };
}

import { deepMerge } from "../../components/config";
import { runProgram } from "./program";

/** Synthesise the real program (index.ts) in a fresh module registry. */
export async function synthesize(opts: SynthesisOptions): Promise<Synthesis> {
  let result: Synthesis | undefined;
  await jest.isolateModulesAsync(async () => {
    const pulumi = await import("@pulumi/pulumi");
    result = await runProgram(pulumi, opts, () => import("../../index"));
  });
  return result!;
}

/** Resources of one type. */
export function ofType(s: Synthesis, type: string): RecordedResource[] {
  return s.resources.filter((r) => r.type === type);
}

/** The one Kubernetes object of a type whose metadata.name is `name`. */
export function k8sObject(s: Synthesis, type: string, name: string): RecordedResource {
  const found = s.resources.filter((r) => r.type === type && r.inputs?.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${s.resources.filter((r) => r.type === type).map((r) => r.inputs?.metadata?.name).join(", ")}`);
  return found[0];
}

/** The container of a workload's pod template. */
export function container(workload: RecordedResource, name: string): Record<string, any> {
  const c = (workload.inputs.spec?.template?.spec?.containers ?? []).find((x: { name: string }) => x.name === name);
  if (!c) throw new Error(`${workload.name} has no container ${name}`);
  return c;
}

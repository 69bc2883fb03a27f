/**
 * Test helpers for the policy pack, after pulumi/compliance-policies' test utilities, with two
 * fixes: a violation is matched by its exact message (not a substring), and a policy's config is
 * passed the way the engine passes it (getConfig returns the configured properties only).
 */
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import devConfig from "../../policies/config/dev.json";
import prodConfig from "../../policies/config/prod.json";

export const EMPTY_OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

class NotApplicable extends Error {}

export interface ResourceFixture {
  type: string;
  props: Record<string, any>;
  name?: string;
  urn?: string;
  opts?: Partial<PolicyResourceOptions>;
  /** The provider's inputs (its defaultTags, for AWS). */
  providerProps?: Record<string, any>;
}

function urnOf(f: ResourceFixture): string {
  return f.urn ?? `urn:pulumi:test::observability-stack::${f.type}::${f.name ?? "fixture"}`;
}

/** ResourceValidationArgs for a fixture, with the policy config the engine would hand over. */
export function resourceArgs(f: ResourceFixture, config: Record<string, unknown> = {}): ResourceValidationArgs {
  const name = f.name ?? "fixture";
  return {
    type: f.type,
    props: f.props,
    urn: urnOf(f),
    name,
    opts: { ...EMPTY_OPTIONS, ...(f.opts ?? {}) },
    provider: f.providerProps ? { type: "pulumi:providers:aws", props: f.providerProps, urn: "urn:provider", name: "provider" } : undefined,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
}

export interface StackFixture extends ResourceFixture {
  /** Resources each property depends on (for links the engine knows, like a lifecycle's bucket). */
  propertyDependencies?: Record<string, PolicyResource[]>;
}

export function policyResource(f: StackFixture): PolicyResource {
  return {
    type: f.type,
    props: f.props,
    urn: urnOf(f),
    name: f.name ?? "fixture",
    opts: { ...EMPTY_OPTIONS, ...(f.opts ?? {}) },
    provider: f.providerProps ? { type: "pulumi:providers:aws", props: f.providerProps, urn: "urn:provider", name: "provider" } : undefined,
    dependencies: [],
    propertyDependencies: f.propertyDependencies ?? {},
    isType: () => false,
    asType: () => undefined,
  };
}

/** StackValidationArgs for a set of resources. */
export function stackArgs(resources: (StackFixture | PolicyResource)[], config: Record<string, unknown> = {}): StackValidationArgs {
  return {
    resources: resources.map((r) => ("dependencies" in r ? (r as PolicyResource) : policyResource(r as StackFixture))),
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
}

export interface Violation {
  message: string;
  urn?: string;
}

/** Every violation message a resource policy reports for the args. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
  for (const v of validations) {
    try {
      await Promise.resolve(v(args, (message: string) => messages.push(message)));
    } catch (e) {
      if (!(e instanceof NotApplicable)) throw e;
    }
  }
  return messages;
}

/** Every violation (message and urn) a stack policy reports for the args. */
export async function runStackPolicy(policy: StackValidationPolicy, args: StackValidationArgs): Promise<Violation[]> {
  const out: Violation[] = [];
  try {
    await Promise.resolve(policy.validateStack(args, (message: string, urn?: string) => out.push({ message, urn })));
  } catch (e) {
    if (!(e instanceof NotApplicable)) throw e;
  }
  return out;
}

export async function assertNoResourceViolations(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<void> {
  expect(await runResourcePolicy(policy, args)).toEqual([]);
}

/** The policy reports exactly these messages, in this order. */
export async function assertResourceViolations(policy: ResourceValidationPolicy, args: ResourceValidationArgs, messages: string[]): Promise<void> {
  expect(await runResourcePolicy(policy, args)).toEqual(messages);
}

export async function assertNoStackViolations(policy: StackValidationPolicy, args: StackValidationArgs): Promise<void> {
  expect(await runStackPolicy(policy, args)).toEqual([]);
}

export async function assertStackViolations(policy: StackValidationPolicy, args: StackValidationArgs, violations: Violation[]): Promise<void> {
  expect(await runStackPolicy(policy, args)).toEqual(violations);
}

/** A deep copy to mutate: each test changes one thing of a compliant fixture. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** A policy's properties in policies/config/<env>.json (its enforcementLevel aside), as the engine hands them over. */
export function packConfig(env: "dev" | "prod", policy: string): Record<string, unknown> {
  const entry = (env === "dev" ? devConfig : prodConfig)[policy as keyof typeof prodConfig] as Record<string, unknown> | undefined;
  if (!entry) throw new Error(`policies/config/${env}.json does not configure ${policy}`);
  const { enforcementLevel: _, ...props } = entry;
  return props;
}

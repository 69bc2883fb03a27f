/**
 * Running the whole pack the way the engine does: each policy at the enforcement level and with
 * the config of a per-environment file (policies/config/<env>.json), resource policies on every
 * resource, stack policies on the whole set.
 */
import type { EnforcementLevel, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ALL_POLICIES } from "../../policies/policies";
import { EMPTY_OPTIONS, resourceArgs, runResourcePolicy, runStackPolicy, stackArgs } from "./helpers";
import type { RecordedResource } from "../helpers/mocks";

export type PackConfig = Record<string, { enforcementLevel?: EnforcementLevel; [k: string]: unknown } | EnforcementLevel>;

export interface PackViolation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  /** The resource's name for resource policies; the reported urn for stack policies. */
  resource: string;
}

function levelAndConfig(name: string, fallback: EnforcementLevel | undefined, config: PackConfig): [EnforcementLevel, Record<string, unknown>] {
  const c = config[name] ?? config.all;
  if (typeof c === "string") return [c, {}];
  const { enforcementLevel, ...props } = c ?? {};
  return [enforcementLevel ?? fallback ?? "advisory", props];
}

/** Recorded resources as the engine would present them to policies. */
export function asPolicyResources(recorded: RecordedResource[]): PolicyResource[] {
  // A provider reference is "<provider urn>::<id>"; the mocks' ids are "<name>-id".
  const providers = new Map<string, RecordedResource>();
  for (const r of recorded) if (r.type.startsWith("pulumi:providers:")) providers.set(`${r.name}::${r.name}-id`, r);
  return recorded
    .filter((r) => r.custom)
    .map((r) => {
      const provider = providers.get(r.provider.split("::").slice(-2).join("::"));
      const props: Record<string, any> = { ...r.inputs, id: `${r.name}-id` };
      if (r.type === "aws:s3/bucket:Bucket" || r.type === "aws:s3/bucketV2:BucketV2") props.bucket = r.inputs.bucket ?? `${r.name}-bucket`;
      return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: { ...EMPTY_OPTIONS, protect: r.protect, parent: r.parent || undefined },
        provider: provider ? { type: provider.type, props: provider.inputs, urn: provider.urn, name: provider.name } : undefined,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      };
    });
}

/** Run every enabled policy of the pack over the resources. */
export async function runPack(resources: PolicyResource[], config: PackConfig): Promise<PackViolation[]> {
  const out: PackViolation[] = [];
  for (const p of ALL_POLICIES) {
    const [level, props] = levelAndConfig(p.name, p.enforcementLevel, config);
    if (level === "disabled") continue;
    if ("validateStack" in p) {
      for (const v of await runStackPolicy(p as StackValidationPolicy, stackArgs(resources, props))) {
        out.push({ policy: p.name, enforcementLevel: level, message: v.message, resource: resources.find((r) => r.urn === v.urn)?.name ?? v.urn ?? "" });
      }
      continue;
    }
    for (const r of resources) {
      const args = resourceArgs({ type: r.type, props: r.props, name: r.name, urn: r.urn, opts: r.opts }, props);
      args.provider = r.provider;
      for (const m of await runResourcePolicy(p as ResourceValidationPolicy, args)) {
        out.push({ policy: p.name, enforcementLevel: level, message: m, resource: r.name });
      }
    }
  }
  return out;
}

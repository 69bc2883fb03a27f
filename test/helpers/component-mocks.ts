/**
 * Renders one component under Pulumi mocks and records every resource it registers, with the
 * options the engine would see (protect, retainOnDelete, parent). Mocks are set on a fresh
 * @pulumi/pulumi instance BEFORE the component module is imported, so the component binds to it.
 */
import { DEFAULTS, deepMerge, type Environment, type StackConfig } from "../../components/config";
import type { StackContext } from "../../components/common";
import { PROD_ADDRESSES, type RecordedResource as Recorded } from "./mocks";
import { recordingMocks } from "./program";

export type { RecordedResource as Recorded } from "./mocks";

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

/** The value of an Output. */
export function valueOf<T>(o: { apply<U>(f: (v: T) => U): unknown }): Promise<T> {
  return new Promise((resolve) => o.apply((v: T) => resolve(v)));
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

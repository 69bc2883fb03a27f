/**
 * Renders one component under Pulumi mocks and records every resource it registers, with the
 * options the engine would see (protect, retainOnDelete, parent). Mocks are set on a fresh
 * @pulumi/pulumi instance BEFORE the component module is imported, so the component binds to it.
 */
import { DEFAULTS, type Environment, type StackConfig } from "../../components/config";
import type { StackContext } from "../../components/common";

export interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, any>;
  protect: boolean;
  retainOnDelete: boolean;
  parent: string;
  /** URNs of the explicit and implicit dependencies. */
  dependencies: string[];
}

type Pulumi = typeof import("@pulumi/pulumi");

/** StackContext and full settings of an environment's defaults. */
export function defaultsFor(env: Environment): { ctx: StackContext; cfg: StackConfig } {
  const cfg = { environment: env, ...structuredClone(DEFAULTS[env]) } as StackConfig;
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
    const resources: Recorded[] = [];
    const opts = new Map<string, { protect: boolean; retainOnDelete: boolean; parent: string; dependencies: string[] }>();
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          const o = opts.get(`${a.type}::${a.name}`);
          resources.push({ type: a.type, name: a.name, inputs: a.inputs, protect: o?.protect ?? false, retainOnDelete: o?.retainOnDelete ?? false, parent: o?.parent ?? "", dependencies: o?.dependencies ?? [] });
          return { id: `${a.name}-id`, state: a.inputs };
        },
        call: (a) => {
          throw new Error(`unmocked call ${a.token}: a component must not invoke providers`);
        },
      },
      "observability-stack",
      stack,
      false,
    );
    // newResource never sees resource options: read them off the registration request.
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: unknown) => {
      opts.set(`${req.getType()}::${req.getName()}`, {
        protect: Boolean(req.getProtect()),
        retainOnDelete: Boolean(req.getRetainondelete()),
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
      });
      return original(req, cb);
    };
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

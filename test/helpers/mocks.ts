/**
 * Runs the real program (index.ts) under Pulumi mocks and records every resource it registers:
 * type, name, inputs, parent and the options the engine would see (protect, retainOnDelete).
 * Each call runs in a fresh module registry, so dev and prod can be synthesised in one test file.
 */
import { PROJECT } from "../../components/config";

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
  /** Preview (unknowns stay unknown) rather than update. */
  preview?: boolean;
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

/** Default prod options: secrets and AWS settings a complete prod stack file would hold. */
export function prodOptions(extra: Partial<SynthesisOptions> = {}): SynthesisOptions {
  return {
    stack: "prod",
    ...extra,
    config: { aws: PROD_AWS, ...(extra.config ?? {}) },
    secrets: { ...PROD_SECRETS, ...(extra.secrets ?? {}) },
  };
}

type Pulumi = typeof import("@pulumi/pulumi");

export async function synthesize(opts: SynthesisOptions): Promise<Synthesis> {
  let result: Synthesis | undefined;
  let failure: unknown;
  await jest.isolateModulesAsync(async () => {
    const pulumi: Pulumi = await import("@pulumi/pulumi");
    const resources: RecordedResource[] = [];
    const extra = new Map<string, { protect: boolean; retainOnDelete: boolean; parent: string; provider: string }>();
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          const key = `${a.type}::${a.name}`;
          const o = extra.get(key);
          resources.push({
            type: a.type,
            name: a.name,
            urn: `urn:pulumi:${opts.stack}::${PROJECT}::${a.type}::${a.name}`,
            parent: o?.parent ?? "",
            inputs: a.inputs,
            custom: a.custom ?? true,
            provider: a.provider ?? "",
            protect: o?.protect ?? false,
            retainOnDelete: o?.retainOnDelete ?? false,
          });
          return { id: `${a.name}-id`, state: mockState(a.type, a.name, a.inputs) };
        },
        call: (a) => {
          throw new Error(`unmocked call ${a.token}(${JSON.stringify(a.inputs)}): the program must not call providers at synthesis`);
        },
      },
      PROJECT,
      opts.stack,
      opts.preview ?? false,
    );
    // Options are not passed to newResource: read them off the registration request.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource(req: any, cb: unknown): unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: unknown) => {
      extra.set(`${req.getType()}::${req.getName()}`, {
        protect: Boolean(req.getProtect()),
        retainOnDelete: Boolean(req.getRetainondelete()),
        parent: req.getParent(),
        provider: req.getProvider(),
      });
      return original(req, cb);
    };

    const all: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(opts.config ?? {})) all[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    for (const [k, v] of Object.entries(opts.secrets ?? {})) {
      all[`${PROJECT}:${k}`] = v;
      secretKeys.push(`${PROJECT}:${k}`);
    }
    for (const [k, v] of Object.entries(opts.plainTextSecrets ?? {})) all[`${PROJECT}:${k}`] = v;
    pulumi.runtime.setAllConfig(all, secretKeys);

    try {
      const program: Record<string, unknown> = await import("../../index");
      const outputs: Record<string, unknown> = {};
      const secretOutputs = new Set<string>();
      for (const [k, v] of Object.entries(program)) {
        if (pulumi.Output.isInstance(v)) {
          outputs[k] = await outputValue(v);
          if (await (v as any).isSecret) secretOutputs.add(k);
        } else if (v !== undefined && typeof v === "object" && !(v as { __esModule?: boolean }).__esModule) {
          outputs[k] = await resolveDeep(pulumi, v);
        } else {
          outputs[k] = v;
        }
      }
      await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
      result = { resources, outputs, secretOutputs };
    } catch (e) {
      failure = e;
    }
  });
  if (failure) throw failure;
  return result!;
}

function outputValue(o: import("@pulumi/pulumi").Output<unknown>): Promise<unknown> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

async function resolveDeep(pulumi: Pulumi, v: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) return outputValue(v);
  if (Array.isArray(v)) return Promise.all(v.map((x) => resolveDeep(pulumi, x)));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await resolveDeep(pulumi, x);
    return out;
  }
  return v;
}

/** State returned for a mocked resource: its inputs, plus the outputs other resources read. */
function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { ...inputs, result: `generated-${name}-password` };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return { ...inputs, bucket: inputs.bucket ?? `${name}-bucket`, arn: `arn:aws:s3:::${inputs.bucket ?? `${name}-bucket`}` };
    case "aws:kms/key:Key":
      return { ...inputs, arn: `arn:aws:kms:eu-west-1:123456789012:key/${name}`, keyId: `${name}-key-id` };
    case "aws:iam/role:Role":
      return { ...inputs, arn: `arn:aws:iam::123456789012:role/${inputs.name ?? name}`, name: inputs.name ?? name };
    case "aws:sns/topic:Topic":
      return { ...inputs, arn: `arn:aws:sns:eu-west-1:123456789012:${inputs.name ?? name}` };
    default:
      return { ...inputs };
  }
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

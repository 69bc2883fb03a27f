/**
 * The core of running the real program under Pulumi mocks, shared by the tests (test/helpers/mocks.ts)
 * and the benchmark (bench/synth.ts).
 */
import { PROJECT } from "../../components/config";
import type { RecordedResource, Synthesis, SynthesisOptions } from "./mocks";

type Pulumi = typeof import("@pulumi/pulumi");

/**
 * Set recording mocks on this @pulumi/pulumi instance: every registered resource is pushed to the
 * returned list with its inputs and the options the engine would see (protect, retainOnDelete,
 * parent, provider, dependencies), which newResource alone never receives. An invoke throws: a
 * program or component must not call providers at synthesis.
 */
export interface RecordingOptions {
  /** State of a mocked resource, where a test needs other computed outputs than mockState's; undefined = mockState. */
  state?: (type: string, name: string, inputs: Record<string, any>) => Record<string, unknown> | undefined;
  /** Receives the token of every invoke (each one also throws). */
  invokes?: string[];
}

export async function recordingMocks(
  pulumi: Pulumi,
  stack: string,
  preview = false,
  previousOutputs?: Record<string, unknown>,
  opts: RecordingOptions = {},
): Promise<RecordedResource[]> {
  const resources: RecordedResource[] = [];
  const extra = new Map<string, Pick<RecordedResource, "protect" | "retainOnDelete" | "parent" | "provider" | "plainInputs" | "dependencies" | "aliases">>();
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        const o = extra.get(`${a.type}::${a.name}`);
        resources.push({
          type: a.type,
          name: a.name,
          urn: `urn:pulumi:${stack}::${PROJECT}::${a.type}::${a.name}`,
          inputs: a.inputs,
          custom: a.custom ?? true,
          parent: o?.parent ?? "",
          provider: o?.provider ?? a.provider ?? "",
          protect: o?.protect ?? false,
          retainOnDelete: o?.retainOnDelete ?? false,
          plainInputs: o?.plainInputs ?? "",
          dependencies: o?.dependencies ?? [],
          aliases: o?.aliases ?? [],
        });
        if (a.type === "pulumi:pulumi:StackReference") return { id: a.name, state: { name: a.name, outputs: previousOutputs ?? {} } };
        return { id: `${a.name}-id`, state: opts.state?.(a.type, a.name, a.inputs) ?? mockState(a.type, a.name, a.inputs) };
      },
      call: (a) => {
        opts.invokes?.push(a.token);
        throw new Error(`unmocked call ${a.token}(${JSON.stringify(a.inputs)}): the program must not call providers at synthesis`);
      },
    },
    PROJECT,
    stack,
    preview,
    // The engine's organization of a self-managed backend (the program's reference to itself names it).
    "organization",
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    extra.set(`${req.getType()}::${req.getName()}`, {
      protect: Boolean(req.getProtect()),
      retainOnDelete: Boolean(req.getRetainondelete()),
      parent: req.getParent(),
      provider: req.getProvider(),
      plainInputs: plainText(req.getObject()?.toJavaScript() ?? {}),
      dependencies: req.getDependenciesList(),
      aliases: (req.getAliasesList() as any[]).map(aliasOf),
    });
    return original(req, cb);
  };
  return resources;
}

/**
 * Set mocks on this @pulumi/pulumi instance, set the stack's config, load the program and record
 * every resource it registers. The caller provides a fresh module registry (jest isolation, or a
 * new process in the benchmark) so the program binds to the same @pulumi/pulumi instance.
 */
export async function runProgram(pulumi: Pulumi, opts: SynthesisOptions, load: () => Promise<Record<string, unknown>>): Promise<Synthesis> {
  const resources = await recordingMocks(pulumi, opts.stack, opts.preview ?? false, opts.previousOutputs);

  const all: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(opts.config ?? {})) all[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  for (const [k, v] of Object.entries(opts.secrets ?? {})) {
    all[`${PROJECT}:${k}`] = v;
    secretKeys.push(`${PROJECT}:${k}`);
  }
  for (const [k, v] of Object.entries(opts.plainTextSecrets ?? {})) all[`${PROJECT}:${k}`] = v;
  for (const [k, v] of Object.entries(opts.otherConfig ?? {})) all[k] = v;
  pulumi.runtime.setAllConfig(all, secretKeys);

  let program: Record<string, unknown>;
  try {
    program = await load();
    // index.ts exports the promise of its outputs (it reads the last update's outputs first).
    const main = (program as { default?: unknown }).default;
    if (main && typeof (main as Promise<unknown>).then === "function") program = (await main) as Record<string, unknown>;
  } catch (e) {
    // Tests assert that a bad config registers nothing: say how many resources got through.
    if (e && typeof e === "object") (e as { registeredResources?: number }).registeredResources = resources.length;
    throw e;
  }
  const outputs: Record<string, unknown> = {};
  const secretOutputs = new Set<string>();
  for (const [k, v] of Object.entries(program)) {
    if (pulumi.Output.isInstance(v)) {
      outputs[k] = await valueOf(v);
      if (await (v as any).isSecret) secretOutputs.add(k);
    } else if (v !== undefined && typeof v === "object" && !(v as { __esModule?: boolean }).__esModule) {
      outputs[k] = await resolveDeep(pulumi, v);
    } else {
      outputs[k] = v;
    }
  }
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { resources, outputs, secretOutputs };
}

/** An alias as the engine receives it: a URN, or the parts of the former URN that differ. */
function aliasOf(a: any): RecordedResource["aliases"][number] {
  if (a.hasUrn?.()) return { urn: a.getUrn() };
  const s = a.getSpec();
  return {
    ...(s.getName() ? { name: s.getName() } : {}),
    ...(s.getType() ? { type: s.getType() } : {}),
    ...(s.getParenturn() ? { parent: s.getParenturn() } : {}),
    ...(s.getNoparent() ? { noParent: true } : {}),
  };
}

/** Pulumi's wire marker of a secret value. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** The inputs as JSON with every secret-marked value replaced: what would be stored in plain text. */
function plainText(wire: unknown): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o[SIG_KEY] === SECRET_SIG) return "[secret]";
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return JSON.stringify(strip(wire));
}

/** The value of an Output (mocks resolve every value, so this never waits on an unknown). The one resolver of the tests. */
export function valueOf<T>(o: { apply<U>(f: (v: T) => U): unknown }): Promise<T> {
  return new Promise((resolve) => o.apply((v: T) => resolve(v)));
}

async function resolveDeep(pulumi: Pulumi, v: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) return valueOf(v);
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


/**
 * The Kubernetes manifests of an environment, as the program registers them under the Pulumi mocks
 * (./mocks.ts, ./program.ts): every object of the kubernetes provider with its inputs, as YAML.
 * The security scan (test/security/checkov.test.ts) reads them, and `npm run render:manifests`
 * writes them for people who want to look.
 *
 * Values the engine would keep secret (the inputs' wire form marks them) render as placeholders of
 * the same shape, and values unknown until deploy as another placeholder: a rendered file never
 * holds a secret, not even the mocks' made-up ones.
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import YAML from "yaml";
import { prodOptions, type RecordedResource, type SynthesisOptions } from "./mocks";

export const ENVIRONMENTS = ["dev", "prod"] as const;
export type ManifestEnvironment = (typeof ENVIRONMENTS)[number];

/** The synthesis options of an environment: dev's defaults, prod's with the secrets and addresses a complete stack file holds. */
export function optionsFor(env: ManifestEnvironment): SynthesisOptions {
  return env === "prod" ? prodOptions() : { stack: "dev" };
}

/** What a secret value renders as (a Secret's `data` holds it base64-encoded, as Kubernetes expects). */
export const SECRET_PLACEHOLDER = "placeholder-secret-not-rendered";
/** What a value unknown until deploy renders as. */
export const UNKNOWN_PLACEHOLDER = "placeholder-unknown-until-deploy";

/** Pulumi's wire value of an unknown (a preview's computed value). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How ./program.ts's plainInputs marks a secret value. */
const SECRET_MARK = "[secret]";
/** Pulumi's wire envelope of a secret value ({ [SIG_KEY]: SECRET_SIG, value }), as the mocks receive it. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSecretEnvelope(v: unknown): v is { value: unknown } {
  return Boolean(v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG);
}

export interface Manifest {
  kind: string;
  apiVersion: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
  /** The object as it would be applied, secrets and unknowns replaced. */
  object: Record<string, unknown>;
}

/** Kinds of the stack without a namespace. */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "PriorityClass", "CustomResourceDefinition"]);

/** "Kind/namespace/name", or "Kind/name" for a cluster-scoped object: how findings and exceptions name an object. */
export function resourceId(m: Pick<Manifest, "kind" | "namespace" | "name">): string {
  return m.namespace ? `${m.kind}/${m.namespace}/${m.name}` : `${m.kind}/${m.name}`;
}

/** The value with every secret-marked (in `wire`) part replaced by a placeholder of the same shape. */
function redact(value: unknown, wire: unknown, placeholder: string): unknown {
  if (isSecretEnvelope(value)) return same(value.value, placeholder);
  if (wire === SECRET_MARK) return same(value, placeholder);
  if (wire === UNKNOWN || value === UNKNOWN) return UNKNOWN_PLACEHOLDER;
  if (Array.isArray(value)) return value.map((v, i) => redact(v, Array.isArray(wire) ? wire[i] : undefined, placeholder));
  if (value && typeof value === "object") {
    const w = wire && typeof wire === "object" ? (wire as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = redact(v, w[k], placeholder);
    // A value unknown under a preview is missing from the inputs but marked in the wire form.
    for (const [k, v] of Object.entries(w)) if (!(k in out) && v === UNKNOWN) out[k] = UNKNOWN_PLACEHOLDER;
    return out;
  }
  return value;
}

/** A placeholder in the shape of a secret value: each string (or number) of it replaced. */
function same(value: unknown, placeholder: string): unknown {
  if (Array.isArray(value)) return value.map((v) => same(v, placeholder));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, same(v, placeholder)]));
  if (typeof value === "boolean") return value;
  return placeholder;
}

/** The Kubernetes objects among the recorded resources, sorted by kind, namespace and name. */
export function manifestsOf(resources: RecordedResource[]): Manifest[] {
  const out: Manifest[] = [];
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:") || r.type.startsWith("pulumi:providers:")) continue;
    const wire = r.plainInputs ? JSON.parse(r.plainInputs) : {};
    const kind = r.inputs.kind ?? r.type.split(":").pop();
    const object: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.inputs)) {
      if (v === undefined) continue;
      // A Secret's `data` is base64: its placeholder too.
      const placeholder = kind === "Secret" && k === "data" ? Buffer.from(SECRET_PLACEHOLDER).toString("base64") : SECRET_PLACEHOLDER;
      object[k] = redact(v, wire[k], placeholder);
    }
    const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
    if (!metadata.name) throw new Error(`${r.type} ${r.name} has no metadata.name: the stack names every object`);
    out.push({
      kind,
      apiVersion: String(object.apiVersion ?? ""),
      namespace: CLUSTER_SCOPED.has(kind) ? "" : (metadata.namespace ?? "default"),
      name: metadata.name,
      object,
    });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** One multi-document YAML file of the manifests. */
export function toYaml(manifests: Manifest[]): string {
  return manifests.map((m) => YAML.stringify(m.object, { lineWidth: 0 })).join("---\n");
}

/** The manifests of a file toYaml wrote (to name checkov's findings of a file rendered in another process). */
export function manifestsFromYaml(text: string): Manifest[] {
  return YAML.parseAllDocuments(text).map((d) => {
    const object = d.toJS() as Record<string, any>;
    const kind = String(object.kind);
    return { kind, apiVersion: String(object.apiVersion), namespace: CLUSTER_SCOPED.has(kind) ? "" : (object.metadata?.namespace ?? "default"), name: object.metadata?.name, object };
  });
}

/** Writes DIR/<env>.yaml (one document per object) and returns its path. */
export function writeManifests(dir: string, env: ManifestEnvironment, manifests: Manifest[]): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${env}.yaml`);
  writeFileSync(file, toYaml(manifests));
  return file;
}

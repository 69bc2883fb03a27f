/**
 * Reading Kubernetes objects as the engine hands them to a policy: plain input objects
 * (metadata, spec, data) of @pulumi/kubernetes typed resources.
 */

/** Types that are Pulumi components or helpers, not Kubernetes objects with metadata of their own. */
const NOT_OBJECTS = [
  /^kubernetes:helm\.sh\//,
  /^kubernetes:yaml(\/v2)?:/,
  /^kubernetes:kustomize(\/v2)?:/,
  /Patch$/,
  /List$/,
];

/** A real Kubernetes object registered through @pulumi/kubernetes ("kubernetes:apps/v1:StatefulSet"). */
export function isKubernetesObject(type: string): boolean {
  return type.startsWith("kubernetes:") && !NOT_OBJECTS.some((re) => re.test(type));
}

/** "StatefulSet" from "kubernetes:apps/v1:StatefulSet". */
export function kindOf(type: string): string {
  return type.split(":").pop() ?? type;
}

export const WORKLOAD_TYPES = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:core/v1:Pod",
  "kubernetes:core/v1:PodTemplate",
  "kubernetes:core/v1:ReplicationController",
];

export type Obj = Record<string, any>;

export function asObj(v: unknown): Obj | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function asArray(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

export interface PodTemplate {
  /** Where the template sits, for messages: "spec.template", "spec.jobTemplate.spec.template", "" (a Pod). */
  path: string;
  metadata: Obj | undefined;
  spec: Obj;
}

/** The pod template of a workload, or undefined for objects that have none. */
export function podTemplateOf(type: string, props: Obj): PodTemplate | undefined {
  const kind = kindOf(type);
  if (!type.startsWith("kubernetes:")) return undefined;
  if (kind === "Pod") {
    return props.spec ? { path: "", metadata: asObj(props.metadata), spec: asObj(props.spec) ?? {} } : undefined;
  }
  if (kind === "PodTemplate") {
    const t = asObj(props.template);
    return t ? { path: "template", metadata: asObj(t.metadata), spec: asObj(t.spec) ?? {} } : undefined;
  }
  if (kind === "CronJob") {
    const t = asObj(asObj(asObj(asObj(props.spec)?.jobTemplate)?.spec)?.template);
    return t ? { path: "spec.jobTemplate.spec.template", metadata: asObj(t.metadata), spec: asObj(t.spec) ?? {} } : undefined;
  }
  if (!WORKLOAD_TYPES.includes(type)) return undefined;
  const t = asObj(asObj(props.spec)?.template);
  return t ? { path: "spec.template", metadata: asObj(t.metadata), spec: asObj(t.spec) ?? {} } : undefined;
}

export interface ContainerRef {
  /** "container", "init container", "ephemeral container". */
  role: string;
  name: string;
  container: Obj;
}

/** Every container of a pod spec: init containers first, then the main ones, then ephemeral ones. */
export function containersOf(spec: Obj): ContainerRef[] {
  const out: ContainerRef[] = [];
  const add = (list: unknown, role: string) => {
    for (const c of asArray(list)) {
      const o = asObj(c);
      if (o) out.push({ role, name: String(o.name ?? "?"), container: o });
    }
  };
  add(spec.initContainers, "init container");
  add(spec.containers, "container");
  add(spec.ephemeralContainers, "ephemeral container");
  return out;
}

/** metadata.labels ({} when absent, or unknown during a preview). */
export function labelsOf(props: Obj): Record<string, unknown> {
  return knownOr(() => asObj(asObj(props.metadata)?.labels) ?? {}, {});
}

/** app.kubernetes.io/name of an object (metadata labels, falling back to its pod template's). */
export function appNameOf(type: string, props: Obj): string | undefined {
  const own = knownOr(() => labelsOf(props)["app.kubernetes.io/name"], undefined);
  if (typeof own === "string" && own) return own;
  const fromTemplate = knownOr(() => asObj(podTemplateOf(type, props)?.metadata?.labels)?.["app.kubernetes.io/name"], undefined);
  return typeof fromTemplate === "string" && fromTemplate ? fromTemplate : undefined;
}

/** metadata.name, or the Pulumi resource name when the name is auto-generated. */
export function objectName(props: Obj, resourceName: string): string {
  const n = knownOr(() => asObj(props.metadata)?.name, undefined);
  return typeof n === "string" && n ? n : resourceName;
}

export function namespaceOf(props: Obj): string | undefined {
  const ns = knownOr(() => asObj(props.metadata)?.namespace, undefined);
  return typeof ns === "string" ? ns : undefined;
}

/**
 * The value of a command-line flag in a container's args (and command): "--flag=value" or
 * "--flag value". undefined when absent; "" when given without a value.
 */
export function flagValue(container: Obj, flag: string): string | undefined {
  const argv = [...asArray(container.command), ...asArray(container.args)].map(String);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    for (const f of [flag, flag.replace(/^--/, "-")]) {
      if (a === f) return i + 1 < argv.length && !argv[i + 1].startsWith("-") ? argv[i + 1] : "";
      if (a.startsWith(`${f}=`)) return a.slice(f.length + 1);
    }
  }
  return undefined;
}

/** A container by name, or undefined. */
export function findContainer(spec: Obj, name: string): Obj | undefined {
  return containersOf(spec).find((c) => c.name === name && c.role === "container")?.container;
}

/**
 * The string data of a ConfigMap (data, plus binaryData decoded as UTF-8). A value unknown during a
 * preview throws (the engine then reports the policy as not runnable in preview), unless `tolerant`:
 * then unknown entries are left out and {@link hasUnknownData} tells whether any was.
 */
export function configMapData(props: Obj, tolerant = false): Record<string, string> {
  const out: Record<string, string> = {};
  const read = (container: "data" | "binaryData", decode: (v: string) => string) => {
    const obj = tolerant ? knownOr(() => asObj(props[container]), undefined) : asObj(props[container]);
    if (!obj) return;
    for (const k of Object.keys(obj)) {
      const v = tolerant ? knownOr(() => obj[k] as unknown, undefined) : obj[k];
      if (typeof v === "string") out[k] = decode(v);
    }
  };
  read("data", (v) => v);
  read("binaryData", (v) => Buffer.from(v, "base64").toString("utf8"));
  return out;
}

/** True when some of a ConfigMap's data is unknown (a preview of data computed from other resources). */
export function hasUnknownData(props: Obj): boolean {
  for (const container of ["data", "binaryData"]) {
    let obj: Obj | undefined;
    try {
      obj = asObj(props[container]);
    } catch {
      return true;
    }
    for (const k of Object.keys(obj ?? {})) {
      try {
        void obj![k];
      } catch {
        return true;
      }
    }
  }
  return false;
}

function knownOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof Error && /can't be known during preview/.test(e.message)) return fallback;
    throw e;
  }
}

/** A valid Kubernetes label value: at most 63 characters, alphanumeric at both ends, [-_.] inside. */
export function isValidLabelValue(v: string): boolean {
  return v.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(v);
}

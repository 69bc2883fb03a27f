/**
 * Building blocks shared by the components: security contexts, volume claims, disruption budgets,
 * anti-affinity, network policies and the resource options that keep stateful data safe.
 * Everything here is a plain function of its inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createHash } from "crypto";
import type { Environment } from "./config/project";
import type { Placement } from "./config/placement";
import type { Resources } from "./config/shared";
import { quantityMi } from "./config/quantities";
import { selectorLabels, standardLabels } from "./labels";
import { claimName } from "./data-volumes";
import { image } from "./versions";

/** What every component needs to know about the stack it is part of. */
export interface StackContext {
  /** Namespace of every object. */
  namespace: string;
  environment: Environment;
  team: string;
  /** PersistentVolumeClaims get this StorageClass; unset = the cluster default. */
  storageClassName?: string;
  persistence: {
    /** Persistent volumes (off = emptyDir, dev only). */
    enabled: boolean;
    /** Protect stateful resources from `pulumi destroy` and keep their volumes on delete/replace. */
    protect: boolean;
  };
  /**
   * Whether the last update had the other persistence for a StatefulSet (so this update replaces it).
   * Unset: no previous update is known.
   */
  persistenceChanges?: (statefulSet: string, persistent: boolean) => boolean;
  /**
   * Whether the last update had a cluster IP on a StatefulSet's governing Service (so this update
   * replaces it with a headless one). Unset: no previous update is known.
   */
  governingServiceChanges?: (statefulSet: string) => boolean;
  /** Failure domains of multi-replica workloads; unset = PLACEMENT_DEFAULTS. */
  placement?: Placement;
  /** Where the stack's pods and the cluster's services are, for the egress rules. Unset: NETWORK_DEFAULTS in `namespace`. */
  network?: NetworkContext;
}

/**
 * Failure domains of a component created on its own: preferred anti-affinity and best-effort zone
 * spread, which schedule on any cluster. The stack's prod preset requires both.
 */
export const PLACEMENT_DEFAULTS: Placement = {
  antiAffinity: "preferred",
  zoneSpread: "ScheduleAnyway",
  zoneLabel: "topology.kubernetes.io/zone",
  zones: [],
  allowSharedFailureDomains: false,
};

/** The placement a context asks for, with the defaults. */
export function placementOf(ctx: StackContext): Placement {
  return { ...PLACEMENT_DEFAULTS, ...(ctx.placement ?? {}) };
}

/** What the network policies need to know beyond a component's own namespace. */
export interface NetworkContext {
  /** Namespace of the main components (Prometheus, Loki, Elasticsearch, ...). */
  mainNamespace: string;
  /** Namespace of the node agents (node exporter, Fluent Bit). */
  agentsNamespace: string;
  /** The API server's endpoint addresses and ports (components/config.ts `network.apiServer`). */
  apiServer: { cidrs: string[]; ports: number[] };
  /** The nodes' addresses (kubelets, host-network pods). */
  nodeCidrs: string[];
  /** Object storage, when the stack uses it (prod with AWS); unset = none. */
  objectStorageCidrs?: string[];
  /** The alert receivers' addresses. */
  receiverCidrs: string[];
}

/** The network of a component created on its own: the stack's defaults, everything in its namespace. */
export function networkOf(ctx: StackContext): NetworkContext {
  return (
    ctx.network ?? {
      mainNamespace: ctx.namespace,
      agentsNamespace: ctx.namespace,
      apiServer: { cidrs: ["0.0.0.0/0"], ports: [443, 6443] },
      nodeCidrs: ["0.0.0.0/0"],
      receiverCidrs: ["0.0.0.0/0"],
    }
  );
}

/**
 * Where and how a component deploys, for programs that use the components on their own. Every field
 * has a default, so a component can be created with none of them.
 */
export interface PlacementArgs {
  /** Namespace of every object; it must exist. @default "default" */
  namespace?: string;
  /** The `environment` label of every object. @default "dev" */
  environment?: Environment;
  /** The `team` label of every object. @default "observability" */
  team?: string;
  /** StorageClass of the data claims. @default the cluster's default StorageClass */
  storageClassName?: string;
  /** Persistent claims for the data (off: an emptyDir of the same size). @default true */
  persistence?: boolean;
  /** Protect the data from `pulumi destroy` (and keep it on delete). @default false */
  protect?: boolean;
  /** Failure domains of its replicas (anti-affinity, zone spread). @default PLACEMENT_DEFAULTS */
  placement?: Partial<Placement>;
  /** All of the above at once, as the stack passes it; when set, it wins over the fields above. */
  context?: StackContext;
}

/** The context a component works in, from its placement args and their defaults. */
export function resolveContext(a: PlacementArgs): StackContext {
  if (a.context) return a.context;
  return {
    namespace: a.namespace ?? "default",
    environment: a.environment ?? "dev",
    team: a.team ?? "observability",
    storageClassName: a.storageClassName,
    persistence: { enabled: a.persistence ?? true, protect: a.protect ?? false },
    placement: { ...PLACEMENT_DEFAULTS, ...(a.placement ?? {}) },
  };
}

/** `defaults`, overlaid with `settings`, overlaid with the fields of `args` that are set. */
export function resolveSettings<T extends object>(defaults: T, settings: Partial<T> | undefined, args: Partial<T>): T {
  const set = Object.fromEntries(Object.entries(args).filter(([k, v]) => v !== undefined && k in defaults)) as Partial<T>;
  return { ...defaults, ...(settings ?? {}), ...set };
}

/** Identity of one workload: its labels and selector. */
export interface Workload {
  /** app.kubernetes.io/name */
  name: string;
  /** app.kubernetes.io/instance */
  instance: string;
  /** app.kubernetes.io/component */
  component: string;
  /** app.kubernetes.io/version */
  version: string;
}

export function labels(ctx: StackContext, w: Workload): Record<string, string> {
  return standardLabels({ ...w, environment: ctx.environment, team: ctx.team });
}

export function selector(w: Workload): Record<string, string> {
  return selectorLabels(w);
}

/** ObjectMeta with the standard labels. */
export function meta(ctx: StackContext, w: Workload, name: string, extra?: { annotations?: pulumi.Input<Record<string, pulumi.Input<string>>> }) {
  return { name, namespace: ctx.namespace, labels: labels(ctx, w), ...(extra?.annotations ? { annotations: extra.annotations } : {}) };
}

/**
 * A container that runs as non-root, cannot escalate, keeps no capabilities, and by default has a
 * read-only root filesystem.
 */
export function containerSecurity(opts: { readOnlyRootFilesystem?: boolean; runAsUser?: number } = {}): k8s.types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    ...(opts.runAsUser !== undefined ? { runAsUser: opts.runAsUser } : {}),
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod-level security: a fixed non-root user and group that owns the mounted volumes. */
export function podSecurity(uid: number, gid = uid): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The annotation on a StatefulSet's headless governing Service. */
export const GOVERNING_SERVICE_ANNOTATION = "observability-stack/governing-service";

/**
 * Annotations of a StatefulSet's headless governing Service. When this update replaces an older
 * release's ClusterIP Service of the same name (deleted first), the annotation is unknown in the
 * preview: the provider then skips its server-side dry run of the new Service, which the API server
 * would refuse while the old one exists ("clusterIPs may not change once set"), and the preview
 * shows the replacement instead of failing.
 */
export function governingServiceAnnotations(ctx: StackContext, statefulSet: string): Record<string, pulumi.Input<string>> {
  const replacing = pulumi.runtime.isDryRun() && (ctx.governingServiceChanges?.(statefulSet) ?? false);
  return { [GOVERNING_SERVICE_ANNOTATION]: replacing ? (pulumi.unknown as unknown as string) : "headless" };
}

/**
 * The headless governing Service `name` of the StatefulSet `statefulSet` (its serviceName). Its
 * clusterIP cannot change in place: an older release's ClusterIP Service of the same name is
 * replaced, deleted first (the name stays). Register it after the StatefulSet, which names it as a
 * known value and does not depend on it: the engine then does not replace the StatefulSet with it (a
 * dependent of a Service deleted first is replaced when an input of it may change, and serviceName
 * is immutable).
 */
export function governingService(
  ctx: StackContext,
  w: Workload,
  name: string,
  ports: pulumi.Input<k8s.types.input.core.v1.ServicePort>[],
  statefulSet: k8s.apps.v1.StatefulSet,
  parent: pulumi.Resource,
): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    `${name}-service`,
    { metadata: meta(ctx, w, name, { annotations: governingServiceAnnotations(ctx, name) }), spec: { clusterIP: "None", selector: selector(w), ports } },
    { parent, replaceOnChanges: ["spec.clusterIP"], deleteBeforeReplace: true, dependsOn: [statefulSet] },
  );
}

/** Container resources from the config schema. */
export function resources(r: Resources): k8s.types.input.core.v1.ResourceRequirements {
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/**
 * Ephemeral storage of every container besides its emptyDir volumes: its logs (the kubelet keeps up
 * to 5 × 10 MiB per container), a root filesystem that is read-only, and scratch. Requested: 64 MiB;
 * limit: 256 MiB.
 */
export const EPHEMERAL_BASE_MI = { request: 64, limit: 256 };

/**
 * Ephemeral-storage requests and limits on every container and init container of a pod spec. The
 * kubelet evicts a pod whose emptyDir volumes, logs and writable layers together exceed the sum of
 * its containers' limits, so each emptyDir counts, by its sizeLimit, in the limit of the first main
 * container that mounts it (and a quarter of it in the request): what the pod may write always fits.
 * An init container runs alone, before them: it counts every emptyDir it mounts.
 * An emptyDir without a sizeLimit is refused (it could fill the node).
 */
export function withEphemeralStorage<T extends object>(spec: T): T {
  type C = { name: string; volumeMounts?: { name: string }[]; resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } };
  const s = spec as { containers?: C[]; initContainers?: C[]; volumes?: { name: string; emptyDir?: { sizeLimit?: string; medium?: string } }[] };
  const emptyDirs = new Map<string, number>();
  for (const v of s.volumes ?? []) {
    if (!v.emptyDir) continue;
    if (typeof v.emptyDir.sizeLimit !== "string") throw new Error(`emptyDir volume "${v.name}" has no sizeLimit; every emptyDir is bounded`);
    // A memory-backed emptyDir counts against memory, not ephemeral storage.
    if (v.emptyDir.medium !== "Memory") emptyDirs.set(v.name, quantityMi(v.emptyDir.sizeLimit));
  }
  const withStorage = (counted: Set<string>) => (c: C): C => {
    let mi = 0;
    for (const m of c.volumeMounts ?? []) {
      const size = emptyDirs.get(m.name);
      if (size === undefined || counted.has(m.name)) continue;
      counted.add(m.name);
      mi += size;
    }
    const r = c.resources ?? {};
    return {
      ...c,
      resources: {
        ...r,
        requests: { ...(r.requests ?? {}), "ephemeral-storage": `${EPHEMERAL_BASE_MI.request + Math.ceil(mi / 4)}Mi` },
        limits: { ...(r.limits ?? {}), "ephemeral-storage": `${EPHEMERAL_BASE_MI.limit + mi}Mi` },
      },
    };
  };
  // The main containers run together: each emptyDir counts once, in the first that mounts it. An
  // init container runs alone, before them: it counts every emptyDir it mounts.
  const main = withStorage(new Set<string>());
  const initContainers = (s.initContainers ?? []).map((c) => withStorage(new Set<string>())(c));
  return { ...spec, ...(s.initContainers ? { initContainers } : {}), containers: (s.containers ?? []).map(main) } as T;
}

/** The claim spec of a data volume: the same for a StatefulSet's template and its claims. */
function claimSpec(ctx: StackContext, sizeGi: number): k8s.types.input.core.v1.PersistentVolumeClaimSpec {
  return {
    accessModes: ["ReadWriteOnce"],
    ...(ctx.storageClassName ? { storageClassName: ctx.storageClassName } : {}),
    resources: { requests: { storage: `${sizeGi}Gi` } },
  };
}

/**
 * Labels of a claim template: without the version label, as the template is immutable and an image
 * bump must not replace the StatefulSet. (The claims themselves carry it: their labels can change.)
 */
function claimLabels(ctx: StackContext, w: Workload): Record<string, string> {
  const { ["app.kubernetes.io/version"]: _version, ...stable } = labels(ctx, w);
  return stable;
}

/** Annotation on a StatefulSet saying whether its pods have persistent claims ("true"/"false"). */
export const PERSISTENT_VOLUMES_ANNOTATION = "observability-stack/persistent-volumes";

/**
 * Claim fields Pulumi leaves alone on a StatefulSet's template, which Kubernetes never lets change:
 * the size grows through the claims themselves, and a class change is refused before the update
 * (components/data-volumes.ts).
 */
const TEMPLATE_IGNORED = ["spec.volumeClaimTemplates[0].spec.resources.requests.storage", "spec.volumeClaimTemplates[0].spec.storageClassName"];

/** Where a StatefulSet's data lives. */
export interface DataVolumeArgs {
  /** The StatefulSet's object name; its claims are `<volume>-<statefulSet>-<ordinal>`. */
  statefulSet: string;
  /** Volume name in the pod template. */
  volume: string;
  sizeGi: number;
  replicas: number;
}

/**
 * Data volume of a stateful workload.
 *
 * With persistence on, the StatefulSet gets a claim template, and each replica's claim is also a
 * resource of its own, created before the StatefulSet (which adopts it by name). That makes the claims
 * day-2 safe:
 * - a larger size grows the claims in place, through the StorageClass's volume expansion, while the
 *   StatefulSet (whose claim template Kubernetes never lets change) keeps its template;
 * - the claims are kept when Pulumi deletes them (retainOnDelete): scaling down, persistence turned
 *   off or a destroy leave the data, and the next up takes it back;
 * - the claims are force-applied: claims made by the StatefulSet controller before they were
 *   resources of the stack are taken over without a field conflict.
 *
 * With persistence off, the volume is an emptyDir bounded by the same size.
 *
 * Turning persistence on or off changes the claim template, so the StatefulSet is replaced. The
 * annotation that records it is unknown in a preview of that change, so the preview shows the
 * replacement instead of failing on the API server's dry run of an update it would refuse.
 */
export function dataVolume(ctx: StackContext, w: Workload, a: DataVolumeArgs, parent: pulumi.Resource, name: string) {
  const persistent = ctx.persistence.enabled;
  const replacing = pulumi.runtime.isDryRun() && (ctx.persistenceChanges?.(a.statefulSet, persistent) ?? false);
  const annotations: Record<string, pulumi.Input<string>> = { [PERSISTENT_VOLUMES_ANNOTATION]: replacing ? (pulumi.unknown as unknown as string) : String(persistent) };
  if (!persistent) {
    return {
      annotations,
      claims: [] as k8s.core.v1.PersistentVolumeClaim[],
      volumes: [{ name: a.volume, emptyDir: { sizeLimit: `${a.sizeGi}Gi` } }] as k8s.types.input.core.v1.Volume[],
      volumeClaimTemplates: [] as k8s.types.input.core.v1.PersistentVolumeClaim[],
      persistentVolumeClaimRetentionPolicy: undefined,
      options: (extra: pulumi.CustomResourceOptions = {}) => dataOptions(ctx, parent, extra),
    };
  }
  const claims = Array.from(
    { length: a.replicas },
    (_, i) =>
      new k8s.core.v1.PersistentVolumeClaim(
        `${name}-${a.volume}-${i}`,
        {
          metadata: { name: claimName(a.volume, a.statefulSet, i), namespace: ctx.namespace, labels: labels(ctx, w), annotations: { "pulumi.com/patchForce": "true" } },
          spec: claimSpec(ctx, a.sizeGi),
        },
        // Kept when Pulumi deletes it, whatever the stack's protection: the StatefulSet's own
        // policy (whenScaled/whenDeleted: Retain) says the same. No ignoreChanges here: on an update
        // the provider would copy the ignored field's live value into the apply, making the stack own
        // the class the API server defaulted, and a later take-back (which omits it) would try to unset it.
        { parent, ...(ctx.persistence.protect ? { protect: true } : {}), retainOnDelete: true },
      ),
  );
  return {
    annotations,
    claims,
    volumes: [] as k8s.types.input.core.v1.Volume[],
    volumeClaimTemplates: [{ metadata: { name: a.volume, labels: claimLabels(ctx, w) }, spec: claimSpec(ctx, a.sizeGi) }] as k8s.types.input.core.v1.PersistentVolumeClaim[],
    // Keep the claims when the StatefulSet is deleted or scaled down: the data outlives the workload.
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    // The StatefulSet itself holds no data: protected like the data (a replacement is refused), but
    // not retained. A destroy that keeps the data deletes it and keeps its claims; the next up creates
    // it again from the config (its claim template may differ from the first one's after a growth,
    // which Kubernetes would refuse as an update of a retained StatefulSet) and it adopts the claims.
    options: (extra: pulumi.CustomResourceOptions = {}) => ({
      parent,
      ...(ctx.persistence.protect ? { protect: true } : {}),
      ...extra,
      dependsOn: [...toArray(extra.dependsOn), ...claims],
      ignoreChanges: [...(extra.ignoreChanges ?? []), ...TEMPLATE_IGNORED],
    }),
  };
}

function toArray(d: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (d === undefined) return [];
  return Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
}

/**
 * Options for resources that hold data: protected from `pulumi destroy` and kept in the cluster
 * if Pulumi would delete or replace them, whenever the stack protects its data (prod).
 */
export function dataOptions(ctx: StackContext, parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { parent, ...(ctx.persistence.protect ? { protect: true, retainOnDelete: true } : {}), ...extra };
}

/** The node label every node has: one value per node. */
export const HOSTNAME_LABEL = "kubernetes.io/hostname";

/**
 * Keep the replicas of a workload off one node: required or preferred per the context's placement
 * (preferred lets a cluster with fewer nodes than replicas schedule them all). Decided by what it
 * depends on: more than one replica.
 */
export function antiAffinity(ctx: StackContext, w: Workload, replicas: number): k8s.types.input.core.v1.Affinity | undefined {
  if (replicas < 2) return undefined;
  const term = { topologyKey: HOSTNAME_LABEL, labelSelector: { matchLabels: selector(w) } };
  return {
    podAntiAffinity:
      placementOf(ctx).antiAffinity === "required"
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
}

/**
 * Spread the replicas of a workload over zones (the placement's zone label), at most one apart:
 * DoNotSchedule keeps a replica Pending rather than unbalance the zones, ScheduleAnyway only
 * prefers balance. More than one replica only.
 */
export function topologySpread(ctx: StackContext, w: Workload, replicas: number): k8s.types.input.core.v1.TopologySpreadConstraint[] | undefined {
  if (replicas < 2) return undefined;
  const p = placementOf(ctx);
  return [{ maxSkew: 1, topologyKey: p.zoneLabel, whenUnsatisfiable: p.zoneSpread, labelSelector: { matchLabels: selector(w) } }];
}

/**
 * Annotation of a replicated workload whose replicas may share a node or zone because the stack
 * says so (placement.allowSharedFailureDomains with a relaxed placement): the pack's failure-domain
 * policies accept it, and it shows on the object.
 */
export const SHARED_FAILURE_DOMAINS_ANNOTATION = "observability-stack/shared-failure-domains";

/** The workload annotations of its placement: SHARED_FAILURE_DOMAINS_ANNOTATION when it applies. */
export function placementAnnotations(ctx: StackContext, replicas: number): Record<string, string> {
  const p = placementOf(ctx);
  const relaxed = p.antiAffinity !== "required" || p.zoneSpread !== "DoNotSchedule";
  return replicas > 1 && relaxed && p.allowSharedFailureDomains ? { [SHARED_FAILURE_DOMAINS_ANNOTATION]: "allowed" } : {};
}

/**
 * A PodDisruptionBudget for workloads with more than one replica (whatever the environment): a
 * voluntary eviction (node drain) may take at most one pod at a time, so a quorum always survives.
 */
export function disruptionBudget(ctx: StackContext, w: Workload, replicas: number, parent: pulumi.Resource, name: string): k8s.policy.v1.PodDisruptionBudget | undefined {
  if (replicas < 2) return undefined;
  return new k8s.policy.v1.PodDisruptionBudget(
    `${name}-pdb`,
    { metadata: meta(ctx, w, w.instance), spec: { maxUnavailable: 1, selector: { matchLabels: selector(w) } } },
    { parent },
  );
}

/**
 * Pods a rule names: a label set in the policy's own namespace, or one in another namespace
 * (`{ pods, namespace }`, e.g. Fluent Bit in the agents' namespace).
 */
export type Peer = Record<string, string> | { pods: Record<string, string>; namespace: string };

/** Who may reach a workload on which ports. */
export interface IngressRule {
  /** Pods; "cluster" = any pod in any namespace. */
  from: Peer[] | "cluster";
  ports: number[];
  /** Protocols of the ports; default TCP only. */
  protocols?: ("TCP" | "UDP")[];
}

/** Where a workload may connect to. */
export interface EgressRule {
  /** Pods, addresses (CIDRs), or "cluster" (any pod in any namespace). */
  to: Peer[] | { cidrs: string[] } | "cluster";
  /** Ports; unset = every port (only for "cluster": a scraper of annotated pods on any port). */
  ports?: number[];
  protocols?: ("TCP" | "UDP")[];
}

/** The cluster DNS (kube-dns / CoreDNS in kube-system): every pod that resolves a name needs it. */
export const DNS_EGRESS: EgressRule = {
  to: [{ pods: { "k8s-app": "kube-dns" }, namespace: "kube-system" }],
  ports: [53],
  protocols: ["UDP", "TCP"],
};

/** Egress to the API server (discovery, watches, TokenReviews). */
export function apiServerEgress(ctx: StackContext): EgressRule {
  const net = networkOf(ctx);
  return { to: { cidrs: net.apiServer.cidrs }, ports: net.apiServer.ports };
}

/** The pods of `app` in the main namespace, as seen from a policy in `ctx.namespace`. */
export function mainPods(ctx: StackContext, labels: Record<string, string>): Peer {
  const ns = networkOf(ctx).mainNamespace;
  return ns === ctx.namespace ? labels : { pods: labels, namespace: ns };
}

/** The pods of `app` in the agents' namespace, as seen from a policy in `ctx.namespace`. */
export function agentPods(ctx: StackContext, labels: Record<string, string>): Peer {
  const ns = networkOf(ctx).agentsNamespace;
  return ns === ctx.namespace ? labels : { pods: labels, namespace: ns };
}

function peer(p: Peer): k8s.types.input.networking.v1.NetworkPolicyPeer {
  if (typeof (p as { pods?: unknown }).pods === "object") {
    const q = p as { pods: Record<string, string>; namespace: string };
    return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": q.namespace } }, podSelector: { matchLabels: q.pods } };
  }
  return { podSelector: { matchLabels: p as Record<string, string> } };
}

function ruleBody(ports: number[] | undefined, protocols: ("TCP" | "UDP")[] | undefined) {
  return ports === undefined ? {} : { ports: ports.flatMap((port) => (protocols ?? ["TCP"]).map((protocol) => ({ protocol, port }))) };
}

function egressRule(r: EgressRule): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
  const to = r.to === "cluster" ? [{ namespaceSelector: {} }] : Array.isArray(r.to) ? r.to.map(peer) : r.to.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  return { to, ...ruleBody(r.ports, r.protocols) };
}

/**
 * A NetworkPolicy that denies all ingress to the workload's pods except the listed rules, and, with
 * `egress` given, all egress except the cluster DNS and the listed rules. "cluster" means any pod in
 * any namespace (e.g. applications sending OTLP or logs).
 */
export function networkPolicy(
  ctx: StackContext,
  w: Workload,
  rules: IngressRule[],
  parent: pulumi.Resource,
  name: string,
  aliases?: pulumi.CustomResourceOptions["aliases"],
  egress?: pulumi.Input<EgressRule[]>,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    `${name}-netpol`,
    {
      metadata: meta(ctx, w, w.instance),
      spec: {
        podSelector: { matchLabels: selector(w) },
        policyTypes: egress === undefined ? ["Ingress"] : ["Ingress", "Egress"],
        ingress: rules.map((r) => ({
          from: r.from === "cluster" ? [{ namespaceSelector: {} }] : r.from.map(peer),
          ...ruleBody(r.ports, r.protocols),
        })),
        ...(egress === undefined ? {} : { egress: pulumi.output(egress).apply((e) => [DNS_EGRESS, ...(e as EgressRule[])].map(egressRule)) }),
      },
    },
    { parent, ...(aliases ? { aliases } : {}) },
  );
}

/**
 * The namespace's default: deny all ingress and egress of every pod (podSelector {}), so a pod
 * talks only through its component's own policy.
 */
export function defaultDenyPolicy(namespace: string, metaLabels: Record<string, string>, parent: pulumi.Resource, name: string, opts: pulumi.CustomResourceOptions = {}): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    name,
    { metadata: { name: "default-deny", namespace, labels: metaLabels }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    { parent, ...opts },
  );
}

/** A ServiceAccount for one workload; token automounted only where the workload calls the API. */
export function serviceAccount(
  ctx: StackContext,
  w: Workload,
  parent: pulumi.Resource,
  name: string,
  opts: { automount: boolean; annotations?: pulumi.Input<Record<string, pulumi.Input<string>>> },
): k8s.core.v1.ServiceAccount {
  return new k8s.core.v1.ServiceAccount(
    `${name}-sa`,
    { metadata: meta(ctx, w, w.instance, { annotations: opts.annotations }), automountServiceAccountToken: opts.automount },
    { parent },
  );
}

/**
 * The RBAC of a pod that reads its own node's labels (a zone init container): a ClusterRole that may
 * only get nodes, bound to the workload's ServiceAccount. Objects named `<namespace>-<name>-node-zone`.
 */
export function nodeZoneReader(ctx: StackContext, w: Workload, sa: k8s.core.v1.ServiceAccount, parent: pulumi.Resource, name: string): void {
  const objectName = `${ctx.namespace}-${name}-node-zone`;
  const nodeReader = new k8s.rbac.v1.ClusterRole(
    `${name}-node-zone`,
    { metadata: { name: objectName, labels: labels(ctx, w) }, rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }] },
    { parent },
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    `${name}-node-zone`,
    {
      metadata: { name: objectName, labels: labels(ctx, w) },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: nodeReader.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ctx.namespace }],
    },
    { parent },
  );
}

/**
 * A short-lived API token and the cluster's CA, for the one container of a pod that calls the API
 * (mounted at /mnt/api-token); the pod's own token stays off.
 */
export const API_TOKEN_VOLUME: k8s.types.input.core.v1.Volume = {
  name: "api-token",
  projected: {
    sources: [
      { serviceAccountToken: { path: "token", expirationSeconds: 600 } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
    ],
  },
};

/** sha256 of a config's content, for a pod-template annotation that rolls the pods when it changes. */
export function checksum(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

/** A standard HTTP probe. */
export function httpProbe(path: string, port: number | string, opts: { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number } = {}): k8s.types.input.core.v1.Probe {
  return {
    httpGet: { path, port },
    initialDelaySeconds: opts.initialDelaySeconds ?? 10,
    periodSeconds: opts.periodSeconds ?? 10,
    timeoutSeconds: 5,
    failureThreshold: opts.failureThreshold ?? 6,
  };
}

/**
 * A liveness probe that asks only whether the process still accepts connections on `port`: it never
 * depends on a backend, a ring or a cluster, so an outage elsewhere does not restart the pod (that is
 * what the readiness probe reports).
 */
export function tcpProbe(port: number | string, opts: { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number; host?: string } = {}): k8s.types.input.core.v1.Probe {
  return {
    tcpSocket: { port, ...(opts.host ? { host: opts.host } : {}) },
    initialDelaySeconds: opts.initialDelaySeconds ?? 10,
    periodSeconds: opts.periodSeconds ?? 20,
    timeoutSeconds: 5,
    failureThreshold: opts.failureThreshold ?? 6,
  };
}

/**
 * The config-reloader sidecar: watches mounted config directories and POSTs the server's
 * /-/reload when a file changes, so a config change applies without a restart.
 */
export function configReloader(reloadUrl: string, watchedDirs: { name: string; mountPath: string }[], listenPort: number): k8s.types.input.core.v1.Container {
  return {
    name: "config-reloader",
    image: image("configReloader"),
    args: [`--reload-url=${reloadUrl}`, ...watchedDirs.map((d) => `--watched-dir=${d.mountPath}`), `--listen-address=:${listenPort}`],
    ports: [{ name: "reloader", containerPort: listenPort }],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    securityContext: containerSecurity(),
    readinessProbe: httpProbe("/healthz", "reloader", { initialDelaySeconds: 2 }),
    // Alive = its HTTP server accepts connections; a hung watcher that stops answering is restarted.
    livenessProbe: tcpProbe("reloader", { initialDelaySeconds: 10 }),
    volumeMounts: watchedDirs.map((d) => ({ name: d.name, mountPath: d.mountPath, readOnly: true })),
  };
}

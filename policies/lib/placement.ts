/** Reading the placement of a replicated workload: its replicas, pods and whether sharing was allowed. */
import { asObj, podTemplateOf, type Obj } from "./k8s";
import { known } from "./parse";

/** The annotation the stack puts on a workload whose replicas may share a node or zone by its config. */
export const SHARED_FAILURE_DOMAINS_ANNOTATION = "observability-stack/shared-failure-domains";

export const REPLICATED_TYPES = ["kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment"];

export interface Replicated {
  replicas: number;
  /** Labels of its pods (the pod template's). */
  podLabels: Record<string, unknown>;
  /** The pod spec of its template. */
  podSpec: Obj;
  /** Whether the stack's config allowed its replicas to share failure domains (the annotation). */
  sharingAllowed: boolean;
}

/** A Deployment or StatefulSet with its replica count (unset: 1), or undefined for anything else. */
export function replicated(type: string, props: Obj): Replicated | undefined {
  if (!REPLICATED_TYPES.includes(type)) return undefined;
  const t = podTemplateOf(type, props);
  if (!t) return undefined;
  const replicas = known(() => asObj(props.spec)?.replicas ?? 1, 1);
  const annotations = known(() => asObj(asObj(props.metadata)?.annotations) ?? {}, {} as Obj);
  return {
    replicas: typeof replicas === "number" ? replicas : 1,
    podLabels: known(() => asObj(t.metadata?.labels) ?? {}, {} as Obj),
    podSpec: t.spec,
    sharingAllowed: annotations[SHARED_FAILURE_DOMAINS_ANNOTATION] === "allowed",
  };
}

/** Whether a label selector (matchLabels only) is non-empty and selects pods with these labels. */
export function selectsPods(selector: unknown, podLabels: Record<string, unknown>): boolean {
  const s = asObj(selector);
  const match = asObj(s?.matchLabels) ?? {};
  if (s?.matchExpressions || Object.keys(match).length === 0) return false;
  return Object.entries(match).every(([k, v]) => podLabels[k] === v);
}

/**
 * stable-immutable-labels: label sets Kubernetes never lets change carry no label that changes with
 * every release (app.kubernetes.io/version).
 *
 * Severity: high. A workload's selector and a StatefulSet's volumeClaimTemplates are immutable: a
 * version label in either makes every version bump an update the API server refuses, or a
 * replacement of the StatefulSet (blocked by protect in prod, and new claims if it went through).
 * Selectors and claim templates take the stable subset of the standard labels.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { asArray, asObj, podTemplateOf } from "../lib/k8s";

export interface StableImmutableLabelsConfig {
  /** Labels whose value changes between releases. */
  volatileLabels: string[];
}

export const stableImmutableLabelsDefaults: StableImmutableLabelsConfig = {
  volatileLabels: ["app.kubernetes.io/version", "helm.sh/chart"],
};

const SELECTED = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:ReplicaSet"];

export const stableImmutableLabels: ResourceValidationPolicy = {
  name: "stable-immutable-labels",
  description: "Workload selectors and StatefulSet volumeClaimTemplates carry no label that changes between releases, such as app.kubernetes.io/version.",
  severity: "high",
  configSchema: {
    properties: {
      volatileLabels: { type: "array", items: { type: "string" }, default: stableImmutableLabelsDefaults.volatileLabels },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!SELECTED.includes(args.type) || !podTemplateOf(args.type, args.props)) return;
    const cfg = readConfig(args, stableImmutableLabelsDefaults);
    const spec = asObj(args.props.spec) ?? {};
    const volatile = (labels: unknown) => cfg.volatileLabels.filter((l) => l in (asObj(labels) ?? {}));
    for (const l of volatile(asObj(spec.selector)?.matchLabels)) {
      reportViolation(`spec.selector.matchLabels has "${l}"; a selector cannot change, so every release would need a new workload`);
    }
    asArray(spec.volumeClaimTemplates).forEach((vct, i) => {
      const name = asObj(asObj(vct)?.metadata)?.name ?? "?";
      for (const l of volatile(asObj(asObj(vct)?.metadata)?.labels)) {
        reportViolation(`spec.volumeClaimTemplates[${i}] ("${name}") labels have "${l}"; claim templates cannot change, so every release would need a new StatefulSet`);
      }
    });
  },
};

/**
 * The one helper that builds the standard labels of every Kubernetes object and pod template.
 * Selector labels are the stable subset: a version bump must never change a selector.
 */
import { PROJECT } from "./config/project";

export interface LabelContext {
  /** app.kubernetes.io/name, e.g. "prometheus". */
  name: string;
  /** app.kubernetes.io/instance: the component's Pulumi name. */
  instance: string;
  /** app.kubernetes.io/component, e.g. "metrics", "logs", "traces". */
  component: string;
  /** app.kubernetes.io/version: the application version. */
  version: string;
  environment: string;
  team: string;
}

export const REQUIRED_LABELS = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/version",
  "app.kubernetes.io/component",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
  "environment",
  "team",
] as const;

/** Labels for metadata and pod templates. */
export function standardLabels(c: LabelContext): Record<string, string> {
  return {
    ...selectorLabels(c),
    "app.kubernetes.io/version": c.version,
    "app.kubernetes.io/component": c.component,
    "app.kubernetes.io/part-of": PROJECT,
    "app.kubernetes.io/managed-by": "pulumi",
    environment: c.environment,
    team: c.team,
  };
}

/** The stable subset used in selectors (no version). */
export function selectorLabels(c: Pick<LabelContext, "name" | "instance">): Record<string, string> {
  return { "app.kubernetes.io/name": c.name, "app.kubernetes.io/instance": c.instance };
}

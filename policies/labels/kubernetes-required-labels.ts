/**
 * kubernetes-required-labels: every Kubernetes object, pod template and StatefulSet claim template
 * carries the standard labels, present, non-empty and well-formed, and `environment` is the stack's
 * environment.
 *
 * Severity: medium. Routing, dashboards, cost reports and `kubectl -l` all select on these labels;
 * a missing one makes an object invisible to them. (Checking that labels are present, not only
 * that no unknown label is used, is the point.)
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentSchema, readConfig } from "../lib/config";
import { asArray, asObj, isKubernetesObject, isValidLabelValue, podTemplateOf } from "../lib/k8s";

export interface KubernetesRequiredLabelsConfig {
  /** Labels every object and pod template must carry, non-empty. */
  requiredLabels: string[];
  /** The stack's environment; unset = any of allowedEnvironments. */
  environment?: string;
  allowedEnvironments: string[];
  /** Labels whose value is fixed for the whole stack. */
  expectedValues: Record<string, string>;
}

export const kubernetesRequiredLabelsDefaults: KubernetesRequiredLabelsConfig = {
  requiredLabels: [
    "app.kubernetes.io/name",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/component",
    "environment",
    "team",
  ],
  allowedEnvironments: ["dev", "prod"],
  expectedValues: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "observability-stack" },
};

export function checkLabels(where: string, labels: unknown, cfg: KubernetesRequiredLabelsConfig, report: (m: string) => void): void {
  const l = asObj(labels) ?? {};
  const missing = cfg.requiredLabels.filter((k) => !(k in l) || l[k] === undefined || l[k] === null);
  if (missing.length) report(`${where}: missing ${missing.map((k) => `"${k}"`).join(", ")}`);
  for (const k of cfg.requiredLabels) {
    if (missing.includes(k)) continue;
    const v = l[k];
    if (typeof v !== "string" || v.trim() === "") report(`${where}: "${k}" is empty`);
    else if (!isValidLabelValue(v)) report(`${where}: "${k}" value ${JSON.stringify(v)} is not a valid label value`);
  }
  const env = l.environment;
  if (typeof env === "string" && env !== "") {
    if (cfg.environment !== undefined && env !== cfg.environment) {
      report(`${where}: environment "${env}" is not the stack's environment "${cfg.environment}"`);
    } else if (cfg.environment === undefined && !cfg.allowedEnvironments.includes(env)) {
      report(`${where}: environment "${env}" is not one of ${cfg.allowedEnvironments.join(", ")}`);
    }
  }
  for (const [k, want] of Object.entries(cfg.expectedValues)) {
    if (typeof l[k] === "string" && l[k] !== "" && l[k] !== want) report(`${where}: "${k}" is "${l[k]}"; expected "${want}"`);
  }
}

export const kubernetesRequiredLabels: ResourceValidationPolicy = {
  name: "kubernetes-required-labels",
  description: "Every Kubernetes object, pod template and claim template carries the required labels, non-empty, with environment equal to the stack's environment.",
  severity: "medium",
  configSchema: {
    properties: {
      requiredLabels: { type: "array", items: { type: "string" }, default: kubernetesRequiredLabelsDefaults.requiredLabels },
      environment: environmentSchema,
      allowedEnvironments: { type: "array", items: { type: "string" }, default: kubernetesRequiredLabelsDefaults.allowedEnvironments },
      expectedValues: { type: "object", additionalProperties: { type: "string" }, default: kubernetesRequiredLabelsDefaults.expectedValues },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isKubernetesObject(args.type)) return;
    const cfg = readConfig(args, kubernetesRequiredLabelsDefaults);
    checkLabels("metadata.labels", asObj(args.props.metadata)?.labels, cfg, reportViolation);
    const t = podTemplateOf(args.type, args.props);
    if (t && t.path !== "") checkLabels(`${t.path}.metadata.labels`, t.metadata?.labels, cfg, reportViolation);
    // The claims a StatefulSet creates are objects too, labeled from their templates.
    if (args.type === "kubernetes:apps/v1:StatefulSet") {
      asArray(asObj(args.props.spec)?.volumeClaimTemplates).forEach((vct, i) => {
        const meta = asObj(asObj(vct)?.metadata);
        checkLabels(`spec.volumeClaimTemplates[${i}] ("${meta?.name ?? "?"}").metadata.labels`, meta?.labels, cfg, reportViolation);
      });
    }
  },
};

/**
 * namespace-pod-security: every namespace enforces the restricted Pod Security profile, except the
 * one namespace declared for the node agents (labeled app.kubernetes.io/component: agents-namespace),
 * which may be privileged.
 *
 * Severity: high. A namespace enforcing "privileged" admits any pod with host access: one agent's
 * need for it must not open the namespace of every other workload.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { labelsOf, objectName } from "../lib/k8s";

export interface NamespacePodSecurityConfig {
  /** Levels a namespace may enforce; dev's file adds "baseline" (the podSecurity setting). */
  allowedLevels: string[];
  /** The component label of the node agents' namespace, the one allowed "privileged". */
  agentsComponent: string;
}

export const namespacePodSecurityDefaults: NamespacePodSecurityConfig = { allowedLevels: ["restricted"], agentsComponent: "agents-namespace" };

const LEVELS = ["restricted", "baseline", "privileged"];

export const namespacePodSecurity: ResourceValidationPolicy = {
  name: "namespace-pod-security",
  description: "Every namespace enforces, warns and audits the restricted Pod Security profile; only the node agents' namespace may be privileged.",
  severity: "high",
  configSchema: {
    properties: {
      allowedLevels: { type: "array", items: { type: "string", enum: LEVELS }, default: namespacePodSecurityDefaults.allowedLevels },
      agentsComponent: { type: "string", default: namespacePodSecurityDefaults.agentsComponent },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "kubernetes:core/v1:Namespace") return;
    const cfg = readConfig(args, namespacePodSecurityDefaults);
    const labels = labelsOf(args.props);
    const name = objectName(args.props, args.name);
    const agents = labels["app.kubernetes.io/component"] === cfg.agentsComponent;
    const allowed = agents ? ["privileged"] : cfg.allowedLevels;
    for (const mode of ["enforce", "warn", "audit"]) {
      const level = labels[`pod-security.kubernetes.io/${mode}`];
      if (level === undefined) {
        reportViolation(`namespace "${name}" has no pod-security.kubernetes.io/${mode} label; allowed: ${allowed.join(", ")}`);
      } else if (!allowed.includes(String(level))) {
        reportViolation(
          `namespace "${name}" ${mode}s Pod Security "${level}"; allowed: ${allowed.join(", ")}${agents ? "" : " (only the node agents' namespace may be privileged)"}`,
        );
      }
    }
  },
};

/**
 * single-environment: every object of a stack says the same environment: the Kubernetes
 * `environment` labels (objects and pod templates) and the AWS `Environment` tags agree.
 *
 * Severity: medium. Without a config file the label policy cannot know the stack's environment and
 * accepts any allowed one; a stack that mixes them (a prod value pasted into a dev component) routes
 * alerts, dashboards and costs to the wrong place. With a config file this also holds.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { effectiveTags } from "../lib/aws";
import { isKubernetesObject, labelsOf, podTemplateOf } from "../lib/k8s";
import { known } from "../lib/parse";

export const singleEnvironment: StackValidationPolicy = {
  name: "single-environment",
  description: "All environment labels and Environment tags of the stack name one environment.",
  severity: "medium",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const seen = new Map<string, string[]>();
    const note = (env: unknown, name: string) => {
      if (typeof env !== "string" || env === "") return;
      const names = seen.get(env) ?? [];
      if (!names.includes(name)) names.push(name);
      seen.set(env, names);
    };
    for (const r of args.resources) {
      if (isKubernetesObject(r.type)) {
        note(labelsOf(r.props).environment, r.name);
        note(known(() => podTemplateOf(r.type, r.props)?.metadata?.labels?.environment as unknown, undefined), r.name);
      } else if (r.type.startsWith("aws:") && !r.type.startsWith("pulumi:providers:")) {
        note(effectiveTags(r.props, r.provider?.props).Environment, r.name);
      }
    }
    if (seen.size <= 1) return;
    const parts = [...seen.entries()]
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
      .map(([env, names]) => `${env} (${names.length}: ${names.slice(0, 3).join(", ")}${names.length > 3 ? ", ..." : ""})`);
    reportViolation(`the stack mixes environments: ${parts.join("; ")}`);
  },
};

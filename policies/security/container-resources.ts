/**
 * container-resources: every container declares CPU and memory requests and limits.
 *
 * Severity: medium. Without requests the scheduler overcommits nodes; without limits one runaway
 * Prometheus query or Elasticsearch merge takes the node, and the monitoring of it, down.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { asObj, containersOf, podTemplateOf } from "../lib/k8s";

export interface ContainerResourcesConfig {
  /** "requests.cpu", "limits.memory", ...: what every container must set. */
  required: string[];
}

export const containerResourcesDefaults: ContainerResourcesConfig = {
  required: ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"],
};

export const containerResources: ResourceValidationPolicy = {
  name: "container-resources",
  description: "Every container, init containers included, sets CPU and memory requests and limits.",
  severity: "medium",
  configSchema: {
    properties: {
      required: { type: "array", items: { type: "string", enum: containerResourcesDefaults.required }, default: containerResourcesDefaults.required },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const t = podTemplateOf(args.type, args.props);
    if (!t) return;
    const cfg = readConfig(args, containerResourcesDefaults);
    for (const c of containersOf(t.spec)) {
      if (c.role === "ephemeral container") continue; // ephemeral containers cannot have resources
      const res = asObj(c.container.resources) ?? {};
      const missing = cfg.required.filter((path) => {
        const [kind, name] = path.split(".");
        const v = asObj(res[kind])?.[name];
        return v === undefined || v === null || v === "" || v === 0 || v === "0";
      });
      if (missing.length) reportViolation(`${c.role} "${c.name}" has no resources.${missing.join(", resources.")}`);
    }
  },
};

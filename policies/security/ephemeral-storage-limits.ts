/**
 * ephemeral-storage-limits: every container and init container requests and limits ephemeral
 * storage, every emptyDir has a sizeLimit, and the pod's emptyDirs fit in its containers' limits.
 *
 * Severity: medium. Without them one pod's logs, scratch files or emptyDir fill the node's disk and
 * the kubelet evicts whatever it picks; with emptyDirs larger than the limits, the kubelet evicts
 * the pod as soon as they fill.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asObj, containersOf, podTemplateOf } from "../lib/k8s";

const UNITS: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024, k: 1000 / 1024 / 1024, M: 1000 * 1000 / 1024 / 1024, G: 1e9 / 1024 / 1024 };

/** MiB of a quantity, or undefined for one this rule does not read. */
function mib(q: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G)?$/.exec(String(q));
  return m ? Number(m[1]) * (m[2] ? UNITS[m[2]] : 1 / 1024 / 1024) : undefined;
}

export const ephemeralStorageLimits: ResourceValidationPolicy = {
  name: "ephemeral-storage-limits",
  description: "Every container and init container requests and limits ephemeral-storage, and every emptyDir has a sizeLimit within them.",
  severity: "medium",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const t = podTemplateOf(args.type, args.props);
    if (!t) return;
    let limits = 0;
    let complete = true;
    for (const c of containersOf(t.spec)) {
      if (c.role === "ephemeral container") continue;
      const res = asObj(c.container.resources) ?? {};
      const missing = ["requests", "limits"].filter((k) => asObj(res[k])?.["ephemeral-storage"] === undefined);
      if (missing.length) reportViolation(`${c.role} "${c.name}" has no resources.${missing.join(".ephemeral-storage, resources.")}.ephemeral-storage`);
      if (c.role !== "container") continue;
      const limit = mib(asObj(res.limits)?.["ephemeral-storage"]);
      if (limit === undefined) complete = false;
      else limits += limit;
    }
    let emptyDirs = 0;
    for (const v of asArray(t.spec.volumes)) {
      const e = asObj(asObj(v)?.emptyDir);
      if (!e || e.medium === "Memory") continue;
      const size = mib(e.sizeLimit);
      if (size === undefined) {
        reportViolation(`emptyDir volume "${v.name}" has no sizeLimit`);
        complete = false;
      } else emptyDirs += size;
    }
    if (complete && emptyDirs > limits) {
      reportViolation(`the emptyDir volumes (${Math.round(emptyDirs)}Mi) exceed the containers' ephemeral-storage limits (${Math.round(limits)}Mi); the kubelet would evict the pod before they fill`);
    }
  },
};

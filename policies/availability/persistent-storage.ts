/**
 * persistent-storage: stateful components keep their data on persistent volumes that outlive the
 * pods, a scale-down and a `pulumi destroy`.
 *
 * Severity: critical. An emptyDir loses a Prometheus TSDB or an Elasticsearch index on every
 * reschedule; a claim retention policy of Delete, or an unprotected StatefulSet, loses it on a
 * delete or replace. Prod only: objects labeled with another environment are not checked.
 *
 * Loki's read target (a Deployment whose containers run `-target=read`) holds no data of its own and
 * is not checked; its write and backend targets are StatefulSets like any other.
 *
 * What a policy can see: `protect` is among the resource options the engine sends; `retainOnDelete`
 * is not, so the claims' own retention (persistentVolumeClaimRetentionPolicy) is checked instead.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentsSchema, inEnvironments, readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, kindOf, labelsOf, podTemplateOf } from "../lib/k8s";

export interface PersistentStorageConfig {
  /** app.kubernetes.io/name of the stateful components. */
  statefulApps: string[];
  /** Require the stateful StatefulSets and the claims of stateful Deployments to be registered with protect: true. */
  requireProtect: boolean;
  /** Environments (the objects' environment label) the rule applies to. */
  environments: string[];
}

export const persistentStorageDefaults: PersistentStorageConfig = {
  statefulApps: ["prometheus", "alertmanager", "loki", "elasticsearch", "grafana"],
  requireProtect: true,
  environments: ["prod"],
};

export const persistentStorage: ResourceValidationPolicy = {
  name: "persistent-storage",
  description: "Stateful components use persistent volume claims that are retained on delete and scale-down; their StatefulSets and standalone claims are protected from deletion.",
  severity: "critical",
  configSchema: {
    properties: {
      statefulApps: { type: "array", items: { type: "string" }, default: persistentStorageDefaults.statefulApps },
      requireProtect: { type: "boolean", default: persistentStorageDefaults.requireProtect },
      environments: { ...environmentsSchema, default: persistentStorageDefaults.environments },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, persistentStorageDefaults);
    if (!inEnvironments(labelsOf(args.props), cfg.environments)) return;
    const app = appNameOf(args.type, args.props);
    if (app === undefined || !cfg.statefulApps.includes(app)) return;
    const unprotected = cfg.requireProtect && args.opts?.protect !== true;
    if (args.type === "kubernetes:core/v1:PersistentVolumeClaim") {
      if (unprotected) reportViolation(`PersistentVolumeClaim of "${app}" is not protected; register it with protect: true`);
      return;
    }
    const t = podTemplateOf(args.type, args.props);
    if (!t || /Job$/.test(args.type)) return;
    const kind = kindOf(args.type);
    // Loki's read target (query frontend and querier) keeps nothing: its data is in the object store.
    if (app === "loki" && args.type !== "kubernetes:apps/v1:StatefulSet" && isLokiReadTarget(t.spec)) return;
    if (args.type === "kubernetes:apps/v1:StatefulSet") {
      const spec = asObj(args.props.spec) ?? {};
      if (asArray(spec.volumeClaimTemplates).length === 0) {
        reportViolation(`StatefulSet of "${app}" has no volumeClaimTemplates; its data would not survive a reschedule`);
      }
      const retention = asObj(spec.persistentVolumeClaimRetentionPolicy) ?? {};
      for (const when of ["whenDeleted", "whenScaled"]) {
        if (retention[when] !== undefined && retention[when] !== "Retain") {
          reportViolation(`StatefulSet of "${app}": persistentVolumeClaimRetentionPolicy.${when} is "${retention[when]}"; allowed: "Retain"`);
        }
      }
    } else if (!asArray(t.spec.volumes).some((v) => asObj(v)?.persistentVolumeClaim)) {
      reportViolation(`${kind} of "${app}" mounts no PersistentVolumeClaim; its data would not survive a reschedule`);
    }
    // A Deployment's data lives in its claim, which is protected on its own; a StatefulSet owns its claims.
    if (unprotected && args.type === "kubernetes:apps/v1:StatefulSet") reportViolation(`${kind} of "${app}" is not protected; register it with protect: true`);
  },
};

/** Every container of the pod runs Loki's read target (`-target=read`). */
function isLokiReadTarget(podSpec: Record<string, unknown>): boolean {
  const containers = asArray(podSpec.containers).map((c) => asObj(c) ?? {});
  return containers.length > 0 && containers.every((c) => asArray(c.args).includes("-target=read"));
}

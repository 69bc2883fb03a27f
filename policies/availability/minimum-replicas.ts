/**
 * minimum-replicas: the components that must survive a node loss run enough replicas.
 *
 * Severity: high. One Prometheus or one Alertmanager is a single point of failure for all
 * alerting; three Elasticsearch master-eligible nodes are the smallest quorum. Prod only: objects
 * labeled with another environment are not checked.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentsSchema, inEnvironments, readConfig } from "../lib/config";
import { appNameOf, asObj, kindOf, labelsOf } from "../lib/k8s";

export interface MinimumReplicasConfig {
  /** Minimum replicas per app.kubernetes.io/name; apps not listed are not checked. */
  minReplicas: Record<string, number>;
  /** Environments (the objects' environment label) the rule applies to. */
  environments: string[];
}

export const minimumReplicasDefaults: MinimumReplicasConfig = {
  minReplicas: { prometheus: 2, alertmanager: 3, elasticsearch: 3, jaeger: 2 },
  environments: ["prod"],
};

const SCALABLE = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:ReplicaSet"];

export const minimumReplicas: ResourceValidationPolicy = {
  name: "minimum-replicas",
  description: "Deployments and StatefulSets of the listed components run at least their minimum number of replicas.",
  severity: "high",
  configSchema: {
    properties: {
      minReplicas: { type: "object", additionalProperties: { type: "integer", minimum: 1 }, default: minimumReplicasDefaults.minReplicas },
      environments: { ...environmentsSchema, default: minimumReplicasDefaults.environments },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!SCALABLE.includes(args.type)) return;
    const cfg = readConfig(args, minimumReplicasDefaults);
    if (!inEnvironments(labelsOf(args.props), cfg.environments)) return;
    const app = appNameOf(args.type, args.props);
    const min = app === undefined ? undefined : cfg.minReplicas[app];
    if (min === undefined) return;
    const replicas = asObj(args.props.spec)?.replicas ?? 1;
    if (typeof replicas === "number" && replicas < min) {
      reportViolation(`${kindOf(args.type)} of "${app}" runs ${replicas} replica${replicas === 1 ? "" : "s"}; allowed: at least ${min}`);
    }
  },
};

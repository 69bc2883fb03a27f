/**
 * zone-topology-spread: the replicas of the components that must survive a zone loss are spread
 * over zones: a topology spread constraint on the zone label, maxSkew 1, DoNotSchedule, selecting
 * their own pods.
 *
 * Severity: high. Without it (or with ScheduleAnyway) the scheduler may put every replica in one
 * zone, and one zone outage takes them all. A workload annotated
 * `observability-stack/shared-failure-domains: allowed` (the stack's
 * placement.allowSharedFailureDomains, for a cluster with fewer zones than replicas) is not checked.
 * Prod only: objects labeled with another environment are not checked.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentsSchema, inEnvironments, readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, kindOf, labelsOf } from "../lib/k8s";
import { replicated, selectsPods } from "../lib/placement";

export interface ZoneTopologySpreadConfig {
  /** app.kubernetes.io/name of the components whose replicas must be spread over zones. */
  apps: string[];
  /** The node label that names a node's zone. */
  zoneLabel: string;
  /** Environments (the objects' environment label) the rule applies to. */
  environments: string[];
}

export const zoneTopologySpreadDefaults: ZoneTopologySpreadConfig = {
  apps: ["elasticsearch", "alertmanager", "prometheus"],
  zoneLabel: "topology.kubernetes.io/zone",
  environments: ["prod"],
};

export const zoneTopologySpread: ResourceValidationPolicy = {
  name: "zone-topology-spread",
  description: "Replicated Elasticsearch, Alertmanager and Prometheus pods are spread over zones with maxSkew 1 and DoNotSchedule.",
  severity: "high",
  configSchema: {
    properties: {
      apps: { type: "array", items: { type: "string" }, default: zoneTopologySpreadDefaults.apps },
      zoneLabel: { type: "string", default: zoneTopologySpreadDefaults.zoneLabel },
      environments: { ...environmentsSchema, default: zoneTopologySpreadDefaults.environments },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const w = replicated(args.type, args.props);
    if (!w || w.replicas < 2 || w.sharingAllowed) return;
    const cfg = readConfig(args, zoneTopologySpreadDefaults);
    if (!inEnvironments(labelsOf(args.props), cfg.environments)) return;
    const app = appNameOf(args.type, args.props);
    if (app === undefined || !cfg.apps.includes(app)) return;
    const label = `${kindOf(args.type)} of "${app}" (${w.replicas} replicas)`;
    const spread = asArray(w.podSpec.topologySpreadConstraints)
      .map(asObj)
      .find((c) => c?.topologyKey === cfg.zoneLabel && selectsPods(c.labelSelector, w.podLabels));
    if (!spread) {
      reportViolation(`${label} has no topology spread over ${cfg.zoneLabel} selecting its pods; its replicas could crowd one zone`);
      return;
    }
    if (spread.whenUnsatisfiable !== "DoNotSchedule") {
      reportViolation(`${label}: the spread over ${cfg.zoneLabel} is ${spread.whenUnsatisfiable ?? "unset"}; its replicas could crowd one zone (allowed: DoNotSchedule)`);
    }
    if (spread.maxSkew !== 1) reportViolation(`${label}: the spread over ${cfg.zoneLabel} has maxSkew ${spread.maxSkew}; allowed: 1`);
  },
};

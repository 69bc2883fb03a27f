/**
 * elasticsearch-rolling-restarts: a multi-node Elasticsearch StatefulSet rolls one node at a time,
 * and a restarted node turns Ready only when the cluster is green again: its readiness probe asks
 * `_cluster/health?wait_for_status=green`.
 *
 * Severity: high. With a readiness on the node's local health a restarted node is Ready while its
 * replicas still recover, the rolling update takes the next node down, and the cluster turns red
 * and rejects writes. Prod only: objects labeled with another environment are not checked.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentsSchema, inEnvironments, readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, findContainer, labelsOf, objectName } from "../lib/k8s";
import { replicated } from "../lib/placement";

export interface ElasticsearchRollingRestartsConfig {
  /** The Elasticsearch container's name. */
  container: string;
  /** Environments (the objects' environment label) the rule applies to. */
  environments: string[];
}

export const elasticsearchRollingRestartsDefaults: ElasticsearchRollingRestartsConfig = { container: "elasticsearch", environments: ["prod"] };

const GREEN = "wait_for_status=green";

export const elasticsearchRollingRestarts: ResourceValidationPolicy = {
  name: "elasticsearch-rolling-restarts",
  description: "A multi-node Elasticsearch StatefulSet rolls one pod at a time behind a readiness probe that waits for cluster health green.",
  severity: "high",
  configSchema: {
    properties: {
      container: { type: "string", default: elasticsearchRollingRestartsDefaults.container },
      environments: { ...environmentsSchema, default: elasticsearchRollingRestartsDefaults.environments },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "kubernetes:apps/v1:StatefulSet" || appNameOf(args.type, args.props) !== "elasticsearch") return;
    const w = replicated(args.type, args.props);
    if (!w || w.replicas < 2) return;
    const cfg = readConfig(args, elasticsearchRollingRestartsDefaults);
    if (!inEnvironments(labelsOf(args.props), cfg.environments)) return;
    const name = `StatefulSet "${objectName(args.props, args.name)}"`;
    const strategy = asObj(asObj(args.props.spec)?.updateStrategy) ?? {};
    if (strategy.type !== undefined && strategy.type !== "RollingUpdate") {
      reportViolation(`${name}: updateStrategy ${strategy.type}; allowed: RollingUpdate, one node at a time`);
    }
    const maxUnavailable = asObj(strategy.rollingUpdate)?.maxUnavailable;
    if (maxUnavailable !== undefined && maxUnavailable !== 1) {
      reportViolation(`${name}: rollingUpdate.maxUnavailable is ${JSON.stringify(maxUnavailable)}; allowed: 1 (one node at a time)`);
    }
    const c = findContainer(w.podSpec, cfg.container);
    const command = asArray(asObj(asObj(c?.readinessProbe)?.exec)?.command).map(String).join(" ");
    if (!command.includes(GREEN)) {
      reportViolation(
        `${name}: the readiness probe of container "${cfg.container}" does not wait for cluster health green (_cluster/health?${GREEN}); a rolling restart would take the next node down while shards recover`,
      );
    }
  },
};

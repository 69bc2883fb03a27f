/**
 * elasticsearch-allocation-awareness: a multi-node Elasticsearch allocates shard copies with
 * awareness of the nodes' zone: elasticsearch.yml lists the attribute in
 * cluster.routing.allocation.awareness.attributes and sets it on each node (node.attr.<attribute>).
 *
 * Severity: high. Without awareness both copies of a shard may sit in one zone; losing it loses the
 * shard, turns the cluster red and rejects writes. A single node (discovery.type single-node) has
 * nothing to spread and is not checked. Prod only: objects labeled with another environment are not
 * checked.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentsSchema, inEnvironments, readConfig } from "../lib/config";
import { appNameOf, configMapData, labelsOf, objectName } from "../lib/k8s";
import { parseYaml } from "../lib/parse";

export interface ElasticsearchAllocationAwarenessConfig {
  /** The node attribute awareness must use. */
  attribute: string;
  /** Environments (the objects' environment label) the rule applies to. */
  environments: string[];
}

export const elasticsearchAllocationAwarenessDefaults: ElasticsearchAllocationAwarenessConfig = { attribute: "zone", environments: ["prod"] };

const YML = "elasticsearch.yml";

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return typeof v === "string" ? v.split(",").map((s) => s.trim()) : [];
}

export const elasticsearchAllocationAwareness: ResourceValidationPolicy = {
  name: "elasticsearch-allocation-awareness",
  description: "A multi-node Elasticsearch's elasticsearch.yml sets each node's zone attribute and allocation awareness on it.",
  severity: "high",
  configSchema: {
    properties: {
      attribute: { type: "string", default: elasticsearchAllocationAwarenessDefaults.attribute },
      environments: { ...environmentsSchema, default: elasticsearchAllocationAwarenessDefaults.environments },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "kubernetes:core/v1:ConfigMap" || appNameOf(args.type, args.props) !== "elasticsearch") return;
    const cfg = readConfig(args, elasticsearchAllocationAwarenessDefaults);
    if (!inEnvironments(labelsOf(args.props), cfg.environments)) return;
    const text = configMapData(args.props, true)[YML];
    if (text === undefined) return;
    const name = objectName(args.props, args.name);
    const parsed = parseYaml<Record<string, unknown>>(text);
    if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null) {
      reportViolation(`ConfigMap "${name}": ${YML} does not parse: ${parsed.ok ? "not a mapping" : parsed.error}`);
      return;
    }
    const yml = parsed.value;
    if (yml["discovery.type"] === "single-node") return;
    if (!list(yml["cluster.routing.allocation.awareness.attributes"]).includes(cfg.attribute)) {
      reportViolation(`ConfigMap "${name}": ${YML} has no cluster.routing.allocation.awareness.attributes with "${cfg.attribute}"; both copies of a shard could be in one zone`);
    }
    const own = yml[`node.attr.${cfg.attribute}`];
    if (typeof own !== "string" || own === "") {
      reportViolation(`ConfigMap "${name}": ${YML} sets no node.attr.${cfg.attribute}; awareness needs each node's zone`);
    }
  },
};

import { stringify } from "yaml";
import { elasticsearchAllocationAwareness } from "../../../policies/availability/elasticsearch-allocation-awareness";
import { configMap, labels } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

/** elasticsearch.yml of three nodes with awareness on zone, as the stack writes it. */
const yml = (over: Record<string, unknown> = {}) => {
  const y: Record<string, unknown> = {
    "cluster.name": "observability-stack-prod",
    "discovery.seed_hosts": ["elasticsearch-nodes.observability.svc.cluster.local"],
    "node.attr.zone": "${ZONE}",
    "cluster.routing.allocation.awareness.attributes": ["zone"],
    ...over,
  };
  for (const [k, v] of Object.entries(y)) if (v === undefined) delete y[k];
  return configMap("elasticsearch", { "elasticsearch.yml": stringify(y) }, "elasticsearch-config");
};

describe("elasticsearch-allocation-awareness", () => {
  test("compliant: awareness on zone, the node's zone attribute; also as a comma list", async () => {
    await assertResourceViolations(elasticsearchAllocationAwareness, resourceArgs(yml()), []);
    await assertResourceViolations(elasticsearchAllocationAwareness, resourceArgs(yml({ "cluster.routing.allocation.awareness.attributes": "rack, zone" })), []);
  });
  test("no awareness", () =>
    assertResourceViolations(elasticsearchAllocationAwareness, resourceArgs(yml({ "cluster.routing.allocation.awareness.attributes": undefined })), [
      'ConfigMap "elasticsearch-config": elasticsearch.yml has no cluster.routing.allocation.awareness.attributes with "zone"; both copies of a shard could be in one zone',
    ]));
  test("awareness on another attribute, and no zone attribute", () =>
    assertResourceViolations(elasticsearchAllocationAwareness, resourceArgs(yml({ "cluster.routing.allocation.awareness.attributes": ["rack"], "node.attr.zone": undefined })), [
      'ConfigMap "elasticsearch-config": elasticsearch.yml has no cluster.routing.allocation.awareness.attributes with "zone"; both copies of a shard could be in one zone',
      'ConfigMap "elasticsearch-config": elasticsearch.yml sets no node.attr.zone; awareness needs each node\'s zone',
    ]));
  test("a single node, another app's ConfigMap, another environment: not checked", async () => {
    const single = configMap("elasticsearch", { "elasticsearch.yml": stringify({ "discovery.type": "single-node" }) }, "elasticsearch-config");
    await assertResourceViolations(elasticsearchAllocationAwareness, resourceArgs(single), []);
    await assertResourceViolations(elasticsearchAllocationAwareness, resourceArgs(configMap("loki", { "elasticsearch.yml": "{}" })), []);
    const dev = yml({ "cluster.routing.allocation.awareness.attributes": undefined });
    dev.props.metadata.labels = labels("elasticsearch", "metrics", "dev");
    await assertResourceViolations(elasticsearchAllocationAwareness, resourceArgs(dev), []);
  });
  test("a file that does not parse", () =>
    assertResourceViolations(elasticsearchAllocationAwareness, resourceArgs(configMap("elasticsearch", { "elasticsearch.yml": "a: [" }, "elasticsearch-config")), [
      expect.stringMatching(/^ConfigMap "elasticsearch-config": elasticsearch\.yml does not parse: /) as unknown as string,
    ]));
});

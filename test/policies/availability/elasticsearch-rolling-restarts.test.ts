import { elasticsearchRollingRestarts } from "../../../policies/availability/elasticsearch-rolling-restarts";
import { readinessScript } from "../../../components/elasticsearch/config-file";
import { container, workload, type Fixture } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

/** Three Elasticsearch nodes rolling one at a time behind the stack's health-gated readiness probe. */
function es(probe: Record<string, unknown> = { exec: { command: ["bash", "-c", readinessScript({ startStatus: "green" })] } }, spec: Record<string, unknown> = {}): Fixture {
  return workload("StatefulSet", "elasticsearch", [container("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:8.19.2", { readinessProbe: probe })], {
    replicas: 3,
    updateStrategy: { type: "RollingUpdate" },
    ...spec,
  });
}

const LOCAL_ONLY =
  'StatefulSet "elasticsearch": the readiness probe of container "elasticsearch" does not wait for cluster health green (_cluster/health?wait_for_status=green); a rolling restart would take the next node down while shards recover';

describe("elasticsearch-rolling-restarts", () => {
  test("compliant: the stack's readiness script, RollingUpdate (also unset, and maxUnavailable 1)", async () => {
    await assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(es()), []);
    const unset = es();
    delete unset.props.spec.updateStrategy;
    await assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(unset), []);
    await assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(es(undefined, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } })), []);
  });
  test("readiness on the local health", () =>
    assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(es({ httpGet: { path: "/_cluster/health?local=true", port: "http" } })), [LOCAL_ONLY]));
  test("readiness waiting for yellow only", () =>
    assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(es({ exec: { command: ["bash", "-c", readinessScript({ startStatus: "yellow" })] } })), [LOCAL_ONLY]));
  test("two nodes down at once", () =>
    assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(es(undefined, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } } })), [
      'StatefulSet "elasticsearch": rollingUpdate.maxUnavailable is 2; allowed: 1 (one node at a time)',
    ]));
  test("OnDelete", () =>
    assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(es(undefined, { updateStrategy: { type: "OnDelete" } })), [
      'StatefulSet "elasticsearch": updateStrategy OnDelete; allowed: RollingUpdate, one node at a time',
    ]));
  test("a single node, another environment: not checked", async () => {
    const single = es({ httpGet: { path: "/", port: "http" } });
    single.props.spec.replicas = 1;
    await assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(single), []);
    const dev = es({ httpGet: { path: "/", port: "http" } });
    dev.props.metadata.labels = { ...dev.props.metadata.labels, environment: "dev" };
    await assertResourceViolations(elasticsearchRollingRestarts, resourceArgs(dev), []);
  });
});

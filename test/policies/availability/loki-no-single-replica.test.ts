import { lokiNoSingleReplica } from "../../../policies/availability/loki-no-single-replica";
import { container, workload, type Fixture } from "../fixtures";
import { assertResourceViolations, packConfig, resourceArgs } from "../helpers";

import devPack from "../../../policies/config/dev.json";
import prodPack from "../../../policies/config/prod.json";

const IMAGE = "docker.io/grafana/loki:3.7.8";

/** A Loki workload as the stack renders it: `name`, running `-target=<target>` (none: Loki's default, all). */
function loki(kind: "StatefulSet" | "Deployment", name: string, replicas: number | undefined, target?: string): Fixture {
  const args = ["-config.file=/etc/loki-rendered/loki.yaml", ...(target ? [`-target=${target}`] : [])];
  const f = workload(kind, "loki", [container("loki", IMAGE, { args })], replicas === undefined ? {} : { replicas });
  f.props.metadata.name = name;
  return f;
}

describe("loki-no-single-replica", () => {
  test("compliant: the scalable targets, three replicas each", async () => {
    for (const f of [loki("StatefulSet", "loki", 3, "write"), loki("Deployment", "loki-read", 3, "read"), loki("StatefulSet", "loki-backend", 3, "backend")]) {
      await assertResourceViolations(lokiNoSingleReplica, resourceArgs(f, packConfig("prod", "loki-no-single-replica")), []);
    }
  });
  test("the monolithic process", () =>
    assertResourceViolations(lokiNoSingleReplica, resourceArgs(loki("StatefulSet", "loki", 1, "all")), [
      'StatefulSet "loki" runs Loki\'s monolithic process as 1 replica; a node drain or an image update stops it. Allowed: at least 2 replicas of every target (loki.mode "scalable")',
    ]));
  test("no -target is Loki's default, the monolithic process; replicas unset means one", () =>
    assertResourceViolations(lokiNoSingleReplica, resourceArgs(loki("StatefulSet", "loki", undefined)), [
      'StatefulSet "loki" runs Loki\'s monolithic process as 1 replica; a node drain or an image update stops it. Allowed: at least 2 replicas of every target (loki.mode "scalable")',
    ]));
  test("one target scaled down to one replica", () =>
    assertResourceViolations(lokiNoSingleReplica, resourceArgs(loki("Deployment", "loki-read", 1, "read")), [
      'Deployment "loki-read" runs Loki\'s read target as 1 replica; a node drain or an image update stops it. Allowed: at least 2 replicas of every target (loki.mode "scalable")',
    ]));
  test("dev, and other apps, are not checked", async () => {
    const dev = loki("StatefulSet", "loki", 1, "all");
    dev.props.metadata.labels = { ...dev.props.metadata.labels, environment: "dev" };
    await assertResourceViolations(lokiNoSingleReplica, resourceArgs(dev), []);
    await assertResourceViolations(lokiNoSingleReplica, resourceArgs(workload("StatefulSet", "grafana", [], { replicas: 1 })), []);
    expect([devPack["loki-no-single-replica"], prodPack["loki-no-single-replica"]]).toEqual([{ enforcementLevel: "disabled" }, { enforcementLevel: "mandatory" }]);
  });
});

import { prometheusRetention } from "../../../policies/retention/prometheus-retention";
import { type Fixture, alertmanager, prometheus } from "../fixtures";
import type { StackValidationArgs } from "@pulumi/policy";
import { type StackFixture, packConfig, runStackPolicy, stackArgs } from "../helpers";

/** The messages the policy reports, each on the Prometheus workload's URN. */
async function assertResourceViolations(policy: typeof prometheusRetention, args: StackValidationArgs, messages: string[]): Promise<void> {
  const found = await runStackPolicy(policy, args);
  expect(found.map((v) => v.message)).toEqual(messages);
  for (const v of found) expect(v.urn).toBe(args.resources[0].urn);
}

/** A claim of the stack, as the Prometheus component declares one per replica. */
function claim(name: string, storage: string, namespace = "observability"): StackFixture {
  return { type: "kubernetes:core/v1:PersistentVolumeClaim", name, props: { metadata: { name, namespace }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } } } };
}

describe("prometheus-retention", () => {
  const args = (f: StackFixture = prometheus(), config: Record<string, unknown> = packConfig("prod", "prometheus-retention"), others: StackFixture[] = []) => stackArgs([f, ...others], config);
  const container0 = (f: Fixture): Record<string, any> => f.props.spec.template.spec.containers[0];

  test("compliant: 30d and 170GB on a 200Gi volume", () => assertResourceViolations(prometheusRetention, args(), []));

  test("no retention time", async () => {
    const f = prometheus();
    container0(f).args = container0(f).args.filter((a: string) => !a.startsWith("--storage.tsdb.retention.time"));
    await assertResourceViolations(prometheusRetention, args(f), ['container "prometheus" has no --storage.tsdb.retention.time; set it (allowed: 15 to 90 days)']);
  });

  test("retention time above the bounds", async () => {
    const f = prometheus();
    container0(f).args[2] = "--storage.tsdb.retention.time=180d";
    await assertResourceViolations(prometheusRetention, args(f), ["--storage.tsdb.retention.time=180d is 180 days; allowed: 15 to 90 days"]);
  });

  test("dev bounds from policies/config/dev.json: 30d is too long", async () => {
    const cfg = packConfig("dev", "prometheus-retention");
    await assertResourceViolations(prometheusRetention, args(prometheus(), cfg), ["--storage.tsdb.retention.time=30d is 30 days; allowed: 1 to 15 days"]);
  });

  test("retention time in hours and the split flag form are understood", async () => {
    const f = prometheus();
    container0(f).args.splice(2, 1, "--storage.tsdb.retention.time", "360h");
    await assertResourceViolations(prometheusRetention, args(f), []);
  });

  test("retention time that is not a duration", async () => {
    const f = prometheus();
    container0(f).args[2] = "--storage.tsdb.retention.time=30days";
    await assertResourceViolations(prometheusRetention, args(f), ['--storage.tsdb.retention.time=30days is not a duration like "30d"']);
  });

  test("no retention size", async () => {
    const f = prometheus();
    container0(f).args.pop();
    await assertResourceViolations(prometheusRetention, args(f), [
      'container "prometheus" has no --storage.tsdb.retention.size; set it below the volume size so the TSDB cannot fill its disk',
    ]);
  });

  test("retention size that does not fit the volume", async () => {
    const f = prometheus();
    container0(f).args[3] = "--storage.tsdb.retention.size=200GB";
    await assertResourceViolations(prometheusRetention, args(f), [
      '--storage.tsdb.retention.size=200GB does not fit the 200Gi volume claim "data"; allowed: less than 200Gi, leaving room for the WAL',
    ]);
  });

  test("retention size that is not a size", async () => {
    const f = prometheus();
    container0(f).args[3] = "--storage.tsdb.retention.size=170G";
    await assertResourceViolations(prometheusRetention, args(f), ['--storage.tsdb.retention.size=170G is not a size like "170GB"']);
  });

  test("no prometheus container", async () => {
    const f = prometheus();
    container0(f).name = "server";
    await assertResourceViolations(prometheusRetention, args(f), ['no container "prometheus" to carry the retention flags']);
  });

  test("other workloads are not its business", () => assertResourceViolations(prometheusRetention, args(alertmanager()), []));

  describe("the volume is the stack's claims where it declares them", () => {
    const sized = (retention: string) => {
      const f = prometheus();
      container0(f).args[3] = `--storage.tsdb.retention.size=${retention}`;
      return f;
    };
    const name = (f: StackFixture) => f.props.metadata.name as string;
    const namespace = (f: StackFixture) => f.props.metadata.namespace as string;

    test("claims grown in place past the template (which never changes): a size that fits them is compliant", async () => {
      const f = sized("331GB");
      const claims = [0, 1].map((i) => claim(`data-${name(f)}-${i}`, "390Gi", namespace(f)));
      await assertResourceViolations(prometheusRetention, args(f, undefined, claims), []);
      // Without the claims, the template's 200Gi is all there is.
      await assertResourceViolations(prometheusRetention, args(f), ['--storage.tsdb.retention.size=331GB does not fit the 200Gi volume claim "data"; allowed: less than 200Gi, leaving room for the WAL']);
    });

    test("the smallest claim counts, named in the message", async () => {
      const f = sized("250GB");
      const claims = [claim(`data-${name(f)}-0`, "390Gi", namespace(f)), claim(`data-${name(f)}-1`, "210Gi", namespace(f))];
      await assertResourceViolations(prometheusRetention, args(f, undefined, claims), [
        `--storage.tsdb.retention.size=250GB does not fit the 210Gi volume claim "data-${name(f)}-1"; allowed: less than 210Gi, leaving room for the WAL`,
      ]);
    });

    test("claims of another namespace, template or StatefulSet are not its volumes", async () => {
      const f = sized("331GB");
      const others = [claim(`data-${name(f)}-0`, "390Gi", "elsewhere"), claim(`wal-${name(f)}-0`, "390Gi", namespace(f)), claim(`data-${name(f)}-x-0`, "390Gi", namespace(f))];
      await assertResourceViolations(prometheusRetention, args(f, undefined, others), ['--storage.tsdb.retention.size=331GB does not fit the 200Gi volume claim "data"; allowed: less than 200Gi, leaving room for the WAL']);
    });
  });
});

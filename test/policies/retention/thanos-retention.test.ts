import { thanosRetention } from "../../../policies/retention/thanos-retention";
import { prometheus, prometheusWithSidecar, thanosCompactor } from "../fixtures";
import { assertNoStackViolations, assertStackViolations, packConfig, stackArgs } from "../helpers";
import devConfig from "../../../policies/config/dev.json";
import prodConfig from "../../../policies/config/prod.json";

describe("thanos-retention", () => {
  const cfg = packConfig("prod", "thanos-retention");
  const urn = (type: string, name: string) => `urn:pulumi:test::observability-stack::kubernetes:apps/v1:${type}::${name}`;
  const compactUrn = urn("StatefulSet", "thanos-compact");

  test("compliant: raw 90, 5 m 180, 1 h 365 days, with Prometheus keeping 30", () => assertNoStackViolations(thanosRetention, stackArgs([prometheusWithSidecar(), thanosCompactor()], cfg)));

  test("no Thanos at all: nothing to check", () => assertNoStackViolations(thanosRetention, stackArgs([prometheus()], cfg)));

  test("the bucket's longest retention shorter than Prometheus' own", () =>
    assertStackViolations(thanosRetention, stackArgs([prometheusWithSidecar(), thanosCompactor({ raw: "7d", "5m": "14d", "1h": "20d" })], cfg), [
      {
        message: 'Thanos keeps blocks at most 20 days (--retention.resolution-1h=20d) but "prometheus" keeps 30 days (--storage.tsdb.retention.time=30d); allowed: at least 30 days',
        urn: compactUrn,
      },
    ]));

  test("a resolution without a retention is kept forever", () =>
    assertStackViolations(thanosRetention, stackArgs([prometheusWithSidecar(), thanosCompactor({ raw: "90d", "5m": "180d", "1h": undefined })], cfg), [
      { message: 'container "thanos" has no --retention.resolution-1h; Thanos keeps that resolution forever (allowed: 1 to 3653 days)', urn: compactUrn },
    ]));

  test("0d, Thanos' spelling of forever, and a retention above maxDays", () =>
    assertStackViolations(thanosRetention, stackArgs([prometheusWithSidecar(), thanosCompactor({ raw: "0d", "5m": "180d", "1h": "4000d" })], cfg), [
      { message: "--retention.resolution-raw=0d keeps that resolution forever; allowed: 1 to 3653 days", urn: compactUrn },
      { message: "--retention.resolution-1h=4000d is 4000 days; allowed: 1 to 3653 days", urn: compactUrn },
    ]));

  test("a retention that is not a duration", () =>
    assertStackViolations(thanosRetention, stackArgs([prometheusWithSidecar(), thanosCompactor({ raw: "ninety", "5m": "180d", "1h": "365d" })], cfg), [
      { message: '--retention.resolution-raw=ninety is not a duration like "90d"', urn: compactUrn },
    ]));

  test("a sidecar uploading with no Compactor to expire the blocks", () =>
    assertStackViolations(thanosRetention, stackArgs([prometheusWithSidecar()], cfg), [
      {
        message: '"prometheus" uploads blocks through its "thanos-sidecar" container but no Thanos Compactor (app.kubernetes.io/name=thanos-compact) expires them; the bucket would keep them forever',
        urn: urn("StatefulSet", "prometheus"),
      },
    ]));

  test("prod is mandatory, dev advisory (policies/config), both with maxDays 3653", () => {
    expect([prodConfig["thanos-retention"].enforcementLevel, devConfig["thanos-retention"].enforcementLevel]).toEqual(["mandatory", "advisory"]);
    expect([cfg, packConfig("dev", "thanos-retention")]).toEqual([{ maxDays: 3653 }, { maxDays: 3653 }]);
  });
});

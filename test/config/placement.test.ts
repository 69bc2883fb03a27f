/**
 * Failure domains in the config: prod keeps replicas on separate nodes and spread over zones; a
 * prod stack relaxes that only through placement.allowSharedFailureDomains, and otherwise stops
 * before any resource, naming the key.
 */
import { loadConfig } from "../../components/config";
import { byKind, configProblems, prodOptions, prodRaw, synthesize } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const ANTI_AFFINITY =
  'observability-stack:placement.antiAffinity: "preferred" is not allowed in prod; two replicas could share a node and be lost together (allowed: "required", or set placement.allowSharedFailureDomains: true for a cluster with fewer nodes than replicas)';
const ZONE_SPREAD =
  'observability-stack:placement.zoneSpread: "ScheduleAnyway" is not allowed in prod; replicas could crowd one zone and be lost together (allowed: "DoNotSchedule", or set placement.allowSharedFailureDomains: true for a cluster with fewer zones than replicas)';

const prod = (placement: Record<string, unknown>) => prodRaw({ placement });
const problems = (placement: Record<string, unknown>) => configProblems(prod(placement));

describe("placement presets", () => {
  test("prod: required anti-affinity, DoNotSchedule across topology.kubernetes.io/zone; dev: preferred, ScheduleAnyway", () => {
    expect(loadConfig(prod({})).placement).toEqual({
      antiAffinity: "required",
      zoneSpread: "DoNotSchedule",
      zoneLabel: "topology.kubernetes.io/zone",
      zones: [],
      allowSharedFailureDomains: false,
    });
    expect(loadConfig({ stack: "dev", values: {}, secretsSet: new Set() }).placement).toMatchObject({ antiAffinity: "preferred", zoneSpread: "ScheduleAnyway" });
  });
});

describe("a prod relaxation needs placement.allowSharedFailureDomains", () => {
  test("preferred anti-affinity alone is refused, naming the key", () => expect(problems({ antiAffinity: "preferred" })).toEqual([ANTI_AFFINITY]));
  test("ScheduleAnyway alone is refused, naming the key", () => expect(problems({ zoneSpread: "ScheduleAnyway" })).toEqual([ZONE_SPREAD]));
  test("both at once: both reported", () => expect(problems({ antiAffinity: "preferred", zoneSpread: "ScheduleAnyway" })).toEqual([ANTI_AFFINITY, ZONE_SPREAD]));
  test("with the explicit setting both are accepted", () =>
    expect(problems({ antiAffinity: "preferred", zoneSpread: "ScheduleAnyway", allowSharedFailureDomains: true })).toEqual([]));
  test("dev relaxes through its preset, without the setting", () =>
    expect(() => loadConfig({ stack: "dev", values: { placement: { antiAffinity: "preferred", zoneSpread: "ScheduleAnyway" } }, secretsSet: new Set() })).not.toThrow());
  test("a bad zone label or zone is refused, naming the key", () => {
    expect(problems({ zoneLabel: "/zone" })).toEqual(['observability-stack:placement.zoneLabel: "/zone" is not a label key ("topology.kubernetes.io/zone")']);
    expect(problems({ zones: ["zone a"] })).toEqual(['observability-stack:placement.zones[0]: "zone a" is not a label value']);
  });

  test("the program stops before any resource is registered", async () => {
    let err: (Error & { registeredResources?: number }) | undefined;
    await synthesize(prodOptions({ config: { placement: { antiAffinity: "preferred" } } })).catch((e) => (err = e));
    expect(err?.registeredResources).toBe(0);
    expect(err?.message).toContain(ANTI_AFFINITY);
  });

  test("an accepted relaxation is preferred anti-affinity, annotated on the workloads the pack checks", async () => {
    const s = await synthesize(prodOptions({ config: { placement: { antiAffinity: "preferred", allowSharedFailureDomains: true } } }));
    for (const name of ["elasticsearch", "alertmanager", "prometheus"]) {
      const sts = byKind(s.resources, STS).find((r) => r.inputs.metadata.name === name)!;
      expect([name, sts.inputs.metadata.annotations["observability-stack/shared-failure-domains"]]).toEqual([name, "allowed"]);
      expect(Object.keys(sts.inputs.spec.template.spec.affinity.podAntiAffinity)).toEqual(["preferredDuringSchedulingIgnoredDuringExecution"]);
    }
  });
});

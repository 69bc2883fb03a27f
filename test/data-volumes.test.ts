/**
 * Day-2 safety of the data volumes (components/data-volumes.ts and the program around it): the pure
 * checks, what the real program (index.ts) registers under mocks when its last update's outputs say
 * otherwise, and the guard that catches a rename of anything that holds data.
 * The same scenarios run for real, on a local Kubernetes, in scripts/deploy-test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DataVolumes, dataVolumeProblems, expansionProblems, governingServiceChanges, growingClasses, persistenceChanges, plannedDataVolumes } from "../components/data-volumes";
import { DEFAULTS, StackConfig } from "../components/config";
import { Synthesis, byKind, one, prodOptions, synthesize } from "./helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

const prodConfig = DEFAULTS.prod as unknown as StackConfig;
const devConfig = DEFAULTS.dev as unknown as StackConfig;
/** The prod claims as the last update exported them, with the class the API server gave them. */
function deployed(cfg: StackConfig, change: (v: DataVolumes) => void = () => {}): DataVolumes {
  const v = plannedDataVolumes(cfg);
  for (const r of Object.values(v)) r.storageClassName = "standard";
  change(v);
  return v;
}

describe("plannedDataVolumes", () => {
  it("lists every claim of prod by name, sized from its config key", () => {
    const v = plannedDataVolumes(prodConfig);
    expect(v.prometheus).toEqual({ key: "prometheus", persistent: true, sizeGi: prodConfig.prometheus.storageGi, claims: ["data-prometheus-0", "data-prometheus-1"], configuredStorageClassName: undefined, headlessService: true });
    expect(v.elasticsearch.claims).toEqual(["data-elasticsearch-0", "data-elasticsearch-1", "data-elasticsearch-2"]);
    expect(v.grafana.claims).toEqual(["grafana-data"]);
    // Jaeger keeps its traces in Elasticsearch in prod: no claim of its own.
    expect(v.jaeger).toBeUndefined();
  });
  it("has no claims without persistence (dev)", () => {
    const v = plannedDataVolumes(devConfig);
    expect(Object.values(v).every((r) => !r.persistent && r.claims.length === 0)).toBe(true);
    expect(v.jaeger?.key).toBe("jaeger");
  });
});

describe("dataVolumeProblems", () => {
  it("accepts the same or larger sizes, and a new stack", () => {
    expect(dataVolumeProblems(undefined, plannedDataVolumes(prodConfig))).toEqual([]);
    expect(dataVolumeProblems(deployed(prodConfig), plannedDataVolumes(prodConfig))).toEqual([]);
    const grown = plannedDataVolumes({ ...prodConfig, loki: { ...prodConfig.loki, storageGi: prodConfig.loki.storageGi + 50 } });
    expect(dataVolumeProblems(deployed(prodConfig), grown)).toEqual([]);
  });
  it("refuses a smaller size, naming the key, the current size, the requested one and the way out", () => {
    const smaller = plannedDataVolumes({ ...prodConfig, prometheus: { ...prodConfig.prometheus, storageGi: 150 } });
    const [p, ...rest] = dataVolumeProblems(deployed(prodConfig), smaller);
    expect(rest).toEqual([]);
    expect(p).toContain(`observability-stack:prometheus.storageGi: 150 is smaller than the current size of its claims (${prodConfig.prometheus.storageGi} Gi: data-prometheus-0, data-prometheus-1)`);
    expect(p).toContain(`Allowed: ${prodConfig.prometheus.storageGi} or more`);
    expect(p).toContain(`"Keeping the data"`);
  });
  it("refuses another StorageClass for claims that exist, even the one they have by default", () => {
    const other = plannedDataVolumes({ ...prodConfig, storageClassName: "fast" });
    const problems = dataVolumeProblems(deployed(prodConfig), other);
    expect(problems).toHaveLength(Object.keys(other).length);
    expect(problems[0]).toContain(
      `observability-stack:storageClassName: "fast", but the existing claims of prometheus (data-prometheus-0, data-prometheus-1) were made with unset (the cluster default, "standard")`,
    );
    expect(problems[0]).toContain("Allowed: unset.");
    // Naming the default class explicitly would still change the claims' spec: refused too.
    expect(dataVolumeProblems(deployed(prodConfig), plannedDataVolumes({ ...prodConfig, storageClassName: "standard" }))).toHaveLength(problems.length);
    // Set before, and kept: fine; set before, then unset: refused.
    const withClass = { ...prodConfig, storageClassName: "standard" };
    expect(dataVolumeProblems(deployed(withClass), plannedDataVolumes(withClass))).toEqual([]);
    expect(dataVolumeProblems(deployed(withClass), plannedDataVolumes(prodConfig))[0]).toContain(`storageClassName: unset, but the existing claims of prometheus`);
  });
  it("says nothing about workloads that had no claims", () => {
    const previous = deployed(devConfig);
    const on = plannedDataVolumes({ ...devConfig, persistence: { enabled: true, protect: false }, storageClassName: "fast", loki: { ...devConfig.loki, storageGi: 1 } });
    expect(dataVolumeProblems(previous, on)).toEqual([]);
  });
});

describe("growth and volume expansion", () => {
  const grown = plannedDataVolumes({ ...prodConfig, loki: { ...prodConfig.loki, storageGi: 120 }, prometheus: { ...prodConfig.prometheus, storageGi: 250 } });
  it("names the classes that must expand, with the keys that grow them", () => {
    const g = growingClasses(deployed(prodConfig), grown);
    expect([...g.entries()]).toEqual([["standard", [`observability-stack:prometheus.storageGi (${prodConfig.prometheus.storageGi} → 250 Gi)`, `observability-stack:loki.storageGi (${prodConfig.loki.storageGi} → 120 Gi)`]]]);
    expect(growingClasses(deployed(prodConfig), plannedDataVolumes(prodConfig)).size).toBe(0);
  });
  it("refuses growth on a class without allowVolumeExpansion, and accepts it with", () => {
    const g = growingClasses(deployed(prodConfig), grown);
    expect(expansionProblems(g, { standard: true })).toEqual([]);
    const [p] = expansionProblems(g, { standard: false });
    expect(p).toContain(`the claims' StorageClass "standard" does not allow volume expansion (allowVolumeExpansion: false)`);
    expect(expansionProblems(g, {})[0]).toContain("(allowVolumeExpansion: unset)");
  });
});

describe("persistenceChanges", () => {
  it("is true only when the last update had the other persistence", () => {
    const previous = deployed(devConfig);
    expect(persistenceChanges(previous, "prometheus", true)).toBe(true);
    expect(persistenceChanges(previous, "prometheus", false)).toBe(false);
    expect(persistenceChanges(undefined, "prometheus", true)).toBe(false);
    expect(persistenceChanges(previous, "not-a-workload", true)).toBe(false);
  });
});

describe("governingServiceChanges", () => {
  it("is true only for a StatefulSet whose last update's record says nothing of a headless Service (an older release)", () => {
    const previous = deployed(devConfig);
    expect(governingServiceChanges(previous, "prometheus")).toBe(false);
    delete previous.prometheus.headlessService;
    expect(governingServiceChanges(previous, "prometheus")).toBe(true);
    expect(governingServiceChanges(undefined, "prometheus")).toBe(false);
    expect(governingServiceChanges(previous, "not-a-workload")).toBe(false);
  });
});

describe("the program with its last update's outputs", () => {
  const previousProd = (change: (v: DataVolumes) => void = () => {}) => ({ dataVolumes: deployed(prodConfig, change) });

  it("gives each replica's claim its own resource: protected in prod, kept on delete, force-applied", async () => {
    const s = await synthesize(prodOptions());
    const claims = byKind(s.resources, PVC).filter((r) => r.inputs.metadata.name.startsWith("data-"));
    expect(claims.map((c) => c.inputs.metadata.name).sort()).toEqual(
      Object.values(plannedDataVolumes(prodConfig))
        .flatMap((v) => v.claims)
        .filter((n) => n.startsWith("data-"))
        .sort(),
    );
    for (const c of claims) {
      expect(c).toMatchObject({ protect: true, retainOnDelete: true });
      expect(c.inputs.metadata.annotations["pulumi.com/patchForce"]).toBe("true");
    }
    const sts = one(s.resources, STS, "prometheus");
    // The StatefulSet is created after its claims, and adopts them by name.
    const claimDeps = sts.dependencies.filter((u) => u.includes("kubernetes:core/v1:PersistentVolumeClaim::")).map((u) => u.split("::").pop());
    expect(claimDeps.sort()).toEqual(["prometheus-data-0", "prometheus-data-1"]);
    expect(sts.inputs.metadata.annotations["observability-stack/persistent-volumes"]).toBe("true");
    expect(s.outputs.dataVolumes).toMatchObject({ prometheus: { sizeGi: prodConfig.prometheus.storageGi, claims: ["data-prometheus-0", "data-prometheus-1"] } });
  });

  it("refuses a smaller volume before registering anything but its reference to itself", async () => {
    const err = await synthesize(prodOptions({ previousOutputs: previousProd((v) => (v.loki.sizeGi = 500)) })).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message)).toContain(`observability-stack:loki.storageGi: ${prodConfig.loki.storageGi} is smaller than the current size of its claims (500 Gi: data-loki-0, data-loki-1, data-loki-2)`);
    expect(err.registeredResources).toBe(1);
  });

  it("previews the replacement of an older release's ClusterIP governing Services with an unknown annotation, so it is not dry-run against the old Service", async () => {
    const older = deployed(devConfig);
    for (const r of Object.values(older)) delete r.headlessService;
    const preview = await synthesize({ stack: "dev", preview: true, previousOutputs: { dataVolumes: older } });
    const update = await synthesize({ stack: "dev", preview: false, previousOutputs: { dataVolumes: older } });
    const current = await synthesize({ stack: "dev", preview: true, previousOutputs: { dataVolumes: deployed(devConfig) } });
    const service = (s: Synthesis, name: string) => byKind(s.resources, "kubernetes:core/v1:Service").find((r) => r.inputs.metadata.name === name)!;
    for (const name of ["prometheus", "loki", "jaeger"]) {
      expect([name, service(preview, name).inputs.metadata.annotations["observability-stack/governing-service"]]).toEqual([name, { __pulumiUnknown: true }]);
      expect([name, service(update, name).inputs.metadata.annotations["observability-stack/governing-service"]]).toEqual([name, "headless"]);
      expect([name, service(current, name).inputs.metadata.annotations["observability-stack/governing-service"]]).toEqual([name, "headless"]);
      expect(service(update, name).inputs.spec.clusterIP).toBe("None");
    }
    // The records this update exports say the Services are headless: the next preview is known.
    expect(Object.values(update.outputs.dataVolumes as DataVolumes).filter((r) => r.key !== "grafana").every((r) => r.headlessService === true)).toBe(true);
  });

  it("previews a persistence change as unknown, so the StatefulSet's replacement is not dry-run as an update", async () => {
    const previousDev = { dataVolumes: deployed(devConfig) };
    const config = { persistence: { enabled: true, protect: false } };
    const preview = await synthesize({ stack: "dev", config, preview: true, previousOutputs: previousDev });
    const update = await synthesize({ stack: "dev", config, preview: false, previousOutputs: previousDev });
    const unchanged = await synthesize({ stack: "dev", preview: true, previousOutputs: previousDev });
    const annotation = (s: Synthesis) => one(s.resources, STS, "loki").inputs.metadata.annotations["observability-stack/persistent-volumes"];
    // The SDK's unknown value, as the engine receives it in a preview of a computed input.
    expect(annotation(preview)).toEqual({ __pulumiUnknown: true });
    expect(annotation(update)).toBe("true");
    expect(annotation(unchanged)).toBe("false");
  });
});

/**
 * Every resource that holds data (protected in prod): its URN as the engine computes it, from the
 * parent's type chain and the name. A change of URN is a delete and a create to Pulumi: for these,
 * a new empty volume or bucket.
 */
function statefulUrns(s: Synthesis): string[] {
  return s.resources
    .filter((r) => r.protect)
    .map((r) => {
      const parentType = r.parent ? r.parent.split("::")[2] : "pulumi:pulumi:Stack";
      const chain = parentType === "pulumi:pulumi:Stack" ? r.type : `${parentType}$${r.type}`;
      return `${chain}::${r.name}`;
    })
    .sort();
}

describe("renames of stateful resources", () => {
  const file = path.join(__dirname, "fixtures", "stateful-urns.json");
  it("keeps the URN of everything that holds data (or the change adds an alias, and updates this list)", async () => {
    const urns = statefulUrns(await synthesize(prodOptions()));
    // After an intended change (a new stateful resource, or a rename with its alias):
    // UPDATE_STATEFUL_URNS=1 npx jest test/data-volumes.test.ts
    if (process.env.UPDATE_STATEFUL_URNS) fs.writeFileSync(file, `${JSON.stringify(urns, null, 2)}\n`);
    const known = JSON.parse(fs.readFileSync(file, "utf8")) as string[];
    const gone = known.filter((u) => !urns.includes(u));
    if (gone.length > 0) {
      throw new Error(
        `These resources hold data and their URNs changed: Pulumi would delete them and create empty ones:\n  ${gone.join("\n  ")}\n` +
          `Keep the name, or add an alias to the old one (e.g. { aliases: [{ name: "<old name>" }] } on the renamed component: children named ` +
          `"<component>-<role>" follow it), then update ${path.relative(process.cwd(), file)} (UPDATE_STATEFUL_URNS=1).`,
      );
    }
    expect(urns.filter((u) => !known.includes(u))).toEqual([]);
    expect(urns.length).toBeGreaterThan(10);
  });
});

/**
 * What only the real program (index.ts) can show about reading config: scalars stay text as Pulumi
 * delivers them, and keys outside the project's namespace that the stack would ignore stop it
 * before any resource, next to every other problem.
 */
import { one, synthesize } from "../helpers/mocks";

async function failure(opts: Parameters<typeof synthesize>[0]): Promise<Error & { registeredResources?: number }> {
  try {
    await synthesize(opts);
  } catch (e) {
    return e as Error & { registeredResources?: number };
  }
  throw new Error("expected the program to fail");
}

describe("index.ts reads config as Pulumi delivers it", () => {
  it("a numeric-looking clusterName and costCenter stay text", async () => {
    const s = await synthesize({ stack: "dev", config: { clusterName: "2024", costCenter: "4711", team: "007" } });
    const cm = one(s.resources, "kubernetes:core/v1:ConfigMap", "prometheus-config");
    expect(cm.inputs.data["prometheus.yml"]).toMatch(/cluster: "2024"/);
    const labels = one(s.resources, "kubernetes:apps/v1:StatefulSet", "prometheus").inputs.metadata.labels;
    expect(labels.team).toBe("007");
  });

  it("a misspelled project name and a provider key the stack does not read fail with the other problems, before any resource", async () => {
    const e = await failure({
      stack: "dev",
      config: { prometheus: { retentionDays: 0 } },
      otherConfig: { "observabilty-stack:prometheus.retentionDays": "3", "grafana:url": "https://grafana.platform.internal" },
    });
    expect(e.registeredResources).toBe(0);
    expect(e.message).toContain('observabilty-stack:prometheus.retentionDays: ignored, "observabilty-stack" is not this project\'s name; the stack reads observability-stack:prometheus.retentionDays');
    expect(e.message).toContain("grafana:url: ignored, the stack does not read it; set observability-stack:grafana.url instead, and remove grafana:url");
    expect(e.message).toContain("observability-stack:prometheus.retentionDays: 0 is too small; allowed: >= 1");
  });

  it("a key of a namespace nothing reads is only a warning: the stack is built", async () => {
    const s = await synthesize({ stack: "dev", otherConfig: { "gcp:project": "elsewhere" } });
    expect(s.resources.length).toBeGreaterThan(50);
  });
});

/**
 * The Prometheus component under mocks: on its own with only a namespace (every default applied,
 * objects named after it), and as the stack builds it (its context and settings, Alertmanager, rule
 * files, two replicas).
 */
import { parse } from "yaml";
import { PROMETHEUS_DEFAULTS } from "../../components/prometheus/component";
import { byKind, defaultsFor, k8sObjects, one, render, valueOf, type Recorded } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const CM = "kubernetes:core/v1:ConfigMap";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const CR = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";

const args = (r: Recorded[], sts: string) => one(r, STS, sts).inputs.spec.template.spec.containers.find((c: { name: string }) => c.name === "prometheus").args as string[];

describe("Prometheus on its own, with only a namespace", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  beforeAll(async () => {
    r = await render("lib", async () => new (await import("../../components/prometheus/component")).Prometheus("metrics", { namespace: "team-a" }));
  });

  test("its objects are named after it, in the namespace; cluster-scoped ones after namespace and name", () => {
    for (const o of k8sObjects(r.resources).filter((x) => !x.type.includes("ClusterRole"))) expect([o.type, o.inputs.metadata.namespace]).toEqual([o.type, "team-a"]);
    expect(byKind(r.resources, CM).map((c) => c.inputs.metadata.name).sort()).toEqual(["metrics-config", "metrics-rules"]);
    expect(one(r.resources, STS, "metrics").inputs.spec.serviceName).toBe("metrics");
    expect(one(r.resources, CR, "team-a-metrics-discovery").inputs.rules[0].verbs).toEqual(["get", "list", "watch"]);
    expect(one(r.resources, CRB, "team-a-metrics-discovery").inputs.subjects).toEqual([{ kind: "ServiceAccount", name: "metrics", namespace: "team-a" }]);
  });

  test("every default applied: one replica, retention, storage, resources, labels", () => {
    const sts = one(r.resources, STS, "metrics").inputs;
    expect(sts.spec.replicas).toBe(PROMETHEUS_DEFAULTS.replicas);
    expect(args(r.resources, "metrics")).toEqual(
      expect.arrayContaining([`--storage.tsdb.retention.time=${PROMETHEUS_DEFAULTS.retentionDays}d`, `--storage.tsdb.retention.size=${PROMETHEUS_DEFAULTS.retentionSizeGi}GB`]),
    );
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${PROMETHEUS_DEFAULTS.storageGi}Gi`);
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
    expect(sts.spec.template.spec.containers[0].resources).toEqual({
      requests: { ...PROMETHEUS_DEFAULTS.resources.requests, "ephemeral-storage": "64Mi" },
      limits: { ...PROMETHEUS_DEFAULTS.resources.limits, "ephemeral-storage": "256Mi" },
    });
    expect(sts.metadata.labels).toMatchObject({ environment: "dev", team: "observability", "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "metrics" });
    // One replica: no disruption budget, no anti-affinity; persistence on, not protected.
    expect(byKind(r.resources, PDB)).toEqual([]);
    expect(sts.spec.template.spec.affinity).toBeUndefined();
    expect(one(r.resources, "kubernetes:core/v1:PersistentVolumeClaim", "data-metrics-0").protect).toBe(false);
  });

  test("prometheus.yml: its own job, the namespace as cluster label, no alerting, the rules directory", () => {
    const y = parse(one(r.resources, CM, "metrics-config").inputs.data["prometheus.yml"]);
    expect(y.global.external_labels).toEqual({ cluster: "team-a", environment: "dev" });
    expect(y.global.scrape_interval).toBe(`${PROMETHEUS_DEFAULTS.scrapeIntervalSeconds}s`);
    expect(y.alerting).toBeUndefined();
    expect(y.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(["metrics", "kubernetes-pods", "kubernetes-services"]);
    expect(one(r.resources, CM, "metrics-rules").inputs.data).toEqual({});
  });

  test("the URL comes from its query Service (one replica per client), not the headless governing one", async () => {
    expect(await valueOf(r.component.url)).toBe("http://metrics-query.team-a.svc.cluster.local:9090");
  });
});

describe("Prometheus as the stack builds it (prod)", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  const { ctx, cfg } = defaultsFor("prod");
  beforeAll(async () => {
    r = await render("prod", async () =>
      new (await import("../../components/prometheus/component")).Prometheus("prometheus", {
        context: ctx,
        settings: cfg.prometheus,
        clusterName: "prod-eu",
        alertmanager: { service: "alertmanager", portName: "web" },
        ruleFiles: { "self.yaml": { groups: [{ name: "g", rules: [{ alert: "A", expr: "up == 0" }] }] } },
        serviceTargets: [{ job: "loki", namespace: ctx.namespace, service: "loki", portName: "http-metrics" }],
      }),
    );
  });

  test("the settings win over the defaults; replicas > 1 bring a disruption budget and anti-affinity", () => {
    const sts = one(r.resources, STS, "prometheus").inputs;
    expect(sts.spec.replicas).toBe(cfg.prometheus.replicas);
    expect(cfg.prometheus.replicas).toBeGreaterThan(1);
    expect(args(r.resources, "prometheus")).toContain(`--storage.tsdb.retention.time=${cfg.prometheus.retentionDays}d`);
    expect(one(r.resources, PDB, "prometheus").inputs.spec.maxUnavailable).toBe(1);
    // Prod placement: no two replicas on one node, spread over zones.
    expect(sts.spec.template.spec.affinity.podAntiAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "prometheus" } } }],
    });
    expect(sts.spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "prometheus" } } },
    ]);
    expect(one(r.resources, CR, "observability-prometheus-discovery")).toBeDefined();
  });

  test("alerting, rule files and the stack's scrape targets in prometheus.yml", () => {
    const y = parse(one(r.resources, CM, "prometheus-config").inputs.data["prometheus.yml"]);
    expect(y.global.external_labels.cluster).toBe("prod-eu");
    expect(y.alerting.alertmanagers[0].relabel_configs[0].regex).toBe("alertmanager;web");
    expect(y.scrape_configs.map((j: { job_name: string }) => j.job_name).slice(0, 2)).toEqual(["prometheus", "loki"]);
    expect(parse(one(r.resources, CM, "prometheus-rules").inputs.data["self.yaml"]).groups[0].rules[0].alert).toBe("A");
  });
});

test("a rule file not ending in .yaml is refused, naming it", async () => {
  await expect(
    render("lib", async () => new (await import("../../components/prometheus/component")).Prometheus("metrics", { ruleFiles: { "rules.yml": { groups: [] } } })),
  ).rejects.toThrow('rule file "rules.yml" must end in .yaml');
});

/**
 * The Alertmanager component under mocks: on its own (a default config that sends nothing, one
 * replica without gossip), and clustered as prod builds it (peers through `<name>-peers`, a
 * disruption budget, the config kept secret).
 */
import { parse } from "yaml";
import { ALERTMANAGER_DEFAULTS, DEFAULT_ALERTMANAGER_CONFIG, peerAddresses } from "../../components/alertmanager/component";
import { byKind, defaultsFor, k8sObjects, one, render, valueOf, type Recorded } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const SVC = "kubernetes:core/v1:Service";
const SECRET = "kubernetes:core/v1:Secret";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** The engine's marker of a secret value: stringData arrives wrapped in it. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
function secretValue(v: any): any {
  expect(v?.[SECRET_SIG_KEY]).toBe("1b47061264138c4ac30d75fd1eb44270");
  return v.value;
}

const container = (r: Recorded[], sts: string) => one(r, STS, sts).inputs.spec.template.spec.containers.find((c: { name: string }) => c.name === "alertmanager");

describe("Alertmanager on its own", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  beforeAll(async () => {
    r = await render("lib", async () => new (await import("../../components/alertmanager/component")).Alertmanager("alerts", { namespace: "team-a" }));
  });

  test("objects named after it: StatefulSet and Service, <name>-peers, the Secret <name>-config", () => {
    expect(byKind(r.resources, SVC).map((s) => s.inputs.metadata.name).sort()).toEqual(["alerts", "alerts-peers"]);
    expect(one(r.resources, STS, "alerts").inputs.spec.serviceName).toBe("alerts-peers");
    expect(one(r.resources, SECRET, "alerts-config").inputs.type).toBe("Opaque");
    for (const o of k8sObjects(r.resources)) expect([o.type, o.inputs.metadata.namespace]).toEqual([o.type, "team-a"]);
  });

  test("the default config receives every alert and sends nothing; it is kept secret", () => {
    const secret = one(r.resources, SECRET, "alerts-config");
    expect(secretValue(secret.inputs.stringData)["alertmanager.yml"]).toBe(DEFAULT_ALERTMANAGER_CONFIG);
    expect(parse(DEFAULT_ALERTMANAGER_CONFIG)).toEqual({ route: { receiver: "none", group_by: ["alertname"] }, receivers: [{ name: "none" }] });
    expect(JSON.parse(secret.plainInputs).stringData).toBe("[secret]");
  });

  test("the defaults: one replica without gossip, retention, storage, resources; no disruption budget", () => {
    const c = container(r.resources, "alerts");
    expect(one(r.resources, STS, "alerts").inputs.spec.replicas).toBe(1);
    expect(c.args).toContain(`--data.retention=${ALERTMANAGER_DEFAULTS.retentionHours}h`);
    expect(c.args).toContain("--cluster.listen-address=");
    expect(c.resources).toMatchObject(ALERTMANAGER_DEFAULTS.resources);
    expect(one(r.resources, STS, "alerts").inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${ALERTMANAGER_DEFAULTS.storageGi}Gi`);
    expect(byKind(r.resources, PDB)).toEqual([]);
    // Without gossip, only Prometheus (and the reloader's port) and Grafana may reach it.
    expect(one(r.resources, NETPOL, "alerts").inputs.spec.ingress.map((i: { ports: { port: number }[] }) => i.ports.map((p) => p.port))).toEqual([[9093, 8080], [9093]]);
  });

  test("URL and Service from the component", async () => {
    expect(await valueOf(r.component.url)).toBe("http://alerts.team-a.svc.cluster.local:9093");
    expect(r.component.service).toEqual({ service: "alerts", portName: "web" });
  });
});

describe("Alertmanager clustered, as prod builds it", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  const { ctx, cfg } = defaultsFor("prod");
  beforeAll(async () => {
    r = await render("prod", async () => {
      const pulumi = await import("@pulumi/pulumi");
      const { Alertmanager } = await import("../../components/alertmanager/component");
      return new Alertmanager("alertmanager", { context: ctx, settings: cfg.alertmanager, configYaml: pulumi.secret("route: {receiver: pager}\n") });
    });
  });

  test("every replica gossips with every peer through <name>-peers; a disruption budget keeps a quorum", () => {
    expect(cfg.alertmanager.replicas).toBe(3);
    const c = container(r.resources, "alertmanager");
    expect(c.args.filter((a: string) => a.startsWith("--cluster.peer="))).toEqual([
      "--cluster.peer=alertmanager-0.alertmanager-peers.observability.svc.cluster.local:9094",
      "--cluster.peer=alertmanager-1.alertmanager-peers.observability.svc.cluster.local:9094",
      "--cluster.peer=alertmanager-2.alertmanager-peers.observability.svc.cluster.local:9094",
    ]);
    expect(peerAddresses("alerts", "team-a", 1)).toEqual(["alerts-0.alerts-peers.team-a.svc.cluster.local:9094"]);
    expect(one(r.resources, PDB, "alertmanager").inputs.spec.maxUnavailable).toBe(1);
    const pods = { matchLabels: { "app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/instance": "alertmanager" } };
    const spec = one(r.resources, STS, "alertmanager").inputs.spec.template.spec;
    expect(spec.affinity.podAntiAffinity).toEqual({ requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: pods }] });
    expect(spec.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: pods }]);
    expect(one(r.resources, SVC, "alertmanager-peers").inputs.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
  });

  test("the given config, only as a secret", () => {
    const secret = one(r.resources, SECRET, "alertmanager-config");
    expect(secretValue(secret.inputs.stringData)["alertmanager.yml"]).toBe("route: {receiver: pager}\n");
    expect(secret.plainInputs).not.toContain("pager");
    expect(JSON.parse(secret.plainInputs).stringData).toBe("[secret]");
  });
});

describe("Alertmanager on its own: placement for any cluster unless asked", () => {
  const spec = async (args: Record<string, unknown>) => {
    const r = await render("team", async () => {
      const { Alertmanager } = await import("../../components/alertmanager/component");
      return new Alertmanager("alerts", { namespace: "team-a", replicas: 3, ...args });
    });
    return one(r.resources, STS, "alerts").inputs.spec.template.spec;
  };

  test("by default preferred anti-affinity and best-effort zone spread: fewer nodes than replicas still schedule", async () => {
    const s = await spec({});
    expect(Object.keys(s.affinity.podAntiAffinity)).toEqual(["preferredDuringSchedulingIgnoredDuringExecution"]);
    expect(s.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]).toEqual({
      weight: 100,
      podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/instance": "alerts" } } },
    });
    expect(s.topologySpreadConstraints.map((c: { whenUnsatisfiable: string; topologyKey: string }) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([["topology.kubernetes.io/zone", "ScheduleAnyway"]]);
  });

  test("placement args: required, DoNotSchedule over another zone label", async () => {
    const s = await spec({ placement: { antiAffinity: "required", zoneSpread: "DoNotSchedule", zoneLabel: "example.com/rack" } });
    expect(Object.keys(s.affinity.podAntiAffinity)).toEqual(["requiredDuringSchedulingIgnoredDuringExecution"]);
    expect(s.topologySpreadConstraints.map((c: { whenUnsatisfiable: string; topologyKey: string }) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([["example.com/rack", "DoNotSchedule"]]);
  });
});

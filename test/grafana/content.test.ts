/**
 * GrafanaContent under Pulumi mocks: folders, dashboards, datasources (external Grafana only),
 * contact points and the notification policy tree, for dev and prod.
 */
import type * as pulumiT from "@pulumi/pulumi";
import { byKind, defaultsFor, recordingMocks, valueOf, type Recorded as Rec } from "../helpers/mocks";
import type { SecretKey, StackConfig } from "../../components/config";
import type { DatasourceDef } from "../../components/grafana/datasources";

type Pulumi = typeof pulumiT;

const SECRETS: Partial<Record<SecretKey, string>> = {
  slackWebhookUrl: "https://hooks.slack.invalid/services/SLACK-SECRET",
  pagerdutyRoutingKey: "PAGERDUTY-SECRET-KEY",
  webhookUrl: "https://hooks.invalid/WEBHOOK-SECRET",
};

interface RenderOpts {
  cfg: StackConfig;
  secrets?: Partial<Record<SecretKey, string>>;
  datasources?: boolean;
}

/** Mocks first, then the component module (dynamic import), constructed with a provider and a dependency. */
async function render(o: RenderOpts): Promise<{ resources: Rec[]; outputs: Record<string, unknown> }> {
  let out: { resources: Rec[]; outputs: Record<string, unknown> } | undefined;
  await jest.isolateModulesAsync(async () => {
    const pulumi: Pulumi = await import("@pulumi/pulumi");
    const invokes: string[] = [];
    // Grafana's resources compute a uid when none is given.
    const resources = await recordingMocks(pulumi, o.cfg.environment, false, undefined, {
      state: (_type, name, inputs) => ({ ...inputs, uid: inputs.uid ?? `${name}-uid` }),
      invokes,
    });
    const { GrafanaContent, grafanaProvider } = await import("../../components/grafana/content");
    const { buildDatasources } = await import("../../components/grafana/datasources");
    // The Grafana Deployment the caller passes (a bare resource of its type: @pulumi/kubernetes is slow to load).
    class Deployment extends pulumi.CustomResource {
      constructor(n: string) {
        super("kubernetes:apps/v1:Deployment", n, {});
      }
    }
    const deployment = new Deployment("grafana");
    const provider = grafanaProvider("grafana", { url: "http://grafana.observability.svc.cluster.local:3000", auth: pulumi.secret("admin:PASSWORD") });
    const secrets = Object.fromEntries(Object.entries(o.secrets ?? {}).map(([k, v]) => [k, pulumi.secret(v)]));
    const datasources: DatasourceDef[] | undefined = o.datasources
      ? buildDatasources({
          prometheusUrl: "http://prometheus:9090",
          lokiUrl: "http://loki:3100",
          elasticsearchUrl: "http://elasticsearch:9200",
          jaegerUrl: "http://jaeger:16686",
          elasticsearchIndex: "logs-*",
        })
      : undefined;
    const content = new GrafanaContent(
      "content",
      { environment: o.cfg.environment, alerting: o.cfg.alerting, secrets, datasources: datasources && pulumi.output(datasources) },
      { providers: { grafana: provider }, dependsOn: [deployment] },
    );
    const outputs = { contactPoints: await valueOf(content.contactPoints), dashboardUids: await valueOf(content.dashboardUids) };
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    expect(invokes).toEqual([]);
    out = { resources, outputs };
  });
  return out!;
}

/** The engine's marker of a secret value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** The value of an input that must be secret; fails if it is not. */
function secretValue(v: any): any {
  expect(v?.[SECRET_SIG]).toBe("1b47061264138c4ac30d75fd1eb44270");
  return v.value;
}
const T = {
  folder: "grafana:oss/folder:Folder",
  dashboard: "grafana:oss/dashboard:Dashboard",
  datasource: "grafana:oss/dataSource:DataSource",
  contactPoint: "grafana:alerting/contactPoint:ContactPoint",
  policy: "grafana:alerting/notificationPolicy:NotificationPolicy",
  muteTiming: "grafana:alerting/muteTiming:MuteTiming",
  template: "grafana:alerting/messageTemplate:MessageTemplate",
};
const grafanaResources = (rs: Rec[]) => rs.filter((r) => r.type.startsWith("grafana:"));

describe("GrafanaContent, dev defaults (every receiver off, in-cluster Grafana)", () => {
  let rs: Rec[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: rs, outputs } = await render({ cfg: defaultsFor("dev").cfg }));
  });

  test("four folders by domain", () => {
    expect(byKind(rs, T.folder).map((f) => [f.name, f.inputs.uid, f.inputs.title])).toEqual([
      ["content-folder-platform", "obs-platform", "Platform"],
      ["content-folder-applications", "obs-applications", "Applications"],
      ["content-folder-business", "obs-business", "Business"],
      ["content-folder-observability", "obs-observability", "Observability"],
    ]);
  });

  test("nine dashboards, each in its folder, with the built model as JSON", () => {
    const ds = byKind(rs, T.dashboard);
    expect(ds.map((d) => [JSON.parse(d.inputs.configJson).uid, d.inputs.folder])).toEqual([
      ["obs-system-overview", "obs-platform"],
      ["obs-infrastructure", "obs-platform"],
      ["obs-kubernetes", "obs-platform"],
      ["obs-app-performance", "obs-applications"],
      ["obs-slo", "obs-applications"],
      ["obs-business-learning", "obs-business"],
      ["obs-logs", "obs-observability"],
      ["obs-traces", "obs-observability"],
      ["obs-stack-health", "obs-observability"],
    ]);
    expect(ds.every((d) => d.inputs.overwrite === true && d.inputs.message === "observability-stack (dev)")).toBe(true);
    expect(outputs.dashboardUids).toHaveLength(9);
  });

  test("no datasource resources: the in-cluster Grafana gets them from its provisioning file", () => {
    expect(byKind(rs, T.datasource)).toEqual([]);
  });

  test("no contact point and no policy tree: nothing is enabled, and nothing points at a missing destination", () => {
    expect(byKind(rs, T.contactPoint)).toEqual([]);
    expect(byKind(rs, T.policy)).toEqual([]);
    expect(outputs.contactPoints).toEqual([]);
  });

  test("the message template and the maintenance window exist in every environment", () => {
    const [tpl] = byKind(rs, T.template);
    expect(tpl.inputs.name).toBe("observability-stack");
    expect(tpl.inputs.template).toContain('{{ define "observability-stack.title" }}[dev]');
    expect(tpl.inputs.template).toContain("Runbook: {{ . }}");
    expect(byKind(rs, T.muteTiming).map((m) => m.inputs)).toEqual([
      { name: "maintenance-window", intervals: [{ weekdays: ["sunday"], times: [{ start: "02:00", end: "04:00" }], location: "UTC" }] },
    ]);
  });

  test("every Grafana resource is a child of the component, goes through the Grafana provider and waits for the Deployment", () => {
    const gr = grafanaResources(rs);
    expect(gr).toHaveLength(4 + 9 + 2);
    for (const r of gr) {
      expect(r.parent).toMatch(/observability:index:GrafanaContent::content$/);
      expect(r.provider).toMatch(/pulumi:providers:grafana::grafana::/);
      expect(r.dependencies.some((d) => d.endsWith("kubernetes:apps/v1:Deployment::grafana"))).toBe(true);
      expect(r.name.startsWith("content-")).toBe(true);
    }
  });

  test("the provider points at the URL with secret credentials", () => {
    const [p] = byKind(rs, "pulumi:providers:grafana");
    expect(p.inputs.url).toBe("http://grafana.observability.svc.cluster.local:3000");
    expect(secretValue(p.inputs.auth)).toBe("admin:PASSWORD");
  });
});

describe("GrafanaContent, prod defaults (Slack, PagerDuty, e-mail on)", () => {
  let rs: Rec[];
  beforeAll(async () => {
    ({ resources: rs } = await render({ cfg: defaultsFor("prod").cfg, secrets: SECRETS }));
  });

  test("one contact point per severity receiver plus the education team, with the enabled integrations only", () => {
    const cps: Record<string, any> = Object.fromEntries(byKind(rs, T.contactPoint).map((c) => [c.inputs.name, c.inputs]));
    expect(Object.keys(cps).sort()).toEqual(["critical", "education-team", "info", "warning"]);
    // Every integration list that carries a credential is secret as a whole.
    for (const c of Object.values(cps)) for (const k of ["slacks", "pagerduties", "webhooks"]) if (c[k]) c[k] = secretValue(c[k]);
    expect(cps.critical.pagerduties).toEqual([
      { integrationKey: "PAGERDUTY-SECRET-KEY", severity: "critical", summary: '{{ template "observability-stack.title" . }}' },
    ]);
    expect(cps.critical.slacks.map((s: any) => [s.recipient, s.url])).toEqual([["#alerts-critical", SECRETS.slackWebhookUrl]]);
    expect(cps.critical.emails.map((e: any) => e.addresses)).toEqual([["oncall@platform.internal"]]);
    expect(cps.critical.webhooks).toBeUndefined();
    expect(cps.warning.slacks.map((s: any) => s.recipient)).toEqual(["#alerts-warning"]);
    expect(cps.info.slacks.map((s: any) => s.recipient)).toEqual(["#alerts-info"]);
    expect(cps["education-team"].emails.map((e: any) => e.addresses)).toEqual([["education-team@platform.internal"]]);
    expect(cps["education-team"].slacks).toBeUndefined();
    for (const c of Object.values(cps)) expect(JSON.stringify(c)).toContain("observability-stack.message");
  });

  test("contact points wait for the message template they use", () => {
    for (const c of byKind(rs, T.contactPoint)) {
      expect(c.dependencies.some((d) => d.endsWith("grafana:alerting/messageTemplate:MessageTemplate::content-template"))).toBe(true);
    }
  });

  test("the policy tree matches Alertmanager's severity routing; warning and info are muted in the maintenance window", () => {
    const [p] = byKind(rs, T.policy);
    expect(p.inputs).toMatchObject({
      contactPoint: "info",
      groupBies: ["alertname", "service", "severity"],
      groupWait: "30s",
      groupInterval: "5m",
      repeatInterval: "4h",
    });
    expect(
      p.inputs.policies.map((x: any) => [x.contactPoint, x.matchers, x.continue ?? false, x.groupWait, x.repeatInterval, x.muteTimings]),
    ).toEqual([
      ["education-team", [{ label: "category", match: "=", value: "educational" }], true, undefined, undefined, undefined],
      ["critical", [{ label: "severity", match: "=", value: "critical" }], false, "1s", "1h", undefined],
      ["warning", [{ label: "severity", match: "=", value: "warning" }], false, undefined, "4h", ["maintenance-window"]],
      ["info", [{ label: "severity", match: "=", value: "info" }], false, "5m", "24h", ["maintenance-window"]],
    ]);
  });

  test("secrets reach the contact points only: no folder, dashboard, template or policy carries one", () => {
    for (const r of grafanaResources(rs).filter((x) => x.type !== T.contactPoint)) {
      const s = JSON.stringify(r.inputs);
      for (const v of Object.values(SECRETS)) expect(s).not.toContain(v);
    }
  });
});

describe("GrafanaContent, other configurations", () => {
  test("an external Grafana gets the four datasources through the API, with their correlations", async () => {
    const cfg = defaultsFor("dev").cfg;
    const { resources } = await render({ cfg, datasources: true });
    const ds = byKind(resources, T.datasource);
    expect(ds.map((d) => [d.name, d.inputs.uid, d.inputs.type, d.inputs.url, d.inputs.isDefault, d.inputs.accessMode])).toEqual([
      ["content-datasource-prometheus", "prometheus", "prometheus", "http://prometheus:9090", true, "proxy"],
      ["content-datasource-loki", "loki", "loki", "http://loki:3100", false, "proxy"],
      ["content-datasource-elasticsearch", "elasticsearch", "elasticsearch", "http://elasticsearch:9200", false, "proxy"],
      ["content-datasource-jaeger", "jaeger", "jaeger", "http://jaeger:16686", false, "proxy"],
    ]);
    const json = Object.fromEntries(ds.map((d) => [d.inputs.uid, JSON.parse(d.inputs.jsonDataEncoded)]));
    expect(json.loki.derivedFields[0]).toMatchObject({ datasourceUid: "jaeger", url: "${__value.raw}" });
    expect(json.jaeger.tracesToLogsV2.datasourceUid).toBe("loki");
    expect(json.prometheus.exemplarTraceIdDestinations[0].datasourceUid).toBe("jaeger");
  });

  test("only a webhook enabled: three severity contact points, info is the root, no education route (pure builders)", async () => {
    const { buildContactPoints } = await import("../../components/grafana/content");
    const { buildPolicyTree } = await import("../../components/grafana/provisioning");
    const cfg = defaultsFor("dev").cfg;
    cfg.alerting.receivers.webhook.enabled = true;
    const cps = buildContactPoints(cfg.alerting, { webhookUrl: SECRETS.webhookUrl });
    expect(Object.entries(cps).map(([role, c]) => [role, c!.name, Object.keys(c!).sort()])).toEqual([
      ["critical", "critical", ["name", "webhooks"]],
      ["warning", "warning", ["name", "webhooks"]],
      ["info", "info", ["name", "webhooks"]],
    ]);
    const tree = buildPolicyTree(cfg.alerting, Object.keys(cps) as (keyof typeof cps)[])!;
    expect(tree.root).toBe("info");
    expect(tree.policies.map((p) => p.contactPoint)).toEqual(["critical", "warning", "info"]);
    expect(buildPolicyTree(cfg.alerting, [])).toBeUndefined();
  });

  test("an enabled receiver without its secret is refused with the key to set", async () => {
    const { buildContactPoints } = await import("../../components/grafana/content");
    const cfg = defaultsFor("prod").cfg;
    expect(() => buildContactPoints(cfg.alerting, { slackWebhookUrl: "x" })).toThrow(
      "alerting.receivers.pagerduty is enabled but the secret pagerdutyRoutingKey is not set",
    );
  });
});

test("GrafanaContent with no args: every folder and dashboard, no contact point or policy tree (the dev preset's receivers are off)", async () => {
  const { render: renderAlone } = await import("../helpers/mocks");
  const r = await renderAlone("lib", async (pulumi) => {
    const { GrafanaContent, grafanaProvider } = await import("../../components/grafana/content");
    const provider = grafanaProvider("grafana", { url: "http://dashboards.team-a.svc.cluster.local:3000", auth: pulumi.secret("admin:PASSWORD") });
    return new GrafanaContent("content", undefined, { providers: { grafana: provider } });
  });
  const { allDashboards, FOLDERS } = await import("../../dashboards");
  expect(byKind(r.resources, T.folder).map((f) => f.inputs.uid).sort()).toEqual(Object.values(FOLDERS).map((f) => f.uid).sort());
  const dashboards = byKind(r.resources, T.dashboard);
  expect(dashboards).toHaveLength(allDashboards().length);
  expect(dashboards[0].inputs.message).toBe("observability-stack (dev)");
  expect([...byKind(r.resources, T.contactPoint), ...byKind(r.resources, T.policy), ...byKind(r.resources, T.datasource)]).toEqual([]);
  expect(await valueOf(r.component.contactPoints)).toEqual([]);
});

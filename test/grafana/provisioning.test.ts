/**
 * Grafana's file provisioning (pure builders): dashboards by folder, and alerting (template, mute
 * timing, contact points with credentials only as `$VAR` references, the policy tree), for dev and prod.
 */
import { parse, stringify } from "yaml";
import { defaultsFor } from "../helpers/mocks";
import { allDashboards, FOLDERS } from "../../dashboards";
import {
  alertingProvisioning,
  CONFIGMAP_MAX_BYTES,
  credentialEnvName,
  dashboardFiles,
  dashboardProviders,
  DASHBOARD_POLL_SECONDS,
  messageTemplate,
} from "../../components/grafana/provisioning";
import { buildContactPoints } from "../../components/grafana/content";

describe("dashboards", () => {
  test("one polled file provider per folder, reading the folder's mount, deletions followed", () => {
    const p = dashboardProviders(FOLDERS) as { providers: Record<string, any>[] };
    expect(p.providers.map((x) => [x.name, x.folder, x.folderUid, x.options.path])).toEqual([
      ["obs-platform", "Platform", "obs-platform", "/etc/grafana/dashboards/platform"],
      ["obs-applications", "Applications", "obs-applications", "/etc/grafana/dashboards/applications"],
      ["obs-business", "Business", "obs-business", "/etc/grafana/dashboards/business"],
      ["obs-observability", "Observability", "obs-observability", "/etc/grafana/dashboards/observability"],
    ]);
    for (const x of p.providers) {
      expect(x).toMatchObject({ type: "file", orgId: 1, disableDeletion: false, allowUiUpdates: false, updateIntervalSeconds: DASHBOARD_POLL_SECONDS });
    }
  });

  test("each dashboard is a <uid>.json file in its folder, holding the built model", () => {
    const dashboards = allDashboards();
    const files = dashboardFiles(dashboards, FOLDERS);
    expect(Object.keys(files.platform).sort()).toEqual(["obs-infrastructure.json", "obs-kubernetes.json", "obs-system-overview.json"]);
    expect(Object.keys(files.observability).sort()).toEqual(["obs-logs.json", "obs-stack-health.json", "obs-traces.json"]);
    for (const d of dashboards) expect(JSON.parse(files[d.folder][`${d.uid}.json`])).toEqual(d.json);
  });

  test("a folder with no dashboard still has a (empty) directory", () => {
    const files = dashboardFiles(allDashboards().filter((d) => d.folder !== "business"), FOLDERS);
    expect(files.business).toEqual({});
  });

  test("a duplicate uid, an unknown folder and an oversized folder are refused, named", () => {
    const [d] = allDashboards();
    expect(() => dashboardFiles([d, d], FOLDERS)).toThrow(`Grafana dashboards: two dashboards with uid "${d.uid}"`);
    expect(() => dashboardFiles([{ ...d, folder: "nowhere" as never }], FOLDERS)).toThrow(
      `Grafana dashboards: dashboard "${d.uid}" is in folder "nowhere", which is not one of platform, applications, business, observability`,
    );
    const huge = { ...d, json: { ...d.json, description: "x".repeat(CONFIGMAP_MAX_BYTES) } };
    expect(() => dashboardFiles([huge], FOLDERS)).toThrow(/folder "platform" holds \d+ bytes of dashboards; one ConfigMap allows at most 921600/);
  });
});

describe("alerting, dev defaults (every receiver off)", () => {
  const { file, credentials } = alertingProvisioning({ environment: "dev", alerting: defaultsFor("dev").cfg.alerting });

  test("template and mute timing only: no contact point and no tree, so Grafana keeps its default policy", () => {
    expect(Object.keys(file).sort()).toEqual(["apiVersion", "muteTimes", "templates"]);
    expect(credentials).toEqual({});
    expect(file.templates).toEqual([{ orgId: 1, name: "observability-stack", template: messageTemplate("dev") }]);
    expect(file.muteTimes).toEqual([
      { orgId: 1, name: "maintenance-window", time_intervals: [{ times: [{ start_time: "02:00", end_time: "04:00" }], weekdays: ["sunday"], location: "UTC" }] },
    ]);
  });
});

describe("alerting, prod defaults (PagerDuty, Slack, e-mail)", () => {
  const alerting = defaultsFor("prod").cfg.alerting;
  const { file, credentials } = alertingProvisioning({ environment: "prod", alerting });
  const cps = file.contactPoints as { name: string; receivers: { uid: string; type: string; settings: Record<string, unknown> }[] }[];

  test("a contact point per role, credentials as $VAR references to environment variables", () => {
    expect(cps.map((c) => [c.name, c.receivers.map((r) => r.uid)])).toEqual([
      ["critical", ["critical-pagerduty", "critical-slack", "critical-email"]],
      ["warning", ["warning-slack"]],
      ["info", ["info-slack"]],
      ["education-team", ["education-email"]],
    ]);
    const critical = cps[0].receivers;
    expect(critical[0].settings).toMatchObject({ integrationKey: "$CONTACT_POINT_PAGERDUTY_ROUTING_KEY", severity: "critical" });
    expect(critical[1].settings).toMatchObject({ url: "$CONTACT_POINT_SLACK_WEBHOOK_URL", recipient: "#alerts-critical" });
    expect(critical[2].settings).toMatchObject({ addresses: "oncall@platform.internal", singleEmail: true });
    expect(credentials).toEqual({ CONTACT_POINT_PAGERDUTY_ROUTING_KEY: "pagerdutyRoutingKey", CONTACT_POINT_SLACK_WEBHOOK_URL: "slackWebhookUrl" });
  });

  test("no other value contains a `$` Grafana would expand", () => {
    const refs = new Set(Object.keys(credentials).map((e) => `$${e}`));
    const walk = (v: unknown): string[] =>
      typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(walk) : v && typeof v === "object" ? Object.values(v).flatMap(walk) : [];
    expect(walk(file).filter((s) => s.includes("$") && !refs.has(s))).toEqual([]);
  });

  test("the policy tree mirrors Alertmanager's routes; warning and info muted in the window, critical never", () => {
    const [tree] = file.policies as Record<string, any>[];
    expect(tree).toMatchObject({ orgId: 1, receiver: "info", group_by: ["alertname", "service", "severity"] });
    expect(tree.routes.map((r: any) => [r.receiver, r.object_matchers, r.mute_time_intervals ?? [], r.continue ?? false])).toEqual([
      ["education-team", [["category", "=", "educational"]], [], true],
      ["critical", [["severity", "=", "critical"]], [], false],
      ["warning", [["severity", "=", "warning"]], ["maintenance-window"], false],
      ["info", [["severity", "=", "info"]], ["maintenance-window"], false],
    ]);
  });

  test("the file and the API resources come from the same specs", () => {
    const api = buildContactPoints(alerting, { slackWebhookUrl: "S", pagerdutyRoutingKey: "P" });
    expect(Object.values(api).map((c) => c!.name)).toEqual(cps.map((c) => c.name));
    expect((api.critical!.emails as any[])[0].addresses).toEqual(["oncall@platform.internal"]);
  });

  test("serialises to YAML that reads back the same", () => {
    expect(parse(stringify(file))).toEqual(file);
  });

  test("environment variable names", () => {
    expect(credentialEnvName("slackWebhookUrl")).toBe("CONTACT_POINT_SLACK_WEBHOOK_URL");
    expect(credentialEnvName("webhookUrl")).toBe("CONTACT_POINT_WEBHOOK_URL");
  });
});

/**
 * alertmanager.yml: the pure builder's output, `amtool check-config`, and `amtool config routes test`
 * for every alert the rules define, in dev and prod and the receiver combinations in between.
 */
import { execFile } from "child_process";
import { rmSync, writeFileSync } from "fs";
import { join } from "path";
import { promisify } from "util";
import { stringify } from "yaml";
import type { DeepPartial, StackConfig } from "../../components/config";
import { RECEIVERS, buildAlertmanagerConfig } from "../../components/alerting/alertmanager";
import { alertDefinitions } from "../../components/alerting/rules";
import { FAKE_SECRETS, run, scratchDir, stackConfig, tool } from "./helpers";

const execFileAsync = promisify(execFile);
const dir = scratchDir("alerting-am");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Variant = { name: string; env: "dev" | "prod"; overrides?: DeepPartial<StackConfig> };
const VARIANTS: Variant[] = [
  { name: "dev", env: "dev" },
  { name: "prod", env: "prod" },
  { name: "dev-webhook", env: "dev", overrides: { alerting: { receivers: { webhook: { enabled: true } } } } },
  { name: "prod-webhook", env: "prod", overrides: { alerting: { receivers: { webhook: { enabled: true } } } } },
  {
    name: "prod-no-dms-smtp-auth",
    env: "prod",
    overrides: { alerting: { receivers: { deadMansSwitch: { enabled: false }, email: { smtpAuthUsername: "alerts" } } } },
  },
];

function build(v: Variant): Record<string, any> {
  return buildAlertmanagerConfig(stackConfig(v.env, v.overrides), FAKE_SECRETS) as Record<string, any>;
}

function writeConfig(v: Variant): string {
  const file = join(dir, `${v.name}.yml`);
  writeFileSync(file, stringify(build(v)));
  return file;
}

const receiverNames = (c: Record<string, any>) => (c.receivers as { name: string }[]).map((r) => r.name);
function receiver(c: Record<string, any>, name: string): Record<string, any> {
  const r = (c.receivers as Record<string, any>[]).find((x) => x.name === name);
  if (!r) throw new Error(`no receiver ${name} in ${receiverNames(c).join(", ")}`);
  return r;
}

describe("buildAlertmanagerConfig", () => {
  it("dev with every receiver off: one receiver without integrations, everything routed to it", () => {
    const c = build(VARIANTS[0]);
    expect(c.receivers).toEqual([{ name: "null" }]);
    expect(c.route.receiver).toBe("null");
    expect(c.route.routes).toEqual([
      { receiver: "null", matchers: ['alertname="Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "5m" },
    ]);
    expect(c.global).toEqual({ resolve_timeout: "5m" });
  });

  it("needs no secret when nothing is enabled", () => {
    expect(() => buildAlertmanagerConfig(stackConfig("dev"), {})).not.toThrow();
  });

  it("prod: PagerDuty, Slack #alerts-critical and on-call e-mail for critical; Slack #alerts-warning for warning", () => {
    const c = build(VARIANTS[1]);
    expect(receiverNames(c)).toEqual(["null", "deadmansswitch", "education-team", "critical", "warning", "info"]);
    const critical = receiver(c, "critical");
    expect(critical.pagerduty_configs).toEqual([
      expect.objectContaining({ routing_key: FAKE_SECRETS.pagerdutyRoutingKey, severity: "critical", send_resolved: true }),
    ]);
    expect(critical.slack_configs).toEqual([expect.objectContaining({ api_url: FAKE_SECRETS.slackWebhookUrl, channel: "#alerts-critical" })]);
    expect(critical.email_configs).toEqual([expect.objectContaining({ to: "oncall@platform.internal" })]);
    expect(critical.webhook_configs).toBeUndefined();
    expect(receiver(c, "warning")).toEqual({ name: "warning", slack_configs: [expect.objectContaining({ channel: "#alerts-warning" })] });
    expect(receiver(c, "info")).toEqual({ name: "info", slack_configs: [expect.objectContaining({ channel: "#alerts-info" })] });
    expect(receiver(c, "education-team")).toEqual({ name: "education-team", email_configs: [expect.objectContaining({ to: "education-team@platform.internal" })] });
    expect(receiver(c, "deadmansswitch")).toEqual({ name: "deadmansswitch", webhook_configs: [{ url: FAKE_SECRETS.deadMansSwitchUrl, send_resolved: false }] });
    expect(c.global).toEqual({ resolve_timeout: "5m", smtp_smarthost: "smtp.platform.internal:587", smtp_from: "alertmanager@platform.internal", smtp_require_tls: true });
  });

  it("groups by alertname, service and severity, with per-severity repeat intervals from config", () => {
    const c = build(VARIANTS[1]);
    expect(c.route).toMatchObject({ group_by: ["alertname", "service", "severity"], group_wait: "30s", group_interval: "5m" });
    const by = (m: string) => c.route.routes.find((r: { matchers: string[] }) => r.matchers[0] === m);
    expect(by('severity="critical"')).toMatchObject({ group_wait: "1s", repeat_interval: "1h" });
    expect(by('severity="warning"')).toMatchObject({ repeat_interval: "4h" });
    expect(by('severity="info"')).toMatchObject({ group_interval: "30m", repeat_interval: "24h" });
    expect(by('category="educational"')).toMatchObject({ continue: true });
    expect(c.route.routes[0]).toMatchObject({ matchers: ['alertname="Watchdog"'], receiver: "deadmansswitch" });
    expect(c.route.routes[0].continue).toBeUndefined();
  });

  it("inhibits lower tiers of the same alert and subject, and ServiceDown's symptoms", () => {
    expect(build(VARIANTS[1]).inhibit_rules).toEqual([
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity=~"warning|info"'],
        equal: ["alertname", "namespace", "service", "instance", "mountpoint"],
      },
      { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: ["alertname", "namespace", "service", "instance", "mountpoint"] },
      { source_matchers: ['alertname="ServiceDown"'], target_matchers: ['alertname=~"HighErrorRate|HighResponseTime"'], equal: ["namespace", "service"] },
    ]);
  });

  it("the inhibited alert names exist in the rules", () => {
    const names = new Set(Object.values(alertDefinitions(stackConfig("prod"))).flat().map((d) => d.alert));
    for (const n of ["ServiceDown", "HighErrorRate", "HighResponseTime"]) expect(names).toContain(n);
  });

  it("SMTP auth password comes from the secret only when a username is set", () => {
    const c = build(VARIANTS[4]);
    expect(c.global).toMatchObject({ smtp_auth_username: "alerts", smtp_auth_password: FAKE_SECRETS.smtpPassword });
    expect(build(VARIANTS[1]).global.smtp_auth_password).toBeUndefined();
  });

  it("with every receiver on, the webhook joins critical, warning and info but not the education team or the dead man's switch", () => {
    const c = build(VARIANTS[3]);
    expect(receiver(c, "critical").webhook_configs).toEqual([{ url: FAKE_SECRETS.webhookUrl, send_resolved: true }]);
    expect(receiver(c, "warning").webhook_configs).toEqual([{ url: FAKE_SECRETS.webhookUrl, send_resolved: true }]);
    expect(receiver(c, "info").webhook_configs).toEqual([{ url: FAKE_SECRETS.webhookUrl, send_resolved: true }]);
    expect(receiver(c, "education-team").webhook_configs).toBeUndefined();
    expect(receiver(c, "deadmansswitch").webhook_configs).toEqual([{ url: FAKE_SECRETS.deadMansSwitchUrl, send_resolved: false }]);
  });

  it("an enabled receiver without its secret is an error naming the key", () => {
    const { slackWebhookUrl: _omit, ...rest } = FAKE_SECRETS;
    expect(() => buildAlertmanagerConfig(stackConfig("prod"), rest)).toThrow(
      "alertmanager: alerting.receivers.slack is enabled but the secret slackWebhookUrl has no value",
    );
  });

  it("secret values appear only where their integration needs them", () => {
    const text = stringify(build(VARIANTS[2]));
    expect(text.split(FAKE_SECRETS.webhookUrl).length - 1).toBe(3); // critical, warning, info
    for (const k of ["slackWebhookUrl", "pagerdutyRoutingKey", "smtpPassword", "deadMansSwitchUrl", "grafanaToken"] as const) {
      expect(text).not.toContain(FAKE_SECRETS[k]);
    }
  });
});

describe("amtool", () => {
  const amtool = () => tool("amtool");
  const files = Object.fromEntries(VARIANTS.map((v) => [v.name, writeConfig(v)]));

  it.each(VARIANTS.map((v) => v.name))("check-config accepts the %s config", (name) => {
    const out = run(amtool(), ["check-config", files[name]]);
    expect(out).toContain("SUCCESS");
  });

  /**
   * The routing spec, written independently of the builder: for each configuration, which receivers
   * an alert with these labels reaches (in route order).
   */
  const SPEC: Record<string, (l: { alertname: string; severity: string; category: string }) => string[]> = {
    dev: () => ["null"],
    prod: (l) =>
      l.alertname === "Watchdog" ? ["deadmansswitch"] : [...(l.category === "educational" ? ["education-team"] : []), l.severity],
    "dev-webhook": (l) => (l.alertname === "Watchdog" ? ["null"] : [l.severity]),
    "prod-webhook": (l) =>
      l.alertname === "Watchdog" ? ["deadmansswitch"] : [...(l.category === "educational" ? ["education-team"] : []), l.severity],
    "prod-no-dms-smtp-auth": (l) =>
      l.alertname === "Watchdog" ? ["null"] : [...(l.category === "educational" ? ["education-team"] : []), l.severity],
  };

  /**
   * Every (severity, category) the rules use, once with each alert name that has a route of its own
   * (Watchdog) — one amtool run per distinct label set keeps this under a second.
   */
  const alerts = [
    ...new Map(
      Object.values(alertDefinitions(stackConfig("prod")))
        .flat()
        .map((d) => ({ alertname: d.alert, severity: d.labels.severity, category: d.labels.category }))
        .map((a) => [`${a.alertname === "Watchdog" ? "Watchdog" : ""}/${a.severity}/${a.category}`, a] as const),
    ).values(),
  ];
  const cases = VARIANTS.flatMap((v) => alerts.map((a) => ({ variant: v.name, labels: a, expected: SPEC[v.name](a) })));

  async function routesTest(file: string, labels: Record<string, string>): Promise<string[]> {
    const args = ["config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    try {
      const { stdout } = await execFileAsync(amtool(), args);
      return stdout.trim().split(",");
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`amtool ${args.join(" ")} failed\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    }
  }

  it(`routes every (alertname, severity, category) of the rules to the expected receivers (${cases.length} cases)`, async () => {
    const got = await Promise.all(cases.map((c) => routesTest(files[c.variant], c.labels)));
    const mismatches = cases
      .map((c, i) => ({ ...c, got: got[i] }))
      .filter((c) => c.got.join(",") !== c.expected.join(","))
      .map((c) => `${c.variant} ${JSON.stringify(c.labels)}: expected ${c.expected.join(",")}, amtool says ${c.got.join(",")}`);
    expect(mismatches).toEqual([]);
  });

  it.each([
    ["prod", { alertname: "HighErrorRate", severity: "critical", category: "application", service: "checkout" }, ["critical"]],
    ["prod", { alertname: "HighErrorRate", severity: "warning", category: "application", service: "checkout" }, ["warning"]],
    ["prod", { alertname: "HighStudentDropout", severity: "critical", category: "educational" }, ["education-team", "critical"]],
    ["prod", { alertname: "LowCompletionRate", severity: "warning", category: "educational" }, ["education-team", "warning"]],
    ["prod", { alertname: "SomethingNew", severity: "info", category: "business" }, ["info"]],
    // SLO burn alerts: the page routes as critical, the ticket as warning.
    ["prod", { alertname: "AvailabilityErrorBudgetBurn", severity: "critical", category: "availability", service: "example-api", slo: "availability" }, ["critical"]],
    ["prod", { alertname: "LatencyErrorBudgetBurn", severity: "warning", category: "application", service: "example-api", slo: "latency" }, ["warning"]],
    ["prod", { alertname: "Watchdog", severity: "info", category: "observability" }, ["deadmansswitch"]],
    ["prod", { alertname: "NoSeverity" }, ["null"]],
    ["dev", { alertname: "ServiceDown", severity: "critical", category: "availability" }, ["null"]],
    ["dev", { alertname: "Watchdog", severity: "info", category: "observability" }, ["null"]],
    ["dev-webhook", { alertname: "ServiceDown", severity: "critical", category: "availability" }, ["critical"]],
    ["dev-webhook", { alertname: "HighStudentDropout", severity: "critical", category: "educational" }, ["critical"]],
    ["dev-webhook", { alertname: "Watchdog", severity: "info", category: "observability" }, ["null"]],
    ["prod-no-dms-smtp-auth", { alertname: "Watchdog", severity: "info", category: "observability" }, ["null"]],
  ] as const)("%s: %j reaches %j", async (variant, labels, expected) => {
    expect(await routesTest(files[variant], labels)).toEqual(expected);
  });

  it("every notification template in the config renders (amtool template render with its example alerts)", () => {
    const templates = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === "string" && v.includes("{{")) templates.add(v);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(build(VARIANTS[3]));
    expect(templates.size).toBeGreaterThanOrEqual(4); // Slack title and text, e-mail subject, PagerDuty description
    const glob = join(dir, "none.tmpl");
    writeFileSync(glob, "");
    for (const text of templates) run(amtool(), ["template", "render", `--template.glob=${glob}`, `--template.text=${text}`]);
  });

  it("the receivers every branch names exist", () => {
    for (const v of VARIANTS) {
      const c = build(v);
      const names = new Set(receiverNames(c));
      for (const r of [c.route, ...c.route.routes]) expect(names).toContain(r.receiver);
      expect(Object.values(RECEIVERS)).toEqual(expect.arrayContaining([...names]));
    }
  });
});

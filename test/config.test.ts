import { ConfigError, DEFAULTS, RawConfig, deepMerge, loadConfig, requiredSecrets } from "../components/config";
import { PROD_AWS, PROD_SECRETS } from "./helpers/mocks";

const prodSecrets = new Set(Object.keys(PROD_SECRETS));

function raw(stack: string, values: Record<string, unknown> = {}, secrets: Iterable<string> = [], plain: Iterable<string> = []): RawConfig {
  return { stack, values, secretsSet: new Set(secrets), secretsInPlainText: new Set(plain) };
}

function prodRaw(values: Record<string, unknown> = {}) {
  return raw("prod", { aws: PROD_AWS, ...values }, prodSecrets);
}

/** The problems of a config that must fail. */
function problems(r: RawConfig): string[] {
  try {
    loadConfig(r);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

describe("loadConfig: per-environment defaults", () => {
  it("dev is one small replica with short retention", () => {
    const c = loadConfig(raw("dev"));
    expect(c.environment).toBe("dev");
    expect(c.prometheus.replicas).toBe(1);
    expect(c.prometheus.retentionDays).toBe(7);
    expect(c.alertmanager.replicas).toBe(1);
    expect(c.elasticsearch.replicas).toBe(1);
    expect(c.loki.retentionDays).toBe(7);
    expect(c.jaeger.storage).toBe("badger");
    expect(c.persistence).toEqual({ enabled: false, protect: false });
    expect(c.elasticsearch.kibana.enabled).toBe(false);
    expect(c.aws.enabled).toBe(false);
  });

  it("prod is HA with longer retention and the seeds' compliance tiers", () => {
    const c = loadConfig(prodRaw());
    expect(c.prometheus.replicas).toBe(2);
    expect(c.prometheus.retentionDays).toBe(30);
    expect(c.alertmanager.replicas).toBe(3);
    expect(c.elasticsearch.replicas).toBe(3);
    expect(c.loki.retentionDays).toBe(30);
    expect(c.jaeger.samplingRate).toBe(0.1);
    expect(c.jaeger.storage).toBe("elasticsearch");
    expect(c.persistence).toEqual({ enabled: true, protect: true });
    expect(c.elasticsearch.logClasses.audit.deleteAfterDays).toBe(2555);
    expect(c.elasticsearch.logClasses.security.deleteAfterDays).toBe(2555);
    expect(c.elasticsearch.logClasses.application.deleteAfterDays).toBe(365);
    expect(c.elasticsearch.logClasses.audit.rolloverMaxAgeDays).toBe(30);
    expect(c.elasticsearch.kibana.enabled).toBe(true);
  });

  it("a stack file overrides only what it names", () => {
    const c = loadConfig(raw("dev", { prometheus: { retentionDays: 14 }, loki: { storageGi: 20 } }));
    expect(c.prometheus.retentionDays).toBe(14);
    expect(c.prometheus.replicas).toBe(DEFAULTS.dev.prometheus.replicas);
    expect(c.loki.storageGi).toBe(20);
    expect(c.loki.retentionDays).toBe(DEFAULTS.dev.loki.retentionDays);
  });

  it("a stack not named after an environment takes the environment from config", () => {
    const c = loadConfig(raw("staging-eu", { environment: "dev", clusterName: "staging-eu" }));
    expect(c.environment).toBe("dev");
    expect(c.clusterName).toBe("staging-eu");
  });

  it("lists the secrets each environment's receivers need", () => {
    expect(requiredSecrets(loadConfig(raw("dev")))).toEqual([]);
    expect(requiredSecrets(loadConfig(prodRaw())).sort()).toEqual(["deadMansSwitchUrl", "pagerdutyRoutingKey", "slackWebhookUrl"]);
    const withSmtpAuth = loadConfig(prodRaw({ alerting: { receivers: { email: { smtpAuthUsername: "alerts" } } } }));
    expect(requiredSecrets(withSmtpAuth)).toContain("smtpPassword");
  });

  it("deepMerge replaces arrays and merges objects", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } });
  });
});

describe("loadConfig: bad configs fail before anything is created, naming the key and what is allowed", () => {
  const table: [string, RawConfig, string][] = [
    [
      "unknown top-level key",
      raw("dev", { prometheus_retention: 3 }),
      "observability-stack:prometheus_retention: unknown key; allowed keys: environment, namespace",
    ],
    [
      "unknown nested key",
      raw("dev", { loki: { retention: "30d" } }),
      "observability-stack:loki.retention: unknown key; allowed keys of observability-stack:loki: retentionDays, storageGi, ingestionRateMb, resources",
    ],
    ["wrong type", raw("dev", { prometheus: { retentionDays: "30d" } }), 'observability-stack:prometheus.retentionDays: "30d" is not a number'],
    ["retention above range", raw("dev", { prometheus: { retentionDays: 400 } }), "observability-stack:prometheus.retentionDays: 400 is too large; allowed: <= 365"],
    ["retention zero", raw("dev", { loki: { retentionDays: 0 } }), "observability-stack:loki.retentionDays: 0 is too small; allowed: >= 1"],
    ["zero replicas", raw("dev", { alertmanager: { replicas: 0 } }), "observability-stack:alertmanager.replicas: 0 is too small; allowed: >= 1"],
    ["negative replicas", raw("dev", { prometheus: { replicas: -2 } }), "observability-stack:prometheus.replicas: -2 is too small; allowed: >= 1"],
    ["fractional replicas", raw("dev", { prometheus: { replicas: 1.5 } }), "observability-stack:prometheus.replicas: 1.5 is not an integer"],
    [
      "prod without persistence",
      prodRaw({ persistence: { enabled: false } }),
      "observability-stack:persistence.enabled: false is not allowed in prod; stateful components need persistent volumes (allowed: true)",
    ],
    [
      "missing required secret",
      raw("prod", { aws: PROD_AWS }, ["slackWebhookUrl", "deadMansSwitchUrl"]),
      "observability-stack:pagerdutyRoutingKey: missing secret (PagerDuty Events v2 routing key for critical alerts); set it with `pulumi config set --secret pagerdutyRoutingKey <value>`",
    ],
    [
      "secret in plain text",
      raw("prod", { aws: PROD_AWS }, prodSecrets, ["slackWebhookUrl"]),
      "observability-stack:slackWebhookUrl: stored in plain text; it is a secret, set it with `pulumi config set --secret slackWebhookUrl <value>`",
    ],
    ["unknown environment", raw("dev", { environment: "qa" }), 'observability-stack:environment: "qa" is not allowed; allowed values: dev, prod'],
    [
      "stack name is no environment and none set",
      raw("staging"),
      'observability-stack:environment: missing; stack "staging" is not named after an environment, so set it; allowed values: dev, prod',
    ],
    ["bad enum", raw("dev", { jaeger: { storage: "cassandra" } }), 'observability-stack:jaeger.storage: "cassandra" is not allowed; allowed values: "memory", "badger", "elasticsearch"'],
    ["sampling above 1", raw("dev", { jaeger: { samplingRate: 1.5 } }), "observability-stack:jaeger.samplingRate: 1.5 is too large; allowed: <= 1"],
    [
      "even Elasticsearch masters",
      prodRaw({ elasticsearch: { replicas: 2 } }),
      "observability-stack:elasticsearch.replicas: 2 master-eligible nodes cannot form a safe quorum; allowed: 1 or an odd number >= 3",
    ],
    [
      "heap over half the memory limit",
      raw("dev", { elasticsearch: { heapMi: 1024 } }),
      "observability-stack:elasticsearch.heapMi: 1024 is more than half the memory limit (1Gi); allowed: <= 512",
    ],
    [
      "retention size not below the volume",
      raw("dev", { prometheus: { retentionSizeGi: 10 } }),
      "observability-stack:prometheus.retentionSizeGi: 10 must be smaller than prometheus.storageGi (10) to leave room for the WAL; allowed: < 10",
    ],
    [
      "request above limit",
      raw("dev", { loki: { resources: { requests: { cpu: "2", memory: "256Mi" } } } }),
      'observability-stack:loki.resources.requests.cpu: "2" exceeds the limit "500m"; allowed: <= limits.cpu',
    ],
    ["bad memory quantity", raw("dev", { grafana: { resources: { limits: { cpu: "1", memory: "1GB" } } } }), 'observability-stack:grafana.resources.limits.memory: "1GB" is not a memory quantity like "512Mi" or "2Gi"'],
    [
      "phases out of order",
      raw("dev", { elasticsearch: { logClasses: { audit: { warmAfterDays: 5, coldAfterDays: 3, deleteAfterDays: 7 } } } }),
      "observability-stack:elasticsearch.logClasses.audit.deleteAfterDays: 7: phases must be increasing: warmAfterDays (5) < coldAfterDays (3) < deleteAfterDays (7)",
    ],
    [
      "external Grafana without URL",
      raw("dev", { grafana: { deploy: false } }, ["grafanaToken"]),
      "observability-stack:grafana.url: missing; required when grafana.deploy is false (the external Grafana to manage)",
    ],
    [
      "bad static target",
      raw("dev", { prometheus: { staticTargets: [{ job: "db", targets: ["postgres-exporter"] }] } }),
      'observability-stack:prometheus.staticTargets[0].targets[0]: "postgres-exporter" is not a "host:port" target',
    ],
    [
      "static job clashing with the stack's own",
      raw("dev", { prometheus: { staticTargets: [{ job: "loki", targets: ["10.0.0.1:3100"] }] } }),
      'observability-stack:prometheus.staticTargets[0].job: "loki" is already a scrape job; allowed: a name other than node-exporter, prometheus',
    ],
  ];

  it.each(table)("%s", (_label, input, expected) => {
    const found = problems(input);
    expect(found.join("\n")).toContain(expected);
  });

  it("reports every problem at once, not the first only", () => {
    const found = problems(raw("dev", { prometheus: { retentionDays: 0, replicas: 0 } }));
    expect(found).toHaveLength(2);
  });

  it("never echoes a secret value", () => {
    const e = (() => {
      try {
        loadConfig(raw("prod", { aws: PROD_AWS }, [], ["slackWebhookUrl"]));
      } catch (err) {
        return err as Error;
      }
      throw new Error("expected failure");
    })();
    for (const v of Object.values(PROD_SECRETS)) expect(e.message).not.toContain(v);
  });
});

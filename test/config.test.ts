import { ConfigError, DEFAULTS, RawConfig, deepMerge, loadConfig, requiredSecrets } from "../components/config";
import { ignoredKeys } from "../components/config/ignored-keys";
import { PROD_ADDRESSES, PROD_AWS, PROD_SECRETS, prodRaw } from "./helpers/mocks";

const prodSecrets = new Set(Object.keys(PROD_SECRETS));

function raw(stack: string, values: Record<string, unknown> = {}, secrets: Iterable<string> = [], plain: Iterable<string> = [], otherKeys: string[] = []): RawConfig {
  return { stack, values, secretsSet: new Set(secrets), secretsInPlainText: new Set(plain), otherKeys };
}

/** prod with one e-mail field changed. */
const prodEmail = (email: Record<string, unknown>) => prodRaw({ alerting: { receivers: { email } } });

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

  it("no address has a placeholder default: prod has none, dev's runbook base is under .invalid", () => {
    expect(DEFAULTS.prod.runbookBaseUrl).toBeUndefined();
    for (const env of ["dev", "prod"] as const) {
      const email = DEFAULTS[env].alerting.receivers.email;
      expect([email.smarthost, email.from, email.onCallTo, email.educationTeamTo]).toEqual([undefined, undefined, undefined, undefined]);
    }
    expect(DEFAULTS.dev.runbookBaseUrl).toBe("https://runbooks.invalid/observability");
    expect(JSON.stringify(DEFAULTS)).not.toMatch(/example\.(com|org|net)/);
  });

  it("numeric-looking strings stay strings; numbers given as text become numbers", () => {
    // YAML's `costCenter: 4711` and `clusterName: 2024` arrive as numbers inside structured config.
    const c = loadConfig(raw("dev", { costCenter: 4711, clusterName: 2024, team: "007", prometheus: { retentionDays: "15" } }));
    expect(c.costCenter).toBe("4711");
    expect(c.clusterName).toBe("2024");
    expect(c.team).toBe("007");
    expect(c.prometheus.retentionDays).toBe(15);
    expect(problems(raw("dev", { prometheus: { retentionDays: "15d" } }))).toEqual(['observability-stack:prometheus.retentionDays: "15d" is not a number']);
  });

  it("prod with its addresses, secrets and AWS settings loads; a provider key with a stack counterpart would not", () => {
    const c = loadConfig(prodRaw());
    expect(c.runbookBaseUrl).toBe("https://runbooks.platform.internal/observability");
    expect(c.alerting.receivers.email).toMatchObject({ enabled: true, smarthost: "smtp.platform.internal:587", onCallTo: "oncall@platform.internal" });
    expect(() => loadConfig(prodRaw({}, ["aws:region"]))).toThrow(ConfigError);
  });

  it("keys of namespaces nothing reads are a warning naming what the stack reads, not an error", () => {
    const keys = ["gcp:project", "aws:profile", "kubernetes:context", "pulumi:tags"];
    expect(loadConfig(raw("dev", {}, [], [], keys)).environment).toBe("dev");
    expect(ignoredKeys(keys, "observability-stack")).toEqual({
      errors: [],
      warnings: [
        'gcp:project: ignored, no part of the stack reads namespace "gcp"; the stack reads observability-stack:* (and kubernetes:* for the cluster connection)',
        "aws:profile: ignored, the stack does not read it: the stack builds its AWS provider from observability-stack:aws.* and takes credentials from the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)",
      ],
    });
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
      "observability-stack:loki.retention: unknown key; did you mean observability-stack:loki.retentionDays?; allowed keys of observability-stack:loki: mode, retentionDays, storageGi, estimatedGiPerDay, ingestionRateMb, resources, replicationFactor, write, read, backend, objectStore",
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
      "prod log retention above the pack's bound",
      prodRaw({ loki: { retentionDays: 1287 } }),
      "observability-stack:loki.retentionDays: 1287 is outside prod's log retention (allowed: 15 to 90 days, the loki-retention policy's bounds)",
    ],
    [
      "prod log retention below the pack's bound",
      prodRaw({ loki: { retentionDays: 7 } }),
      "observability-stack:loki.retentionDays: 7 is outside prod's log retention (allowed: 15 to 90 days, the loki-retention policy's bounds)",
    ],
    [
      "missing required secret",
      raw("prod", { aws: PROD_AWS, ...PROD_ADDRESSES }, ["slackWebhookUrl", "deadMansSwitchUrl"]),
      "observability-stack:pagerdutyRoutingKey: missing secret (PagerDuty Events v2 routing key for critical alerts); set it with `pulumi config set --secret pagerdutyRoutingKey <value>`",
    ],
    [
      "secret in plain text",
      raw("prod", { aws: PROD_AWS, ...PROD_ADDRESSES }, prodSecrets, ["slackWebhookUrl"]),
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
      "a Loki replication factor above its write replicas",
      prodRaw({ loki: { replicationFactor: 3, write: { replicas: 2 } } }),
      "observability-stack:loki.replicationFactor: 3 is more than observability-stack:loki.write.replicas (2): each copy of a stream needs its own write replica, so every push would fail; allowed: <= 2, or more write replicas",
    ],
    [
      "a scalable Loki without object storage",
      raw("dev", { loki: { mode: "scalable" } }),
      'observability-stack:loki.mode: "scalable" needs object storage shared by the write, read and backend targets, and there is none: aws.enabled is false and loki.objectStore is unset; allowed: "monolithic", or set aws.enabled true (the stack\'s S3 buckets), or loki.objectStore (an S3-compatible endpoint and its buckets)',
    ],
    [
      "a Loki object store beside the stack's S3 buckets",
      prodRaw({ loki: { objectStore: { endpoint: "objects.storage.internal:9000", region: "garage", chunksBucket: "obs-chunks", rulerBucket: "obs-ruler" } } }),
      "observability-stack:loki.objectStore: set while aws.enabled is true, which gives Loki the stack's S3 buckets; allowed: one of them (remove loki.objectStore, or set aws.enabled false)",
    ],
    [
      "a Loki object store endpoint with a scheme",
      raw("dev", { loki: { objectStore: { endpoint: "https://objects.storage.internal", region: "garage", chunksBucket: "obs-chunks", rulerBucket: "obs-ruler" } } }),
      'observability-stack:loki.objectStore.endpoint: "https://objects.storage.internal" is not a host[:port] without a scheme, e.g. "objects.storage.internal:443"',
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
    [
      "bad memory quantity",
      raw("dev", { grafana: { resources: { limits: { cpu: "1", memory: "1GB" } } } }),
      'observability-stack:grafana.resources.limits.memory: "1GB" is not a memory quantity from "16Mi" to "1Ti", like "512Mi" or "2Gi"',
    ],
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
    [
      "static job clashing with the Kubernetes jobs",
      raw("dev", { prometheus: { staticTargets: [{ job: "kubelet", targets: ["10.0.0.1:10250"] }, { job: "kube-state-metrics", targets: ["10.0.0.1:8080"] }] } }),
      'observability-stack:prometheus.staticTargets[0].job: "kubelet" is already a scrape job; allowed: a name other than node-exporter, prometheus, alertmanager, loki, elasticsearch, jaeger, fluent-bit, grafana, kubernetes-pods, kubernetes-services, kube-state-metrics, kubelet, cadvisor, apiserver',
    ],

    // Placeholders: no address has a default, and prod refuses reserved domains.
    [
      "prod without a runbook base URL",
      raw("prod", { aws: PROD_AWS, alerting: PROD_ADDRESSES.alerting }, prodSecrets),
      "observability-stack:runbookBaseUrl: missing; expected the http(s) base URL of your runbooks, e.g. https://runbooks.<your domain>/observability; prod has no default",
    ],
    [
      "prod e-mail receiver without its on-call address",
      raw("prod", { aws: PROD_AWS, runbookBaseUrl: PROD_ADDRESSES.runbookBaseUrl, alerting: { receivers: { email: { ...PROD_ADDRESSES.alerting.receivers.email, onCallTo: undefined } } } }, prodSecrets),
      "observability-stack:alerting.receivers.email.onCallTo: missing; required when alerting.receivers.email.enabled is true (the on-call address for critical alerts); there is no default",
    ],
    [
      "dev e-mail receiver switched on without a relay",
      raw("dev", { alerting: { receivers: { email: { enabled: true, from: "am@ops.test", onCallTo: "oncall@ops.test", educationTeamTo: "edu@ops.test" } } } }),
      'observability-stack:alerting.receivers.email.smarthost: missing; required when alerting.receivers.email.enabled is true (the SMTP relay as "host:port"); there is no default',
    ],
    [
      "prod runbooks on example.com",
      prodRaw({ runbookBaseUrl: "https://runbooks.example.com/observability" }),
      'observability-stack:runbookBaseUrl: "https://runbooks.example.com/observability" is under the reserved domain "example.com", which reaches no one; allowed in prod: a real address (not under example.com, example.net, example.org, example, test, invalid, localhost)',
    ],
    [
      "prod on-call address on example.org",
      prodEmail({ onCallTo: "oncall@example.org" }),
      'observability-stack:alerting.receivers.email.onCallTo: "oncall@example.org" is under the reserved domain "example.org", which reaches no one',
    ],
    ["prod education address under .test", prodEmail({ educationTeamTo: "edu@school.test" }), 'observability-stack:alerting.receivers.email.educationTeamTo: "edu@school.test" is under the reserved domain "test"'],
    ["prod SMTP relay on localhost", prodEmail({ smarthost: "localhost:25" }), 'observability-stack:alerting.receivers.email.smarthost: "localhost:25" is under the reserved domain "localhost"'],
    ["prod sender under .invalid", prodEmail({ from: "am@mail.invalid" }), 'observability-stack:alerting.receivers.email.from: "am@mail.invalid" is under the reserved domain "invalid"'],
    ["prod Grafana URL under .example", prodRaw({ grafana: { url: "https://grafana.corp.example" } }), 'observability-stack:grafana.url: "https://grafana.corp.example" is under the reserved domain "example"'],
    ["runbook base that is no http(s) URL", raw("dev", { runbookBaseUrl: "runbooks/observability" }), 'observability-stack:runbookBaseUrl: "runbooks/observability" is not an http(s) URL'],

    // Rule windows: the scrape interval is bounded so that every [5m] window holds four samples.
    ["scrape interval beyond a quarter of the shortest rule window", raw("dev", { prometheus: { scrapeIntervalSeconds: 76 } }), "observability-stack:prometheus.scrapeIntervalSeconds: 76 is too large; allowed: <= 75"],
    // ... and the evaluation interval so that a recorded series outlives one missed evaluation within the 5m lookback.
    ["evaluation interval at the 5m lookback", raw("dev", { prometheus: { evaluationIntervalSeconds: 300 } }), "observability-stack:prometheus.evaluationIntervalSeconds: 300 is too large; allowed: <= 120"],

    // Cron fields with their ranges.
    [
      "snapshot minute out of range",
      raw("dev", { aws: { snapshots: { schedule: "0 60 1 * * ?" } } }),
      'observability-stack:aws.snapshots.schedule: "0 60 1 * * ?": minutes field "60" is out of range; allowed: 0-59 (an Elasticsearch cron expression)',
    ],
    [
      "snapshot hour out of range",
      raw("dev", { aws: { snapshots: { schedule: "0 30 24 * * ?" } } }),
      'observability-stack:aws.snapshots.schedule: "0 30 24 * * ?": hours field "24" is out of range; allowed: 0-23 (an Elasticsearch cron expression)',
    ],
    [
      "snapshot month out of range",
      raw("dev", { aws: { snapshots: { schedule: "0 30 1 ? 13 MON" } } }),
      'observability-stack:aws.snapshots.schedule: "0 30 1 ? 13 MON": month field "13" is out of range; allowed: 1-12 or JAN-DEC (an Elasticsearch cron expression)',
    ],
    [
      "snapshot naming day of month and day of week",
      raw("dev", { aws: { snapshots: { schedule: "0 30 1 1 * MON" } } }),
      'observability-stack:aws.snapshots.schedule: "0 30 1 1 * MON": day-of-month "1" and day-of-week "MON": exactly one of them must be ?',
    ],
    [
      "snapshot schedule of five fields (a crontab line)",
      raw("dev", { aws: { snapshots: { schedule: "30 1 * * *" } } }),
      'observability-stack:aws.snapshots.schedule: "30 1 * * *": has 5 fields; allowed: 6 or 7',
    ],

    // Quantities: positive, plausible, limit >= request.
    [
      "zero CPU request (a BestEffort pod)",
      raw("dev", { loki: { resources: { requests: { cpu: "0" } } } }),
      'observability-stack:loki.resources.requests.cpu: "0": outside the plausible range; allowed: a CPU quantity from "1m" to "128" (cores), like "250m" or "1"',
    ],
    [
      "zero memory limit",
      raw("dev", { jaeger: { resources: { limits: { memory: "0Mi" } } } }),
      'observability-stack:jaeger.resources.limits.memory: "0Mi": outside the plausible range; allowed: a memory quantity from "16Mi" to "1Ti", like "512Mi" or "2Gi"',
    ],
    [
      "memory limit larger than any node",
      raw("dev", { prometheus: { resources: { limits: { memory: "4Ti" } } } }),
      'observability-stack:prometheus.resources.limits.memory: "4Ti": outside the plausible range; allowed: a memory quantity from "16Mi" to "1Ti"',
    ],
    [
      "CPU limit larger than any node",
      raw("dev", { grafana: { resources: { limits: { cpu: "500" } } } }),
      'observability-stack:grafana.resources.limits.cpu: "500": outside the plausible range; allowed: a CPU quantity from "1m" to "128" (cores)',
    ],
    [
      "memory request above limit (Kibana)",
      raw("dev", { elasticsearch: { kibana: { resources: { requests: { cpu: "100m", memory: "2Gi" } } } } }),
      'observability-stack:elasticsearch.kibana.resources.requests.memory: "2Gi" exceeds the limit "1Gi"; allowed: <= limits.memory',
    ],

    // Kubernetes names.
    [
      "storage class that is no Kubernetes name",
      raw("dev", { storageClassName: "Fast_SSD" }),
      'observability-stack:storageClassName: "Fast_SSD" is not an RFC 1123 subdomain (lower-case letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit)',
    ],
    ["namespace with upper case", raw("dev", { namespace: "Observability" }), 'observability-stack:namespace: "Observability" is not an RFC 1123 label'],

    // Storage against retention × the daily estimate, with the numbers.
    [
      "seven years of audit logs on 10 GiB",
      raw("dev", { elasticsearch: { logClasses: { audit: { rolloverMaxAgeDays: 30, warmAfterDays: 30, coldAfterDays: 90, deleteAfterDays: 2555 } } } }),
      "observability-stack:elasticsearch.storageGi: 10 is too small for the configured retention: (application 0.1 GiB/day × 7 days + audit 0.1 GiB/day × 2555 days + security 0.1 GiB/day × 7 days) = 256.9 GiB, " +
        "but 1 node(s) × 10 GiB × 85% (low disk watermark) = 8.5 GiB; allowed: >= 303, or shorter deleteAfterDays, or lower estimatedGiPerDay if the estimate is too high",
    ],
    [
      "prod application logs at 2 GiB/day on the default volumes, with replicas and Jaeger's traces",
      prodRaw({ elasticsearch: { logClasses: { application: { estimatedGiPerDay: 2 } } } }),
      "observability-stack:elasticsearch.storageGi: 180 is too small for the configured retention: (application 2 GiB/day × 365 days + audit 0.02 GiB/day × 2555 days + security 0.02 GiB/day × 2555 days + jaeger traces 1.7 GiB/day × 7 days) × 2 copies = 1688.2 GiB, " +
        "but 3 node(s) × 180 GiB × 85% (low disk watermark) = 459 GiB; allowed: >= 663",
    ],
    [
      "Loki on its volume for longer than it holds",
      raw("dev", { loki: { retentionDays: 90 } }),
      "observability-stack:loki.storageGi: 10 is too small for the configured retention on the filesystem store: 0.5 GiB/day × 90 days = 45 GiB, but 10 GiB × 80% = 8 GiB; allowed: >= 57, or a shorter loki.retentionDays, or a lower loki.estimatedGiPerDay",
    ],
    [
      "badger traces for longer than the volume holds",
      raw("dev", { jaeger: { retentionDays: 30 } }),
      "observability-stack:jaeger.storageGi: 5 is too small for the configured trace retention on badger: 0.5 GiB/day × 30 days = 15 GiB, but 5 GiB × 80% = 4 GiB; allowed: >= 19",
    ],
    [
      "Prometheus retention size below retention × daily growth",
      raw("dev", { prometheus: { retentionDays: 30 } }),
      "observability-stack:prometheus.retentionSizeGi: 8 cannot hold the configured retention: 0.5 GiB/day × 30 days = 15 GiB, so data would be deleted by size after about 16 days; allowed: >= 15",
    ],
    ["zero daily estimate", raw("dev", { loki: { estimatedGiPerDay: 0 } }), "observability-stack:loki.estimatedGiPerDay: 0 is too small; allowed: > 0"],

    // Ignored keys name the key the stack reads.
    [
      "misspelled project name",
      raw("dev", {}, [], [], ["observabilty-stack:prometheus.retentionDays"]),
      'observabilty-stack:prometheus.retentionDays: ignored, "observabilty-stack" is not this project\'s name; the stack reads observability-stack:prometheus.retentionDays',
    ],
    [
      "the AWS provider's region instead of the stack's",
      prodRaw({}, ["aws:region"]),
      "aws:region: ignored, the stack does not read it; set observability-stack:aws.region instead, and remove aws:region",
    ],
    [
      "the Grafana provider's URL instead of the stack's",
      raw("dev", {}, [], [], ["grafana:url"]),
      "grafana:url: ignored, the stack does not read it; set observability-stack:grafana.url instead, and remove grafana:url",
    ],
    [
      "a misspelled secret name",
      raw("dev", { slackWebhookURL: "x" }),
      "observability-stack:slackWebhookURL: unknown key; did you mean observability-stack:slackWebhookUrl?",
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

  it("reports schema, cross-field, missing-secret and ignored-key problems of one config together", () => {
    const found = problems(
      raw(
        "prod",
        {
          aws: PROD_AWS,
          ...PROD_ADDRESSES,
          prometheus: { retentionDays: 400 }, // schema
          elasticsearch: { replicas: 2 }, // cross-field
          runbookBaseUrl: "https://runbooks.example.com/x", // reserved domain in prod
        },
        ["slackWebhookUrl", "deadMansSwitchUrl"], // pagerdutyRoutingKey missing
        [],
        ["aws:region"],
      ),
    );
    expect(found.map((p) => p.split(":").slice(0, 2).join(":"))).toEqual([
      "aws:region",
      "observability-stack:prometheus.retentionDays",
      "observability-stack:elasticsearch.replicas",
      "observability-stack:runbookBaseUrl",
      "observability-stack:pagerdutyRoutingKey",
    ]);
  });

  it("a refused key silences only the cross-field rules that read it", () => {
    // The memory limit is malformed: heap-vs-limit and request-vs-limit of Elasticsearch cannot be judged,
    // but Loki's request above its limit still is.
    const found = problems(
      raw("dev", {
        elasticsearch: { resources: { limits: { memory: "lots" } } },
        loki: { resources: { requests: { cpu: "2" } } },
      }),
    );
    expect(found).toEqual([
      'observability-stack:elasticsearch.resources.limits.memory: "lots" is not a memory quantity from "16Mi" to "1Ti", like "512Mi" or "2Gi"',
      'observability-stack:loki.resources.requests.cpu: "2" exceeds the limit "500m"; allowed: <= limits.cpu',
    ]);
  });

  it("dev may use reserved domains (a test relay), prod may not", () => {
    const email = { enabled: true, smarthost: "mail.test:25", from: "am@example.com", onCallTo: "oncall@example.com", educationTeamTo: "edu@example.com" };
    const c = loadConfig(raw("dev", { alerting: { receivers: { email } } }));
    expect(c.alerting.receivers.email).toMatchObject(email);
    expect(problems(prodEmail(email))).toHaveLength(4);
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

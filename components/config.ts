/**
 * The one typed schema of a stack's configuration, its per-environment defaults, and loadConfig().
 *
 * index.ts reads the raw Pulumi config once and hands it here; nothing else reads pulumi.Config.
 * A stack file (Pulumi.<stack>.yaml) holds only what differs from the defaults of its environment.
 * Every error names the key, the value and what is allowed, and is raised before any resource exists.
 */
import { z } from "zod";
import {
  EMAIL_REQUIRED,
  LOOKBACK_DELTA_SECONDS,
  MAX_EVALUATION_INTERVAL_SECONDS,
  MAX_SCRAPE_INTERVAL_SECONDS,
  MIN_SAMPLES_PER_RULE_WINDOW,
  SHORTEST_RULE_WINDOW_SECONDS,
  alertingSchema,
  alertingDefaults,
} from "./alerting/schema";
import { awsSchema, awsDefaults, awsProblems } from "./aws/schema";
import { sloSchema, sloDefaults, sloProblems } from "./slo/schema";
import { JOBS } from "./endpoints";
import { ES_USABLE_SHARE, VOLUME_USABLE_SHARE, capacityProblems } from "./config/capacity";
import { coerceScalars } from "./config/coerce";
import { closest, ignoredKeys } from "./config/ignored-keys";
import { RESERVED_DOMAINS, dns1123Label, dns1123Subdomain, reservedDomainOf } from "./config/names";
import { cpuQuantity, memoryQuantity, quantityMi, quantityMilli } from "./config/quantities";

export { quantityMi, quantityMilli } from "./config/quantities";

export const PROJECT = "observability-stack";
export const ENVIRONMENTS = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Kubernetes quantities: CPU as millicores or cores ("250m", "1"), memory as binary units ("512Mi",
 * "2Gi"); never zero, never larger than a node (bounds in ./config/quantities.ts).
 */
const cpu = cpuQuantity;
const memory = memoryQuantity;

const resourcesSchema = z
  .object({
    requests: z.object({ cpu, memory }).strict(),
    limits: z.object({ cpu, memory }).strict(),
  })
  .strict();
export type Resources = z.infer<typeof resourcesSchema>;

const replicas = z.number().int().min(1).max(9);
const storageGi = z.number().int().min(1).max(16384);

/** An RFC 1123 label: what Kubernetes accepts as a namespace or label value we put into names. */
const dns1123 = dns1123Label;

/**
 * Expected on-disk growth of a store, GiB per day after compression and before replication: what the
 * storage-against-retention check multiplies by the retention (./config/capacity.ts).
 */
const estimatedGiPerDay = z.number().gt(0).max(10240);

const staticTargetSchema = z
  .object({
    /** Scrape job name. */
    job: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_-]*$/, { message: "a job name of letters, digits, '_' and '-'" }),
    /** host:port of each target. */
    targets: z.array(z.string().regex(/^[^\s/]+:\d{1,5}$/, { message: 'a "host:port" target' })).min(1),
    /** Metrics path (default /metrics). */
    metricsPath: z.string().startsWith("/").default("/metrics"),
    scheme: z.enum(["http", "https"]).default("http"),
    /** Extra labels attached to every series of the job. */
    labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()).default({}),
  })
  .strict();
export type StaticTarget = z.infer<typeof staticTargetSchema>;

/** A retention tier for one class of logs in Elasticsearch (seeds: application, audit, security). */
const logClassSchema = z
  .object({
    /**
     * Age at which the write index rolls over (or earlier at rolloverMaxPrimaryShardGi), in days.
     * Long-kept classes roll over rarely: a daily index kept 7 years would be 2,555 indices.
     */
    rolloverMaxAgeDays: z.number().int().min(1).max(90),
    /** Days after rollover before the index moves to the warm phase. */
    warmAfterDays: z.number().int().min(1).max(3650),
    /** Days before moving to the cold phase. */
    coldAfterDays: z.number().int().min(1).max(3650),
    /** Days before the index is deleted. The retention of this class. */
    deleteAfterDays: z.number().int().min(1).max(3650),
    /** Expected primary data of this class, GiB per day on disk; sizes elasticsearch.storageGi. */
    estimatedGiPerDay,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!(c.warmAfterDays < c.coldAfterDays && c.coldAfterDays < c.deleteAfterDays)) {
      ctx.addIssue({
        code: "custom",
        path: ["deleteAfterDays"],
        message: `phases must be increasing: warmAfterDays (${c.warmAfterDays}) < coldAfterDays (${c.coldAfterDays}) < deleteAfterDays (${c.deleteAfterDays})`,
      });
    }
  });
export type LogClass = z.infer<typeof logClassSchema>;
export const LOG_CLASSES = ["application", "audit", "security"] as const;
export type LogClassName = (typeof LOG_CLASSES)[number];

export const stackConfigSchema = z
  .object({
    /** Which defaults apply: dev (one replica, small, short retention) or prod (HA, longer retention). */
    environment: z.enum(ENVIRONMENTS),
    /** Namespace every Kubernetes object of the stack lives in. */
    namespace: dns1123,
    /** Cluster name: Prometheus external label `cluster`. */
    clusterName: dns1123,
    /** Team that owns the stack: the `team` label and AWS tag. */
    team: dns1123,
    /** Cost center: AWS CostCenter tag. A number in the stack file is taken as its text. */
    costCenter: z.string().min(1).max(64),
    /** StorageClass for every PersistentVolumeClaim (an RFC 1123 subdomain); unset = the cluster default. */
    storageClassName: dns1123Subdomain.optional(),
    /** Base URL the alert rules' runbook_url annotations are built from; no default in prod. */
    runbookBaseUrl: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: "an http(s) URL" }),
    persistence: z
      .object({
        /** Persistent volumes for stateful components; off = emptyDir (dev only). */
        enabled: z.boolean(),
        /** Protect stateful sets and their claims from `pulumi destroy`, and keep them on delete/replace. */
        protect: z.boolean(),
      })
      .strict(),
    nodeExporter: z.object({ enabled: z.boolean(), resources: resourcesSchema }).strict(),
    prometheus: z
      .object({
        replicas,
        /** --storage.tsdb.retention.time, in days. */
        retentionDays: z.number().int().min(1).max(365),
        /** --storage.tsdb.retention.size, in GiB; must leave headroom on the volume. */
        retentionSizeGi: z.number().int().min(1).max(16384),
        storageGi,
        /** Expected TSDB growth, GiB per day; must fit retentionDays into retentionSizeGi. */
        estimatedGiPerDay,
        /** At most 75 s: every rule's shortest window ([5m]) must hold four samples. */
        scrapeIntervalSeconds: z.number().int().min(5).max(MAX_SCRAPE_INTERVAL_SECONDS),
        /** At most 120 s: a recorded series must stay within the 5m lookback with one evaluation missed. */
        evaluationIntervalSeconds: z.number().int().min(5).max(MAX_EVALUATION_INTERVAL_SECONDS),
        /** Extra static scrape targets. */
        staticTargets: z.array(staticTargetSchema),
        resources: resourcesSchema,
      })
      .strict(),
    alertmanager: z
      .object({
        replicas,
        /** --data.retention (silences and notification log), in hours. */
        retentionHours: z.number().int().min(1).max(8760),
        storageGi,
        resources: resourcesSchema,
      })
      .strict(),
    loki: z
      .object({
        /** limits_config.retention_period, in days. */
        retentionDays: z.number().int().min(1).max(3650),
        storageGi,
        /** Expected chunk growth on the filesystem store, GiB per day (checked without AWS, where the volume holds the chunks). */
        estimatedGiPerDay,
        /** Max ingestion per tenant, MB/s. */
        ingestionRateMb: z.number().int().min(1).max(1024),
        resources: resourcesSchema,
      })
      .strict(),
    elasticsearch: z
      .object({
        /** Master-eligible data nodes: 1, or an odd number ≥ 3 for a quorum. */
        replicas,
        storageGi,
        /** JVM heap, MiB; at most half the memory limit. */
        heapMi: z.number().int().min(256).max(31744),
        /** Rollover of the write index at this size per primary shard, GiB (the age is per log class). */
        rolloverMaxPrimaryShardGi: z.number().int().min(1).max(50),
        /** ILM phases per log class (application, audit, security). */
        logClasses: z.object({ application: logClassSchema, audit: logClassSchema, security: logClassSchema }).strict(),
        resources: resourcesSchema,
        kibana: z.object({ enabled: z.boolean(), resources: resourcesSchema }).strict(),
        security: z
          .object({
            /**
             * TLS on HTTP and transport (certificates from a CA generated in the cluster), passwords of
             * the built-in and the stack's own users generated into Secrets, least-privilege roles, a
             * Kibana login. On in dev and prod. Dev may turn it off (plain HTTP, no users, as before);
             * prod refuses false.
             */
            enabled: z.boolean(),
            /**
             * Raise by one to rotate the CA and the node certificates: a new certificate Job replaces
             * both Secrets, trusting the old CA next to the new one until the next rotation.
             */
            certificateGeneration: z.number().int().min(1).max(1000),
          })
          .strict(),
      })
      .strict(),
    jaeger: z
      .object({
        replicas,
        /** Head sampling probability for services that ask the collector for their strategy. */
        samplingRate: z.number().min(0).max(1),
        /** memory or badger (dev), elasticsearch (prod). */
        storage: z.enum(["memory", "badger", "elasticsearch"]),
        /** Trace retention in days (badger TTL, or Elasticsearch index deletion). */
        retentionDays: z.number().int().min(1).max(90),
        storageGi,
        /** Expected trace data, GiB per day (badger's volume, or Elasticsearch's with storage "elasticsearch"). */
        estimatedGiPerDay,
        resources: resourcesSchema,
      })
      .strict(),
    logShipper: z
      .object({
        resources: resourcesSchema,
        /**
         * Filesystem buffer on each node for the Loki output, in MB: the Loki output retries without
         * limit, so a Loki outage loses no logs until a node has buffered this much.
         */
        lokiBufferMb: z.number().int().min(64).max(65536),
      })
      .strict(),
    grafana: z
      .object({
        /** Run Grafana in the cluster; false = manage an external Grafana given by url + grafanaToken secret. */
        deploy: z.boolean(),
        /**
         * An external Grafana (deploy false): where its API is reached from where `pulumi up` runs;
         * required. The deployed one: its public URL (e.g. an ingress), Grafana's root_url in links
         * and the exported grafanaUrl; unset = the in-cluster Service URL. The deployed Grafana's
         * content is provisioned from files, so `pulumi up` never connects to it.
         */
        url: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: "an http(s) URL" }).optional(),
        storageGi,
        resources: resourcesSchema,
      })
      .strict(),
    alerting: alertingSchema,
    /** Service-level objectives: recording rules, burn-rate alerts and the SLO dashboard (components/slo/schema.ts). */
    slo: sloSchema,
    aws: awsSchema,
  })
  .strict();

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** A deep-partial view for stack files and defaults. */
export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

const res = (reqCpu: string, reqMem: string, limCpu: string, limMem: string): Resources => ({
  requests: { cpu: reqCpu, memory: reqMem },
  limits: { cpu: limCpu, memory: limMem },
});

/**
 * The defaults of an environment. Addresses are not defaulted in prod: runbookBaseUrl (and the e-mail
 * receiver's relay and addresses, see alerting/schema.ts) come from the stack file.
 */
export type EnvironmentDefaults = Omit<StackConfig, "environment" | "runbookBaseUrl"> & { runbookBaseUrl?: string };

/** Per-environment defaults: dev is one small replica with short retention; prod is HA with longer retention. */
export const DEFAULTS: Record<Environment, EnvironmentDefaults> = {
  dev: {
    namespace: "observability",
    clusterName: "dev",
    team: "platform",
    costCenter: "engineering",
    // A name under .invalid (RFC 6761) can never resolve: dev alerts visibly carry no runbook until a
    // stack file names one. Prod has no default and refuses every reserved domain.
    runbookBaseUrl: "https://runbooks.invalid/observability",
    persistence: { enabled: false, protect: false },
    nodeExporter: { enabled: true, resources: res("20m", "32Mi", "200m", "64Mi") },
    prometheus: {
      replicas: 1,
      retentionDays: 7,
      retentionSizeGi: 8,
      storageGi: 10,
      estimatedGiPerDay: 0.5,
      scrapeIntervalSeconds: 30,
      evaluationIntervalSeconds: 30,
      staticTargets: [],
      resources: res("200m", "512Mi", "1", "1Gi"),
    },
    alertmanager: { replicas: 1, retentionHours: 120, storageGi: 1, resources: res("20m", "32Mi", "100m", "128Mi") },
    loki: { retentionDays: 7, storageGi: 10, estimatedGiPerDay: 0.5, ingestionRateMb: 4, resources: res("100m", "256Mi", "500m", "512Mi") },
    elasticsearch: {
      replicas: 1,
      storageGi: 10,
      heapMi: 512,
      rolloverMaxPrimaryShardGi: 5,
      logClasses: {
        application: { rolloverMaxAgeDays: 1, warmAfterDays: 1, coldAfterDays: 3, deleteAfterDays: 7, estimatedGiPerDay: 0.1 },
        audit: { rolloverMaxAgeDays: 1, warmAfterDays: 1, coldAfterDays: 3, deleteAfterDays: 7, estimatedGiPerDay: 0.1 },
        security: { rolloverMaxAgeDays: 1, warmAfterDays: 1, coldAfterDays: 3, deleteAfterDays: 7, estimatedGiPerDay: 0.1 },
      },
      resources: res("250m", "1Gi", "1", "1Gi"),
      kibana: { enabled: false, resources: res("100m", "512Mi", "500m", "1Gi") },
      security: { enabled: true, certificateGeneration: 1 },
    },
    jaeger: {
      replicas: 1,
      samplingRate: 1,
      storage: "badger",
      retentionDays: 2,
      storageGi: 5,
      estimatedGiPerDay: 0.5,
      resources: res("50m", "128Mi", "500m", "512Mi"),
    },
    logShipper: { resources: res("20m", "64Mi", "200m", "128Mi"), lokiBufferMb: 512 },
    grafana: { deploy: true, storageGi: 1, resources: res("50m", "128Mi", "500m", "256Mi") },
    alerting: alertingDefaults.dev,
    slo: sloDefaults.dev,
    aws: awsDefaults.dev,
  },
  prod: {
    namespace: "observability",
    clusterName: "prod",
    team: "platform",
    costCenter: "engineering",
    persistence: { enabled: true, protect: true },
    nodeExporter: { enabled: true, resources: res("50m", "64Mi", "250m", "128Mi") },
    prometheus: {
      replicas: 2,
      retentionDays: 30,
      retentionSizeGi: 170,
      storageGi: 200,
      estimatedGiPerDay: 5,
      scrapeIntervalSeconds: 15,
      evaluationIntervalSeconds: 15,
      staticTargets: [],
      resources: res("1", "4Gi", "2", "8Gi"),
    },
    alertmanager: { replicas: 3, retentionHours: 120, storageGi: 2, resources: res("50m", "64Mi", "200m", "256Mi") },
    loki: { retentionDays: 30, storageGi: 100, estimatedGiPerDay: 2, ingestionRateMb: 16, resources: res("500m", "1Gi", "2", "4Gi") },
    elasticsearch: {
      replicas: 3,
      storageGi: 200,
      heapMi: 2048,
      rolloverMaxPrimaryShardGi: 30,
      // The seeds' compliance tiers: application logs a year, audit and security logs seven years.
      // With these daily estimates they take (0.3 × 365 + 0.02 × 2555 × 2 + Jaeger 0.5 × 7) × 2 copies
      // = 430 GiB of the 3 × 200 GiB × 85% = 510 GiB usable.
      logClasses: {
        application: { rolloverMaxAgeDays: 1, warmAfterDays: 7, coldAfterDays: 30, deleteAfterDays: 365, estimatedGiPerDay: 0.3 },
        audit: { rolloverMaxAgeDays: 30, warmAfterDays: 30, coldAfterDays: 90, deleteAfterDays: 2555, estimatedGiPerDay: 0.02 },
        security: { rolloverMaxAgeDays: 30, warmAfterDays: 30, coldAfterDays: 180, deleteAfterDays: 2555, estimatedGiPerDay: 0.02 },
      },
      resources: res("1", "4Gi", "2", "4Gi"),
      kibana: { enabled: true, resources: res("200m", "1Gi", "1", "2Gi") },
      security: { enabled: true, certificateGeneration: 1 },
    },
    jaeger: {
      replicas: 2,
      samplingRate: 0.1,
      storage: "elasticsearch",
      retentionDays: 7,
      storageGi: 10,
      estimatedGiPerDay: 0.5,
      resources: res("200m", "512Mi", "1", "1Gi"),
    },
    logShipper: { resources: res("100m", "128Mi", "500m", "256Mi"), lokiBufferMb: 4096 },
    grafana: { deploy: true, storageGi: 10, resources: res("200m", "256Mi", "1", "1Gi") },
    alerting: alertingDefaults.prod,
    slo: sloDefaults.prod,
    aws: awsDefaults.prod,
  },
};

/** Secret config keys: read with getSecret, never part of the plain schema, never logged. */
export const SECRET_KEYS = {
  slackWebhookUrl: "Slack incoming-webhook URL for the #alerts-* channels",
  pagerdutyRoutingKey: "PagerDuty Events v2 routing key for critical alerts",
  smtpPassword: "password of the SMTP account that sends alert e-mail",
  deadMansSwitchUrl: "URL the always-firing Watchdog alert is sent to",
  webhookUrl: "generic webhook receiver URL",
  grafanaToken: "service-account token of an external Grafana (grafana.deploy: false)",
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

/** Which secret keys a configuration needs; a missing one is a config error, not a broken resource. */
export function requiredSecrets(cfg: StackConfig): SecretKey[] {
  const needed: SecretKey[] = [];
  const r = cfg.alerting.receivers;
  if (r.slack.enabled) needed.push("slackWebhookUrl");
  if (r.pagerduty.enabled) needed.push("pagerdutyRoutingKey");
  if (r.email.enabled && r.email.smtpAuthUsername) needed.push("smtpPassword");
  if (r.deadMansSwitch.enabled) needed.push("deadMansSwitchUrl");
  if (r.webhook.enabled) needed.push("webhookUrl");
  if (!cfg.grafana.deploy) needed.push("grafanaToken");
  return needed;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced by the override. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge((base as Record<string, unknown>)[k], v);
  return out as T;
}

/** The schema node at a path, to list the allowed keys of an object when a key is unknown. */
function schemaAt(schema: z.ZodType, path: PropertyKey[]): z.ZodType | undefined {
  let cur: z.ZodType | undefined = schema;
  for (const seg of path) {
    cur = unwrap(cur);
    if (cur instanceof z.ZodObject) cur = (cur.shape as Record<string, z.ZodType>)[String(seg)];
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else if (cur instanceof z.ZodRecord) cur = cur.valueType as z.ZodType;
    else return undefined;
  }
  return unwrap(cur);
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  for (;;) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
    else if (cur instanceof z.ZodPipe) cur = cur.in as z.ZodType;
    else return cur;
  }
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
  let cur = obj;
  for (const seg of path) cur = isPlainObject(cur) || Array.isArray(cur) ? (cur as Record<string, unknown>)[String(seg)] : undefined;
  return cur;
}

/** `observability-stack:prometheus.retentionDays` — the key as a user writes it in a stack file. */
export function configKey(path: PropertyKey[]): string {
  if (path.length === 0) return `${PROJECT}:<root>`;
  const [head, ...rest] = path;
  return `${PROJECT}:${String(head)}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
}

function typeName(expected: string): string {
  return expected === "int" ? "an integer" : /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** What a required key without a default must hold, for the "missing" message. */
const REQUIRED_HINTS: Record<string, string> = {
  runbookBaseUrl: "the http(s) base URL of your runbooks, e.g. https://runbooks.<your domain>/observability; prod has no default",
};

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const key = configKey(issue.path);
  const got = JSON.stringify(valueAt(input, issue.path));
  switch (issue.code) {
    case "unrecognized_keys": {
      const node = schemaAt(stackConfigSchema, issue.path);
      const keys = node instanceof z.ZodObject ? Object.keys(node.shape) : [];
      const candidates = issue.path.length ? keys : [...keys, ...Object.keys(SECRET_KEYS)];
      return issue.keys
        .map((k) => {
          const guess = closest(k, candidates);
          const hint = guess ? `; did you mean ${configKey([...issue.path, guess])}?` : "";
          return `${configKey([...issue.path, k])}: unknown key${hint}; allowed keys${issue.path.length ? ` of ${configKey(issue.path)}` : ""}: ${keys.join(", ") || "none"}`;
        })
        .join("\n  - ");
    }
    case "invalid_type": {
      const hint = REQUIRED_HINTS[issue.path.join(".")];
      if (got === undefined) return `${key}: missing; expected ${hint ?? typeName(issue.expected)}`;
      return `${key}: ${got} is not ${typeName(issue.expected)}`;
    }
    case "invalid_value":
      return `${key}: ${got} is not allowed; allowed values: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `${key}: ${got} is too small; allowed: ${issue.inclusive ? ">=" : ">"} ${issue.minimum}${issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : ""}`;
    case "too_big":
      return `${key}: ${got} is too large; allowed: ${issue.inclusive ? "<=" : "<"} ${issue.maximum}${issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : ""}`;
    case "invalid_format":
      return `${key}: ${got} is not ${issue.format === "regex" ? issue.message : `a valid ${issue.format}`}`;
    default:
      return `${key}: ${got === undefined ? "" : `${got}: `}${issue.message}`;
  }
}

/**
 * Every cross-field rule, as the README's config reference states it (`npm run docs:config`). Each
 * sentence belongs to a rule in CROSS_CHECKS (or requiredSecrets, or the schema's own refinements).
 */
export const CROSS_FIELD_RULES: readonly string[] = [
  "`persistence.enabled` must be true in prod.",
  "`elasticsearch.security.enabled` must be true in prod (TLS, generated passwords, least-privilege users); dev may set it false.",
  "`elasticsearch.replicas` is 1 or odd (3, 5, ...): master-eligible nodes need a quorum.",
  "`elasticsearch.heapMi` is at most half of `elasticsearch.resources.limits.memory`.",
  "`prometheus.retentionSizeGi` is below `prometheus.storageGi` (room for the WAL).",
  "`prometheus.staticTargets[].job` differs from the stack's own scrape jobs and from each other.",
  '`jaeger.replicas` is 1 unless `jaeger.storage` is "elasticsearch" (memory and badger are per pod).',
  "`grafana.url` is required when `grafana.deploy` is false.",
  "Every `resources.requests` is at most its `resources.limits` (CPU and memory, every component and Kibana).",
  "An enabled `alerting.receivers.email` needs `smarthost`, `from`, `onCallTo` and `educationTeamTo`; none has a default.",
  `In prod, \`runbookBaseUrl\` (no default), \`grafana.url\` and an enabled e-mail receiver's \`smarthost\`, \`from\`, \`onCallTo\` and \`educationTeamTo\` may not be under a reserved domain (RFC 2606, RFC 6761): ${RESERVED_DOMAINS.join(", ")} (and loopback addresses). Dev may use them.`,
  "Two-tier thresholds trip warning first: `warning` < `critical`, except `diskFreeRatio` (lower is worse), where `warning` > `critical`.",
  "`elasticsearch.logClasses.<class>`: `warmAfterDays` < `coldAfterDays` < `deleteAfterDays`.",
  `Elasticsearch storage holds the retention: the sum over log classes of \`estimatedGiPerDay\` × \`deleteAfterDays\` (plus \`jaeger.estimatedGiPerDay\` × \`jaeger.retentionDays\` when \`jaeger.storage\` is "elasticsearch"), × 2 copies with more than one node, fits in \`elasticsearch.replicas\` × \`elasticsearch.storageGi\` × ${ES_USABLE_SHARE * 100}% (the low disk watermark).`,
  `Without AWS (Loki on its filesystem store), \`loki.estimatedGiPerDay\` × \`loki.retentionDays\` fits in \`loki.storageGi\` × ${VOLUME_USABLE_SHARE * 100}%.`,
  `With \`jaeger.storage\` "badger", \`jaeger.estimatedGiPerDay\` × \`jaeger.retentionDays\` fits in \`jaeger.storageGi\` × ${VOLUME_USABLE_SHARE * 100}%.`,
  "`prometheus.estimatedGiPerDay` × `prometheus.retentionDays` fits in `prometheus.retentionSizeGi` (else Prometheus deletes by size before the configured age).",
  `\`prometheus.scrapeIntervalSeconds\` is at most ${MAX_SCRAPE_INTERVAL_SECONDS}: the shortest rule window (${SHORTEST_RULE_WINDOW_SECONDS / 60}m) holds ${MIN_SAMPLES_PER_RULE_WINDOW} samples. \`prometheus.evaluationIntervalSeconds\` is at most ${MAX_EVALUATION_INTERVAL_SECONDS}: a recorded series stays within Prometheus' ${LOOKBACK_DELTA_SECONDS / 60}m lookback with one evaluation missed.`,
  "`aws.snapshots.schedule` is an Elasticsearch cron expression: seconds 0-59, minutes 0-59, hours 0-23, day-of-month 1-31 (or ?, L, LW, nW), month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (or ?, nL, n#k), optional year 1970-2099; exactly one of day-of-month and day-of-week is ?.",
  "With `aws.enabled`: `aws.oidcProviderArn` and `aws.oidcProviderUrl` are required and name the same issuer; `aws.snapshots.minCount` <= `aws.snapshots.maxCount`; `aws.snapshots.expireAfterDays` <= the shortest log class `deleteAfterDays`.",
  "Secrets are required by what uses them: `slackWebhookUrl`, `pagerdutyRoutingKey`, `deadMansSwitchUrl`, `webhookUrl` by their enabled receivers, `smtpPassword` by `alerting.receivers.email.smtpAuthUsername`, `grafanaToken` by `grafana.deploy` false; a secret in plain text is refused.",
  "Config the stack would ignore is refused, naming the key it reads: keys under a misspelled project name (`observabilty-stack:...`), `aws:region` (the stack reads `aws.region`), `aws:defaultTags` (`team`, `costCenter`), `grafana:url` and `grafana:auth` (`grafana.url`, the secret `grafanaToken`). Other keys of namespaces nothing reads (`aws:profile`, `gcp:...`) are a warning.",
  "`slo.services[]`: each service once, with an availability SLO, a latency SLO or both; each SLO's `windowDays` is at least 3 (the longest burn-rate alert window) and at most `prometheus.retentionDays`; an availability `metric` is a request counter (`…_total`) and a latency `metric` a histogram, both listed in dashboards/metrics.ts; a latency `thresholdSeconds` is one of that histogram's bounds in `slo.histogramBuckets`, whose bounds are distinct.",
  "A number where text is expected is taken as its text (`costCenter: 4711` is \"4711\"); the text of a number or boolean where one is expected is taken as it.",
];

/** One cross-field rule: the problems it finds in a config. */
type CrossCheck = (cfg: StackConfig) => string[];

const ADDRESS_KEYS: { path: PropertyKey[]; read: (c: StackConfig) => string | undefined }[] = [
  { path: ["runbookBaseUrl"], read: (c) => c.runbookBaseUrl },
  { path: ["grafana", "url"], read: (c) => c.grafana.url },
  ...(["smarthost", "from", "onCallTo", "educationTeamTo"] as const).map((k) => ({
    path: ["alerting", "receivers", "email", k] as PropertyKey[],
    read: (c: StackConfig) => (c.alerting.receivers.email.enabled ? c.alerting.receivers.email[k] : undefined),
  })),
];

/** Cross-field rules the per-field schema cannot say; each reads only the keys it names. */
const CROSS_CHECKS: CrossCheck[] = [
  (cfg) =>
    cfg.environment === "prod" && !cfg.persistence.enabled
      ? [`${configKey(["persistence", "enabled"])}: false is not allowed in prod; stateful components need persistent volumes (allowed: true)`]
      : [],
  (cfg) =>
    cfg.environment === "prod" && !cfg.elasticsearch.security.enabled
      ? [
          `${configKey(["elasticsearch", "security", "enabled"])}: false is not allowed in prod; Elasticsearch holds the audit and security logs and needs TLS and authentication (allowed: true; only dev may turn it off)`,
        ]
      : [],
  (cfg) => {
    const es = cfg.elasticsearch;
    return es.replicas !== 1 && es.replicas % 2 === 0
      ? [`${configKey(["elasticsearch", "replicas"])}: ${es.replicas} master-eligible nodes cannot form a safe quorum; allowed: 1 or an odd number >= 3`]
      : [];
  },
  (cfg) => {
    const es = cfg.elasticsearch;
    const memMi = quantityMi(es.resources.limits.memory);
    return es.heapMi * 2 > memMi
      ? [`${configKey(["elasticsearch", "heapMi"])}: ${es.heapMi} is more than half the memory limit (${es.resources.limits.memory}); allowed: <= ${Math.floor(memMi / 2)}`]
      : [];
  },
  (cfg) => {
    const prom = cfg.prometheus;
    return prom.retentionSizeGi >= prom.storageGi
      ? [`${configKey(["prometheus", "retentionSizeGi"])}: ${prom.retentionSizeGi} must be smaller than prometheus.storageGi (${prom.storageGi}) to leave room for the WAL; allowed: < ${prom.storageGi}`]
      : [];
  },
  (cfg) => {
    const p: string[] = [];
    const reservedJobs: string[] = Object.values(JOBS);
    const seenJobs = new Set<string>();
    cfg.prometheus.staticTargets.forEach((t, i) => {
      if (reservedJobs.includes(t.job) || seenJobs.has(t.job)) {
        p.push(`${configKey(["prometheus", "staticTargets", i, "job"])}: "${t.job}" is already a scrape job; allowed: a name other than ${[...reservedJobs, ...seenJobs].join(", ")}`);
      }
      seenJobs.add(t.job);
    });
    return p;
  },
  (cfg) => {
    const j = cfg.jaeger;
    if (j.replicas > 1 && j.storage === "memory") return [`${configKey(["jaeger", "replicas"])}: ${j.replicas} replicas cannot share memory storage; allowed: 1, or jaeger.storage "elasticsearch"`];
    if (j.replicas > 1 && j.storage === "badger") return [`${configKey(["jaeger", "replicas"])}: ${j.replicas} replicas cannot share one badger volume; allowed: 1, or jaeger.storage "elasticsearch"`];
    return [];
  },
  (cfg) => (!cfg.grafana.deploy && !cfg.grafana.url ? [`${configKey(["grafana", "url"])}: missing; required when grafana.deploy is false (the external Grafana to manage)`] : []),
  // Requests within limits, per component (each its own rule, so one bad quantity hides no other).
  ...(["nodeExporter", "prometheus", "alertmanager", "loki", "elasticsearch", "jaeger", "logShipper", "grafana"] as const).map(
    (name): CrossCheck =>
      (cfg) => checkRequestsWithinLimits(cfg[name].resources, [name, "resources"]),
  ),
  (cfg) => checkRequestsWithinLimits(cfg.elasticsearch.kibana.resources, ["elasticsearch", "kibana", "resources"]),
  // An enabled e-mail receiver needs its relay and addresses: none has a default.
  (cfg) => {
    const e = cfg.alerting.receivers.email;
    if (!e.enabled) return [];
    return EMAIL_REQUIRED.filter((k) => !e[k]).map(
      (k) => `${configKey(["alerting", "receivers", "email", k])}: missing; required when alerting.receivers.email.enabled is true (${EMAIL_FIELD_HINTS[k]}); there is no default`,
    );
  },
  // Prod refuses addresses under reserved domains: mail there is never delivered, links lead nowhere.
  ...ADDRESS_KEYS.map(
    ({ path, read }): CrossCheck =>
      (cfg) => {
        if (cfg.environment !== "prod") return [];
        const v = read(cfg);
        const domain = v === undefined ? undefined : reservedDomainOf(v);
        return domain
          ? [`${configKey(path)}: ${JSON.stringify(v)} is under the reserved domain "${domain}", which reaches no one; allowed in prod: a real address (not under ${RESERVED_DOMAINS.join(", ")})`]
          : [];
      },
  ),
  capacityProblems,
  (cfg) => awsProblems(cfg),
  (cfg) => sloProblems(cfg),
];

const EMAIL_FIELD_HINTS: Record<(typeof EMAIL_REQUIRED)[number], string> = {
  smarthost: 'the SMTP relay as "host:port"',
  from: "the sender address",
  onCallTo: "the on-call address for critical alerts",
  educationTeamTo: "the education team's address for educational alerts",
};

function checkRequestsWithinLimits(r: Resources, path: string[]): string[] {
  const out: string[] = [];
  if (quantityMilli(r.requests.cpu) > quantityMilli(r.limits.cpu)) {
    out.push(`${configKey([...path, "requests", "cpu"])}: "${r.requests.cpu}" exceeds the limit "${r.limits.cpu}"; allowed: <= limits.cpu`);
  }
  if (quantityMi(r.requests.memory) > quantityMi(r.limits.memory)) {
    out.push(`${configKey([...path, "requests", "memory"])}: "${r.requests.memory}" exceeds the limit "${r.limits.memory}"; allowed: <= limits.memory`);
  }
  return out;
}

/**
 * Run a rule on a config the schema may have refused. Reads are recorded through a proxy; a rule that
 * read a refused key (or threw on one) says nothing, since the schema's own message names that key.
 * Every other rule still runs, so one run reports every problem.
 */
function runGuarded<T>(rule: (cfg: StackConfig) => T, cfg: unknown, refused: string[][]): T | undefined {
  const reads: string[][] = [];
  const wrap = (obj: object, path: string[]): object =>
    new Proxy(obj, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof prop === "symbol" || typeof v === "function") return v;
        const p = [...path, prop];
        if (v !== null && typeof v === "object") return wrap(v, p);
        reads.push(p);
        return v;
      },
    });
  const overlaps = () =>
    reads.some((r) => refused.some((bad) => bad.every((seg, i) => i >= r.length || String(r[i]) === seg)));
  try {
    const out = rule(wrap(cfg as object, []) as StackConfig);
    return overlaps() ? undefined : out;
  } catch (e) {
    if (refused.length === 0) throw e;
    return undefined;
  }
}

export interface RawConfig {
  /** The project's plain config values, keyed without the project prefix, JSON already parsed. */
  values: Record<string, unknown>;
  /** Which secret keys are set (their values never pass through here). */
  secretsSet: ReadonlySet<string>;
  /** Secret keys that are set but not encrypted in the stack file. */
  secretsInPlainText?: ReadonlySet<string>;
  /** Stack name, used as the environment when `environment` is not set and the name is one. */
  stack: string;
  /** Full keys (`namespace:key`) of the stack's config outside the project's namespace. */
  otherKeys?: readonly string[];
}

/**
 * Validate a stack's raw configuration against its environment's defaults.
 * Throws ConfigError listing every problem (schema, cross-field, secrets and ignored keys together);
 * returns the complete, typed configuration.
 */
export function loadConfig(raw: RawConfig): StackConfig {
  const problems: string[] = [...ignoredKeys(raw.otherKeys ?? [], PROJECT).errors];
  const values = { ...raw.values };
  for (const k of Object.keys(SECRET_KEYS)) delete values[k];

  const env = values.environment !== undefined ? values.environment : (ENVIRONMENTS as readonly string[]).includes(raw.stack) ? raw.stack : undefined;
  if (!(ENVIRONMENTS as readonly unknown[]).includes(env)) {
    throw new ConfigError([
      env === undefined
        ? `${configKey(["environment"])}: missing; stack "${raw.stack}" is not named after an environment, so set it; allowed values: ${ENVIRONMENTS.join(", ")}`
        : `${configKey(["environment"])}: ${JSON.stringify(env)} is not allowed; allowed values: ${ENVIRONMENTS.join(", ")}`,
      ...problems,
    ]);
  }
  const merged = coerceScalars(stackConfigSchema, deepMerge({ environment: env, ...DEFAULTS[env as Environment] }, values));
  const parsed = stackConfigSchema.safeParse(merged);
  const refused: string[][] = [];
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      problems.push(describeIssue(i, merged));
      const path = i.path.map(String);
      if (i.code === "unrecognized_keys") refused.push(...i.keys.map((k) => [...path, k]));
      else refused.push(path);
    }
  }
  const cfg = parsed.success ? parsed.data : (merged as StackConfig);
  for (const check of CROSS_CHECKS) problems.push(...(runGuarded(check, cfg, refused) ?? []));
  for (const key of runGuarded(requiredSecrets, cfg, refused) ?? []) {
    if (!raw.secretsSet.has(key)) {
      problems.push(`${PROJECT}:${key}: missing secret (${SECRET_KEYS[key]}); set it with \`pulumi config set --secret ${key} <value>\``);
    }
  }
  for (const key of raw.secretsInPlainText ?? []) {
    problems.push(`${PROJECT}:${key}: stored in plain text; it is a secret, set it with \`pulumi config set --secret ${key} <value>\``);
  }
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}

/**
 * The rules across keys that the per-field schema cannot say: CROSS_CHECKS, each finding the problems
 * of one rule in a config, and CROSS_FIELD_RULES, the README's words for them.
 */
import { agentsNamespaceOf } from "./network";
import { EMAIL_REQUIRED, LOOKBACK_DELTA_SECONDS, MAX_EVALUATION_INTERVAL_SECONDS, MAX_SCRAPE_INTERVAL_SECONDS, MIN_SAMPLES_PER_RULE_WINDOW, SHORTEST_RULE_WINDOW_SECONDS } from "../alerting/schema";
import { awsProblems } from "../aws/schema";
import { sloProblems } from "../slo/schema";
import { thanosProblems } from "../thanos/schema";
import { JOBS } from "../endpoints";
import { ES_USABLE_SHARE, VOLUME_USABLE_SHARE, capacityProblems } from "./capacity";
import { RESERVED_DOMAINS, reservedDomainOf } from "./names";
import { configKey } from "./project";
import { quantityMi, quantityMilli } from "./quantities";
import type { StackConfig } from "./schema";
import type { Resources } from "./shared";

/**
 * Every cross-field rule, as the README's config reference states it (`npm run docs:config`). Each
 * sentence belongs to a rule in CROSS_CHECKS (or requiredSecrets, or the schema's own refinements).
 */
/** Prod's log retention in Loki, in days: the loki-retention policy's bounds in policies/config/prod.json (a test holds them equal). */
export const LOKI_PROD_RETENTION_DAYS = { min: 15, max: 90 } as const;

export const CROSS_FIELD_RULES: readonly string[] = [
  "`persistence.enabled` must be true in prod.",
  "`loki.retentionDays` is 15 to 90 in prod: the bounds of the pack's loki-retention policy, mandatory there.",
  "`elasticsearch.security.enabled` must be true in prod (TLS, generated passwords, least-privilege users); dev may set it false.",
  '`podSecurity` is "restricted" in prod; dev may set "baseline". `network.defaultDeny` is true in prod; dev may set false.',
  "`agentsNamespace` (default `<namespace>-agents`) differs from `namespace`: the main namespace never admits the node agents' host access.",
  '`placement.antiAffinity` is "required" and `placement.zoneSpread` "DoNotSchedule" in prod, unless `placement.allowSharedFailureDomains` is true (a cluster with fewer nodes or zones than replicas).',
  "`elasticsearch.replicas` is 1 or odd (3, 5, ...): master-eligible nodes need a quorum.",
  "`elasticsearch.heapMi` is at most half of `elasticsearch.resources.limits.memory`.",
  "`prometheus.retentionSizeGi` is below `prometheus.storageGi` (room for the WAL).",
  "`prometheus.staticTargets[].job` differs from the stack's own scrape jobs and from each other.",
  '`jaeger.replicas` is 1 unless `jaeger.storage` is "elasticsearch" (memory and badger are per pod).',
  "`grafana.url` is required when `grafana.deploy` is false.",
  "Every `resources.requests` is at most its `resources.limits` (CPU and memory, every component, Kibana, each Thanos component and Loki's scalable targets), and at most `capacity.largestNode` (a larger request leaves the pod Pending).",
  "With `capacity.load`, every pod the capacity model sizes fits `capacity.largestNode`; a load that needs more is refused, naming the component and its key.",
  "An enabled `alerting.receivers.email` needs `smarthost`, `from`, `onCallTo` and `educationTeamTo`; none has a default.",
  `In prod, \`runbookBaseUrl\` (no default), \`grafana.url\` and an enabled e-mail receiver's \`smarthost\`, \`from\`, \`onCallTo\` and \`educationTeamTo\` may not be under a reserved domain (RFC 2606, RFC 6761): ${RESERVED_DOMAINS.join(", ")} (and loopback addresses). Dev may use them.`,
  "Two-tier thresholds trip warning first: `warning` < `critical`, except `diskFreeRatio` (lower is worse), where `warning` > `critical`.",
  "`elasticsearch.logClasses.<class>`: `warmAfterDays` < `coldAfterDays` < `deleteAfterDays`.",
  `Elasticsearch storage holds the retention: the sum over log classes of \`estimatedGiPerDay\` × \`deleteAfterDays\` (plus \`jaeger.estimatedGiPerDay\` × \`jaeger.retentionDays\` when \`jaeger.storage\` is "elasticsearch"), × 2 copies with more than one node, fits in \`elasticsearch.replicas\` × \`elasticsearch.storageGi\` × ${ES_USABLE_SHARE * 100}% (the low disk watermark).`,
  '`loki.mode` "scalable" needs object storage its targets share: `aws.enabled` (the stack\'s S3 buckets) or `loki.objectStore`, never both. `loki.replicationFactor` is at most `loki.write.replicas` in scalable mode (each copy of a stream on its own write replica).',
  `Without AWS or \`loki.objectStore\` (Loki on its filesystem store), \`loki.estimatedGiPerDay\` × \`loki.retentionDays\` fits in \`loki.storageGi\` × ${VOLUME_USABLE_SHARE * 100}%.`,
  `With \`jaeger.storage\` "badger", \`jaeger.estimatedGiPerDay\` × \`jaeger.retentionDays\` fits in \`jaeger.storageGi\` × ${VOLUME_USABLE_SHARE * 100}%.`,
  "`prometheus.estimatedGiPerDay` × `prometheus.retentionDays` fits in `prometheus.retentionSizeGi` (else Prometheus deletes by size before the configured age).",
  `\`prometheus.scrapeIntervalSeconds\` is at most ${MAX_SCRAPE_INTERVAL_SECONDS}: the shortest rule window (${SHORTEST_RULE_WINDOW_SECONDS / 60}m) holds ${MIN_SAMPLES_PER_RULE_WINDOW} samples. \`prometheus.evaluationIntervalSeconds\` is at most ${MAX_EVALUATION_INTERVAL_SECONDS}: a recorded series stays within Prometheus' ${LOOKBACK_DELTA_SECONDS / 60}m lookback with one evaluation missed.`,
  "`aws.snapshots.schedule` is an Elasticsearch cron expression: seconds 0-59, minutes 0-59, hours 0-23, day-of-month 1-31 (or ?, L, LW, nW), month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (or ?, nL, n#k), optional year 1970-2099; exactly one of day-of-month and day-of-week is ?.",
  "With `aws.enabled`: `aws.oidcProviderArn` and `aws.oidcProviderUrl` are required and name the same issuer; `aws.snapshots.minCount` <= `aws.snapshots.maxCount`; `aws.snapshots.expireAfterDays` <= the shortest log class `deleteAfterDays`.",
  "Secrets are required by what uses them: `slackWebhookUrl`, `pagerdutyRoutingKey`, `deadMansSwitchUrl`, `webhookUrl` by their enabled receivers, `smtpPassword` by `alerting.receivers.email.smtpAuthUsername`, `grafanaToken` by `grafana.deploy` false; a secret in plain text is refused.",
  "Config the stack would ignore is refused, naming the key it reads: keys under a misspelled project name (`observabilty-stack:...`), `aws:region` (the stack reads `aws.region`), `aws:defaultTags` (`team`, `costCenter`), `grafana:url` and `grafana:auth` (`grafana.url`, the secret `grafanaToken`). Other keys of namespaces nothing reads (`aws:profile`, `gcp:...`) are a warning.",
  "`slo.services[]`: each service once, with an availability SLO, a latency SLO or both; each SLO's `windowDays` is at least 3 (the longest burn-rate alert window) and at most `prometheus.retentionDays`; an availability `metric` is a request counter (`…_total`) and a latency `metric` a histogram, both listed in dashboards/metrics.ts; a latency `thresholdSeconds` is one of that histogram's bounds in `slo.histogramBuckets`, whose bounds are distinct.",
  "With `thanos.enabled`: the longest of `thanos.retention.rawDays`, `fiveMinuteDays` and `oneHourDays` (the bucket's retention) is at least `prometheus.retentionDays`; without AWS, `thanos.objectStorage.endpoint` and `thanos.objectStorage.bucket` are required, with AWS they are unset (the stack's own bucket).",
  "A number where text is expected is taken as its text (`costCenter: 4711` is \"4711\"); the text of a number or boolean where one is expected is taken as it.",
];

/** Where every pod kind's resources are in the config. */
export const RESOURCE_PATHS: readonly (readonly string[])[] = [
  ...["nodeExporter", "prometheus", "alertmanager", "loki", "elasticsearch", "jaeger", "logShipper", "grafana"].map((name) => [name, "resources"]),
  ["elasticsearch", "kibana", "resources"],
  ...["sidecar", "query", "storeGateway", "compactor"].map((part) => ["thanos", part, "resources"]),
  ...["write", "read", "backend"].map((target) => ["loki", target, "resources"]),
];

function resourcesAt(cfg: StackConfig, path: readonly string[]): Resources {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], cfg) as Resources;
}

/** One cross-field rule: the problems it finds in a config. */
export type CrossCheck = (cfg: StackConfig) => string[];

const ADDRESS_KEYS: { path: PropertyKey[]; read: (c: StackConfig) => string | undefined }[] = [
  { path: ["runbookBaseUrl"], read: (c) => c.runbookBaseUrl },
  { path: ["grafana", "url"], read: (c) => c.grafana.url },
  ...(["smarthost", "from", "onCallTo", "educationTeamTo"] as const).map((k) => ({
    path: ["alerting", "receivers", "email", k] as PropertyKey[],
    read: (c: StackConfig) => (c.alerting.receivers.email.enabled ? c.alerting.receivers.email[k] : undefined),
  })),
];

/** Cross-field rules the per-field schema cannot say; each reads only the keys it names. */
export const CROSS_CHECKS: CrossCheck[] = [
  (cfg) =>
    cfg.environment === "prod" && !cfg.persistence.enabled
      ? [`${configKey(["persistence", "enabled"])}: false is not allowed in prod; stateful components need persistent volumes (allowed: true)`]
      : [],
  // The prod pack's loki-retention bounds (policies/config/prod.json): a config the pack would
  // refuse is refused here, before anything is registered.
  (cfg) =>
    cfg.environment === "prod" && (cfg.loki.retentionDays < LOKI_PROD_RETENTION_DAYS.min || cfg.loki.retentionDays > LOKI_PROD_RETENTION_DAYS.max)
      ? [
          `${configKey(["loki", "retentionDays"])}: ${cfg.loki.retentionDays} is outside prod's log retention (allowed: ${LOKI_PROD_RETENTION_DAYS.min} to ${LOKI_PROD_RETENTION_DAYS.max} days, the loki-retention policy's bounds)`,
        ]
      : [],
  (cfg) =>
    cfg.environment === "prod" && !cfg.elasticsearch.security.enabled
      ? [
          `${configKey(["elasticsearch", "security", "enabled"])}: false is not allowed in prod; Elasticsearch holds the audit and security logs and needs TLS and authentication (allowed: true; only dev may turn it off)`,
        ]
      : [],
  (cfg) =>
    cfg.environment === "prod" && cfg.podSecurity !== "restricted"
      ? [`${configKey(["podSecurity"])}: ${JSON.stringify(cfg.podSecurity)} is not allowed in prod; the main namespace enforces the restricted Pod Security profile (allowed: "restricted"; dev may set "baseline")`]
      : [],
  (cfg) =>
    cfg.environment === "prod" && !cfg.network.defaultDeny
      ? [`${configKey(["network", "defaultDeny"])}: false is not allowed in prod; every namespace denies the traffic its components do not need (allowed: true; dev may set false)`]
      : [],
  (cfg) =>
    agentsNamespaceOf(cfg) === cfg.namespace
      ? [`${configKey(["agentsNamespace"])}: ${JSON.stringify(cfg.agentsNamespace)} is the main namespace; the node agents need host access, which the main namespace never admits (allowed: any other namespace; default "${cfg.namespace}-agents")`]
      : [],
  // Prod keeps replicas in separate failure domains; relaxing that takes an explicit setting.
  (cfg) => {
    const p = cfg.placement;
    if (cfg.environment !== "prod" || p.allowSharedFailureDomains) return [];
    const out: string[] = [];
    if (p.antiAffinity !== "required") {
      out.push(`${configKey(["placement", "antiAffinity"])}: "${p.antiAffinity}" is not allowed in prod; two replicas could share a node and be lost together (allowed: "required", or set placement.allowSharedFailureDomains: true for a cluster with fewer nodes than replicas)`);
    }
    if (p.zoneSpread !== "DoNotSchedule") {
      out.push(`${configKey(["placement", "zoneSpread"])}: "${p.zoneSpread}" is not allowed in prod; replicas could crowd one zone and be lost together (allowed: "DoNotSchedule", or set placement.allowSharedFailureDomains: true for a cluster with fewer zones than replicas)`);
    }
    return out;
  },
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
  (cfg) => lokiProblems(cfg),
  (cfg) => (!cfg.grafana.deploy && !cfg.grafana.url ? [`${configKey(["grafana", "url"])}: missing; required when grafana.deploy is false (the external Grafana to manage)`] : []),
  // Requests within limits, and within the largest node, per pod kind (each its own rule, so one bad
  // quantity hides no other).
  ...RESOURCE_PATHS.map((path): CrossCheck => (cfg) => checkRequestsWithinLimits(resourcesAt(cfg, path), path)),
  ...RESOURCE_PATHS.map((path): CrossCheck => (cfg) => checkRequestsFitNode(resourcesAt(cfg, path), path, cfg)),
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
  (cfg) => thanosProblems(cfg),
];

const EMAIL_FIELD_HINTS: Record<(typeof EMAIL_REQUIRED)[number], string> = {
  smarthost: 'the SMTP relay as "host:port"',
  from: "the sender address",
  onCallTo: "the on-call address for critical alerts",
  educationTeamTo: "the education team's address for educational alerts",
};

/** Loki's scalable mode: object storage, and no more copies of a stream than write replicas. */
function lokiProblems(cfg: StackConfig): string[] {
  const l = cfg.loki;
  const out: string[] = [];
  if (l.objectStore && cfg.aws.enabled) {
    out.push(`${configKey(["loki", "objectStore"])}: set while aws.enabled is true, which gives Loki the stack's S3 buckets; allowed: one of them (remove loki.objectStore, or set aws.enabled false)`);
  }
  if (l.mode !== "scalable") return out;
  if (!l.objectStore && !cfg.aws.enabled) {
    out.push(
      `${configKey(["loki", "mode"])}: "scalable" needs object storage shared by the write, read and backend targets, and there is none: aws.enabled is false and loki.objectStore is unset; ` +
        `allowed: "monolithic", or set aws.enabled true (the stack's S3 buckets), or loki.objectStore (an S3-compatible endpoint and its buckets)`,
    );
  }
  if (l.replicationFactor > l.write.replicas) {
    out.push(
      `${configKey(["loki", "replicationFactor"])}: ${l.replicationFactor} is more than ${configKey(["loki", "write", "replicas"])} (${l.write.replicas}): each copy of a stream needs its own write replica, so every push would fail; ` +
        `allowed: <= ${l.write.replicas}, or more write replicas`,
    );
  }
  return out;
}

/** A request above the largest node leaves the pod Pending for ever: refused, naming the component's key. */
function checkRequestsFitNode(r: Resources, path: readonly string[], cfg: StackConfig): string[] {
  const node = cfg.capacity.largestNode;
  const out: string[] = [];
  const sized = cfg.capacity.load !== undefined ? " (with capacity.load set, the capacity model may have sized it)" : "";
  if (quantityMilli(r.requests.cpu) > node.cpu * 1000) {
    out.push(
      `${configKey([...path, "requests", "cpu"])}: "${r.requests.cpu}" is more than the largest node's CPU (${configKey(["capacity", "largestNode", "cpu"])}: ${node.cpu})${sized}; ` +
        `allowed: <= ${node.cpu}, or a larger capacity.largestNode when the cluster has such nodes`,
    );
  }
  if (quantityMi(r.requests.memory) > node.memoryGi * 1024) {
    out.push(
      `${configKey([...path, "requests", "memory"])}: "${r.requests.memory}" is more than the largest node's memory (${configKey(["capacity", "largestNode", "memoryGi"])}: ${node.memoryGi})${sized}; ` +
        `allowed: <= ${node.memoryGi}Gi, or a larger capacity.largestNode when the cluster has such nodes`,
    );
  }
  return out;
}

function checkRequestsWithinLimits(r: Resources, path: readonly string[]): string[] {
  const out: string[] = [];
  if (quantityMilli(r.requests.cpu) > quantityMilli(r.limits.cpu)) {
    out.push(`${configKey([...path, "requests", "cpu"])}: "${r.requests.cpu}" exceeds the limit "${r.limits.cpu}"; allowed: <= limits.cpu`);
  }
  if (quantityMi(r.requests.memory) > quantityMi(r.limits.memory)) {
    out.push(`${configKey([...path, "requests", "memory"])}: "${r.requests.memory}" exceeds the limit "${r.limits.memory}"; allowed: <= limits.memory`);
  }
  return out;
}

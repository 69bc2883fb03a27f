/**
 * Alerting section of the stack config: receivers (credentials come from secrets, see SECRET_KEYS in
 * ../config.ts), per-environment alert thresholds, and the Alertmanager routing timings.
 *
 * Thresholds are named after their unit (…Ratio is 0–1, …PerSecond a rate, …Seconds a duration), and
 * every alert's `for:` is `forMinutes`. Where an alert has two tiers, the warning tier must trip
 * before the critical one; the schema refuses the opposite, naming the key.
 *
 * No address has a default: a placeholder would page nobody. An enabled e-mail receiver needs its
 * relay and addresses from the stack file (see loadConfig's cross-field rules).
 */
import { z } from "zod";

/**
 * The shortest range window any alert or recording rule reads (`[5m]`). A test holds every rule to
 * it; the longest allowed scrape interval is derived from it.
 */
export const SHORTEST_RULE_WINDOW_SECONDS = 300;
/**
 * Samples a rate window must hold: rate() needs two, and four leave room for one missed scrape and
 * for the window's edges without a rule going silent.
 */
export const MIN_SAMPLES_PER_RULE_WINDOW = 4;
/** The longest scrape interval whose samples every rule window still holds four of: 75 s. */
export const MAX_SCRAPE_INTERVAL_SECONDS = Math.floor(SHORTEST_RULE_WINDOW_SECONDS / MIN_SAMPLES_PER_RULE_WINDOW);
/** How far back a query looks for the latest sample of a series (Prometheus' default lookback delta, 5m). */
export const LOOKBACK_DELTA_SECONDS = 300;
/**
 * The longest rule evaluation interval: 120 s. The alerts read recorded series; a recorded sample
 * older than the lookback (exactly 300 s included) is not seen, and the alert resets. Two intervals
 * (one evaluation missed) must stay below the lookback: 2 × 120 s < 300 s. At 300 s an alert on a
 * recorded series never fires (the generative config test showed it with promtool).
 */
export const MAX_EVALUATION_INTERVAL_SECONDS = 120;

const channel = z.string().regex(/^#[a-z0-9_-]+$/, { message: 'a Slack channel like "#alerts-critical"' });
const email = z.string().email();
/** A Prometheus label name. */
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: "a Prometheus label name (letters, digits, '_')" });

/** `for:` of an alert, in minutes (0 = fire on the first bad evaluation). */
const forMinutes = z.number().int().min(0).max(1440);
const ratio = z.number().gt(0).lt(1);
const positive = z.number().gt(0);

type Tiers = { warning?: number; critical?: number };

/** Warning must trip first: for "higher is worse" thresholds warning < critical, for "lower is worse" warning > critical. */
function tiersInOrder(direction: "higher" | "lower") {
  return (t: Tiers, ctx: z.RefinementCtx) => {
    if (t.warning === undefined || t.critical === undefined) return;
    const ok = direction === "higher" ? t.warning < t.critical : t.warning > t.critical;
    if (!ok) {
      ctx.addIssue({
        code: "custom",
        path: ["warning"],
        message: `the warning tier must trip before the critical one: warning (${t.warning}) must be ${direction === "higher" ? "<" : ">"} critical (${t.critical})`,
      });
    }
  };
}

/** One threshold with two tiers. */
const twoTiers = (value: z.ZodNumber, direction: "higher" | "lower") =>
  z.object({ warning: value, critical: value, forMinutes }).strict().superRefine(tiersInOrder(direction));
const warningOnly = (value: z.ZodNumber) => z.object({ warning: value, forMinutes }).strict();
const criticalOnly = (value: z.ZodNumber) => z.object({ critical: value, forMinutes }).strict();

export const thresholdsSchema = z
  .object({
    /** ServiceDown (`up == 0`, critical): minutes a target must be down. Default 1 (the seeds). */
    serviceDown: z.object({ forMinutes }).strict(),
    /** HighErrorRate: share of HTTP 5xx responses per service, 0–1. Default prod 0.05 / 0.10 over 5 min, dev 0.10 / 0.25. */
    errorRatio: twoTiers(ratio, "higher"),
    /** HighResponseTime (warning): p95 HTTP latency per service, seconds. Default 2 s over 5 min (the seeds). */
    latencyP95Seconds: warningOnly(positive),
    /** HighCPUUsage (warning): busy share of a node's CPUs, 0–1. Default 0.8 over 10 min. */
    cpuUsageRatio: warningOnly(ratio),
    /** HighMemoryUsage: used share of a node's memory (1 − MemAvailable/MemTotal), 0–1. Default 0.8 / 0.9 over 5 min. */
    memoryUsageRatio: twoTiers(ratio, "higher"),
    /** DiskSpaceRunningLow: FREE share of a writable filesystem, 0–1 (lower is worse). Default 0.15 / 0.10 over 5 min. */
    diskFreeRatio: twoTiers(ratio, "lower"),
    /** DatabaseConnectionPoolExhausted (warning): active / max connections of a pool, 0–1. Default 0.9 over 2 min (the seeds). */
    dbPoolUsageRatio: warningOnly(ratio),
    /** AuthenticationFailures (warning): failed logins per second per service. Default 1/s over 5 min. */
    authFailuresPerSecond: warningOnly(positive),
    /** PaymentProcessingFailures (critical): share of failed payment transactions, 0–1. Default 0.05 over 5 min. */
    paymentFailureRatio: criticalOnly(ratio),
    /** EnrollmentFailures (warning): share of failed course enrollments, 0–1. Default 0.1 over 10 min. */
    enrollmentFailureRatio: warningOnly(ratio),
    /** FederationDeliveryFailure (warning): failed federation deliveries per second. Default 10/s over 5 min (the seeds). */
    federationFailuresPerSecond: warningOnly(positive),
    /** LowCompletionRate (warning, educational): course completion rate, 0–1 (lower is worse). Default 0.6 over 10 min (the seeds). */
    courseCompletionRatio: warningOnly(ratio),
    /** HighStudentDropout (critical, educational): dropouts per service in the last hour. Default 10 over 5 min (the seeds). */
    studentDropoutsPerHour: criticalOnly(positive),
    /** TraceCollectionErrors (warning): share of spans the Jaeger collector refuses, 0–1. Default 0.01 over 10 min. */
    traceRefusedRatio: warningOnly(ratio),
    /** LogIngestionIssues (warning): log lines Loki discards (rate limits, too old, too long), per second. Default 1/s over 10 min. */
    logDiscardedLinesPerSecond: warningOnly(positive),
    /** LokiRequestErrors (critical): share of Loki requests answered 5xx per route, 0–1. Default 0.1 over 15 min (the Loki mixin). */
    lokiErrorRatio: criticalOnly(ratio),
    /** AlertmanagerFailedToSendAlerts (warning): share of failed notifications per integration, 0–1. Default 0.01 over 5 min. */
    notificationFailureRatio: warningOnly(ratio),
  })
  .strict();
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const routingSchema = z
  .object({
    /** group_wait of every route but critical, seconds: how long to wait for more alerts of a new group. Default 30. */
    groupWaitSeconds: z.number().int().min(0).max(3600),
    /** group_wait of critical alerts, seconds. Default 1: a page reaches its receivers within seconds of firing (the seeds ask under 5 s; test/alerting/alert-path.test.ts measures it). */
    criticalGroupWaitSeconds: z.number().int().min(0).max(3600),
    /** group_interval, minutes: wait before notifying about alerts added to a group already notified. Default 5. */
    groupIntervalMinutes: z.number().int().min(1).max(1440),
    /** repeat_interval per severity, hours: re-send a still-firing group. Default critical 1, warning 4, info 24 (low noise). */
    repeatIntervalHours: z
      .object({ critical: z.number().int().min(1).max(168), warning: z.number().int().min(1).max(168), info: z.number().int().min(1).max(168) })
      .strict(),
    /** How often the Watchdog is re-sent to the dead man's switch, minutes; the switch must expect a ping at least this often. Default 5. */
    deadMansSwitchIntervalMinutes: z.number().int().min(1).max(60),
  })
  .strict();
export type Routing = z.infer<typeof routingSchema>;

export const alertingSchema = z
  .object({
    /**
     * Notification channels. A receiver that is off is left out of alertmanager.yml with its route;
     * one that is on needs its secret (see requiredSecrets). Default dev: all off; prod: slack,
     * pagerduty, email and deadMansSwitch on.
     */
    receivers: z
      .object({
        /** Slack incoming webhook (secret slackWebhookUrl): one channel per severity. Default channels #alerts-critical, #alerts-warning, #alerts-info. */
        slack: z.object({ enabled: z.boolean(), criticalChannel: channel, warningChannel: channel, infoChannel: channel }).strict(),
        /** PagerDuty Events v2 (secret pagerdutyRoutingKey): pages for critical alerts only. */
        pagerduty: z.object({ enabled: z.boolean() }).strict(),
        /** E-mail through an SMTP relay: critical alerts to onCallTo, educational ones to educationTeamTo. */
        email: z
          .object({
            enabled: z.boolean(),
            /** SMTP server host:port; required when enabled. No default. */
            smarthost: z.string().regex(/^[^\s:]+:\d{1,5}$/, { message: 'a "host:port" SMTP server' }).optional(),
            /** Sender address; required when enabled. No default. */
            from: email.optional(),
            /** On-call address for critical alerts; required when enabled. No default. */
            onCallTo: email.optional(),
            /** The education team's address for category=educational alerts; required when enabled. No default. */
            educationTeamTo: email.optional(),
            /** SMTP user; when set, the smtpPassword secret is required. */
            smtpAuthUsername: z.string().min(1).optional(),
            /** STARTTLS required towards the smarthost. Default true. */
            requireTls: z.boolean(),
          })
          .strict(),
        /** Generic webhook (secret webhookUrl): receives every critical, warning and info alert. Default off. */
        webhook: z.object({ enabled: z.boolean() }).strict(),
        /** Dead man's switch (secret deadMansSwitchUrl): receives the always-firing Watchdog, and only it. */
        deadMansSwitch: z.object({ enabled: z.boolean() }).strict(),
      })
      .strict(),
    /** Alert thresholds and `for:` durations, per environment. */
    thresholds: thresholdsSchema,
    /** Alertmanager grouping and repeat timings. */
    routing: routingSchema,
    /**
     * Label of http_requests_total that carries the HTTP status code. Default "status_code" (what the
     * seeds' prom-client services emit; the Python seed uses "status").
     */
    httpStatusLabel: labelName,
  })
  .strict();

export type AlertingConfig = z.infer<typeof alertingSchema>;
export type EmailReceiver = AlertingConfig["receivers"]["email"];

/** The e-mail fields an enabled receiver needs. */
export const EMAIL_REQUIRED = ["smarthost", "from", "onCallTo", "educationTeamTo"] as const;

/** An enabled e-mail receiver's settings, every address present; undefined when it is off. */
export interface EmailSettings {
  smarthost: string;
  from: string;
  onCallTo: string;
  educationTeamTo: string;
  smtpAuthUsername?: string;
  requireTls: boolean;
}

/**
 * The e-mail receiver's settings when it is on. loadConfig refuses an enabled receiver without its
 * addresses; this keeps the builders honest on their own.
 */
export function emailSettings(e: EmailReceiver): EmailSettings | undefined {
  if (!e.enabled) return undefined;
  const missing = EMAIL_REQUIRED.filter((k) => !e[k]);
  if (missing.length) throw new Error(`alerting.receivers.email is enabled but has no ${missing.join(", ")}`);
  return { smarthost: e.smarthost!, from: e.from!, onCallTo: e.onCallTo!, educationTeamTo: e.educationTeamTo!, smtpAuthUsername: e.smtpAuthUsername, requireTls: e.requireTls };
}

const receiversOff = {
  slack: { enabled: false, criticalChannel: "#alerts-critical", warningChannel: "#alerts-warning", infoChannel: "#alerts-info" },
  pagerduty: { enabled: false },
  email: { enabled: false, requireTls: true },
  webhook: { enabled: false },
  deadMansSwitch: { enabled: false },
};

const prodThresholds: Thresholds = {
  serviceDown: { forMinutes: 1 },
  errorRatio: { warning: 0.05, critical: 0.1, forMinutes: 5 },
  latencyP95Seconds: { warning: 2, forMinutes: 5 },
  cpuUsageRatio: { warning: 0.8, forMinutes: 10 },
  memoryUsageRatio: { warning: 0.8, critical: 0.9, forMinutes: 5 },
  diskFreeRatio: { warning: 0.15, critical: 0.1, forMinutes: 5 },
  dbPoolUsageRatio: { warning: 0.9, forMinutes: 2 },
  authFailuresPerSecond: { warning: 1, forMinutes: 5 },
  paymentFailureRatio: { critical: 0.05, forMinutes: 5 },
  enrollmentFailureRatio: { warning: 0.1, forMinutes: 10 },
  federationFailuresPerSecond: { warning: 10, forMinutes: 5 },
  courseCompletionRatio: { warning: 0.6, forMinutes: 10 },
  studentDropoutsPerHour: { critical: 10, forMinutes: 5 },
  traceRefusedRatio: { warning: 0.01, forMinutes: 10 },
  logDiscardedLinesPerSecond: { warning: 1, forMinutes: 10 },
  lokiErrorRatio: { critical: 0.1, forMinutes: 15 },
  notificationFailureRatio: { warning: 0.01, forMinutes: 5 },
};

/** Dev: little traffic, so ratios are noisier; only the error-ratio tiers are looser. */
const devThresholds: Thresholds = {
  ...prodThresholds,
  errorRatio: { warning: 0.1, critical: 0.25, forMinutes: 5 },
};

const routing: Routing = {
  groupWaitSeconds: 30,
  criticalGroupWaitSeconds: 1,
  groupIntervalMinutes: 5,
  repeatIntervalHours: { critical: 1, warning: 4, info: 24 },
  deadMansSwitchIntervalMinutes: 5,
};

export const alertingDefaults: Record<"dev" | "prod", AlertingConfig> = {
  dev: { receivers: receiversOff, thresholds: devThresholds, routing, httpStatusLabel: "status_code" },
  prod: {
    receivers: {
      ...receiversOff,
      slack: { ...receiversOff.slack, enabled: true },
      pagerduty: { enabled: true },
      email: { ...receiversOff.email, enabled: true },
      deadMansSwitch: { enabled: true },
    },
    thresholds: prodThresholds,
    routing,
    httpStatusLabel: "status_code",
  },
};

/**
 * Pure builder of alertmanager.yml from the typed stack config and the secret values (webhook URLs,
 * routing key, SMTP password). The component serialises the result into a Kubernetes Secret; the
 * tests check it with `amtool check-config` and `amtool config routes test`.
 *
 * Route tree (first match wins unless `continue`):
 *
 *   alertname=Watchdog      → deadmansswitch (or "null" when the switch is off; never anywhere else)
 *   category=educational    → education-team e-mail, continue
 *   severity=critical       → critical: PagerDuty + Slack critical channel + on-call e-mail + webhook
 *   severity=warning        → warning:  Slack warning channel + webhook
 *   severity=info           → info:     Slack info channel + webhook, long group interval and repeat
 *   anything else           → "null"
 *
 * A receiver none of whose integrations is enabled is left out together with its route, so its alerts
 * fall through to the root's "null" receiver (no integrations): a dev stack with every receiver off
 * still has a valid, quiet Alertmanager.
 */
import type { SecretKey, StackConfig } from "../config";
import { SUBJECT_LABELS } from "./rules";
import { emailSettings } from "./schema";

/** Receiver names: the routing tests and anyone reading Alertmanager's UI see these. */
export const RECEIVERS = {
  /** No integrations: where unrouted alerts (and a disabled Watchdog) go. */
  none: "null",
  critical: "critical",
  warning: "warning",
  info: "info",
  education: "education-team",
  deadMansSwitch: "deadmansswitch",
} as const;
export type ReceiverName = (typeof RECEIVERS)[keyof typeof RECEIVERS];

/** Alerts silenced while ServiceDown fires for the same service: their symptoms follow from it. */
export const SERVICE_DOWN_INHIBITS = ["HighErrorRate", "HighResponseTime"] as const;

export const GROUP_BY = ["alertname", "service", "severity"] as const;

const SLACK_TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} ({{ . }}){{ end }}';
const SLACK_TEXT =
  "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}";
const EMAIL_SUBJECT =
  '[{{ .Status | toUpper }}] {{ .CommonLabels.severity }}: {{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} ({{ . }}){{ end }}';

type Integration = Record<string, unknown>;
interface Receiver {
  name: ReceiverName;
  email_configs?: Integration[];
  slack_configs?: Integration[];
  pagerduty_configs?: Integration[];
  webhook_configs?: Integration[];
}

/** The integrations of one receiver; empty lists are dropped. */
function receiver(name: ReceiverName, parts: Omit<Receiver, "name">): Receiver {
  const out: Receiver = { name };
  for (const [k, v] of Object.entries(parts) as [keyof Omit<Receiver, "name">, Integration[]][]) if (v.length) out[k] = v;
  return out;
}

function hasIntegrations(r: Receiver): boolean {
  return Object.keys(r).length > 1;
}

const when = <T>(cond: boolean, make: () => T): T[] => (cond ? [make()] : []);

/**
 * alertmanager.yml as a plain object. Throws when an enabled receiver's secret is missing (loadConfig
 * reports that earlier through requiredSecrets; this keeps the builder honest on its own).
 */
export function buildAlertmanagerConfig(cfg: StackConfig, secrets: Partial<Record<SecretKey, string>>): object {
  const { receivers: r, routing } = cfg.alerting;
  const mail = emailSettings(r.email);
  const secret = (key: SecretKey, receiverKey: string): string => {
    const v = secrets[key];
    if (!v) throw new Error(`alertmanager: alerting.receivers.${receiverKey} is enabled but the secret ${key} has no value`);
    return v;
  };

  const slack = (channel: string) => ({
    api_url: secret("slackWebhookUrl", "slack"),
    channel,
    send_resolved: true,
    title: SLACK_TITLE,
    text: SLACK_TEXT,
  });
  const email = (to: string) => ({ to, send_resolved: true, headers: { Subject: EMAIL_SUBJECT } });
  const webhook = () => ({ url: secret("webhookUrl", "webhook"), send_resolved: true });

  const critical = receiver(RECEIVERS.critical, {
    pagerduty_configs: when(r.pagerduty.enabled, () => ({
      routing_key: secret("pagerdutyRoutingKey", "pagerduty"),
      severity: "critical",
      description: "{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}",
      send_resolved: true,
    })),
    slack_configs: when(r.slack.enabled, () => slack(r.slack.criticalChannel)),
    email_configs: when(mail !== undefined, () => email(mail!.onCallTo)),
    webhook_configs: when(r.webhook.enabled, webhook),
  });
  const warning = receiver(RECEIVERS.warning, {
    slack_configs: when(r.slack.enabled, () => slack(r.slack.warningChannel)),
    webhook_configs: when(r.webhook.enabled, webhook),
  });
  const info = receiver(RECEIVERS.info, {
    slack_configs: when(r.slack.enabled, () => slack(r.slack.infoChannel)),
    webhook_configs: when(r.webhook.enabled, webhook),
  });
  const education = receiver(RECEIVERS.education, {
    email_configs: when(mail !== undefined, () => email(mail!.educationTeamTo)),
  });
  const deadMansSwitch = receiver(RECEIVERS.deadMansSwitch, {
    webhook_configs: when(r.deadMansSwitch.enabled, () => ({ url: secret("deadMansSwitchUrl", "deadMansSwitch"), send_resolved: false })),
  });

  const repeat = routing.repeatIntervalHours;
  const routes: Record<string, unknown>[] = [
    {
      // Always first and never continuing: the heartbeat must not reach a human channel.
      receiver: hasIntegrations(deadMansSwitch) ? RECEIVERS.deadMansSwitch : RECEIVERS.none,
      matchers: ['alertname="Watchdog"'],
      group_wait: "0s",
      group_interval: "1m",
      repeat_interval: `${routing.deadMansSwitchIntervalMinutes}m`,
    },
    ...when(hasIntegrations(education), () => ({
      receiver: RECEIVERS.education,
      matchers: ['category="educational"'],
      continue: true,
    })),
    ...when(hasIntegrations(critical), () => ({
      receiver: RECEIVERS.critical,
      matchers: ['severity="critical"'],
      group_wait: `${routing.criticalGroupWaitSeconds}s`,
      repeat_interval: `${repeat.critical}h`,
    })),
    ...when(hasIntegrations(warning), () => ({
      receiver: RECEIVERS.warning,
      matchers: ['severity="warning"'],
      repeat_interval: `${repeat.warning}h`,
    })),
    ...when(hasIntegrations(info), () => ({
      receiver: RECEIVERS.info,
      matchers: ['severity="info"'],
      group_wait: "5m",
      group_interval: "30m",
      repeat_interval: `${repeat.info}h`,
    })),
  ];

  const global: Record<string, unknown> = { resolve_timeout: "5m" };
  if (mail) {
    global.smtp_smarthost = mail.smarthost;
    global.smtp_from = mail.from;
    global.smtp_require_tls = mail.requireTls;
    if (mail.smtpAuthUsername) {
      global.smtp_auth_username = mail.smtpAuthUsername;
      global.smtp_auth_password = secret("smtpPassword", "email.smtpAuthUsername");
    }
  }

  return {
    global,
    route: {
      receiver: RECEIVERS.none,
      group_by: [...GROUP_BY],
      group_wait: `${routing.groupWaitSeconds}s`,
      group_interval: `${routing.groupIntervalMinutes}m`,
      repeat_interval: `${repeat.warning}h`,
      routes,
    },
    inhibit_rules: [
      {
        // A critical alert silences the warning and info tiers of the same alert on the same subject.
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity=~"warning|info"'],
        equal: ["alertname", ...SUBJECT_LABELS],
      },
      {
        source_matchers: ['severity="warning"'],
        target_matchers: ['severity="info"'],
        equal: ["alertname", ...SUBJECT_LABELS],
      },
      {
        // A service that is down also has errors and latency: page once, for the cause.
        source_matchers: ['alertname="ServiceDown"'],
        target_matchers: [`alertname=~"${SERVICE_DOWN_INHIBITS.join("|")}"`],
        equal: ["namespace", "service"],
      },
    ],
    receivers: [{ name: RECEIVERS.none }, ...[deadMansSwitch, education, critical, warning, info].filter(hasIntegrations)],
  };
}

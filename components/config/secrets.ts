import type { StackConfig } from "./schema";

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

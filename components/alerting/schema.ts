/**
 * Alerting section of the stack config: receivers (credentials come from secrets, see SECRET_KEYS in
 * ../config.ts) and per-environment alert thresholds.
 */
import { z } from "zod";

const channel = z.string().regex(/^#[a-z0-9_-]+$/, { message: 'a Slack channel like "#alerts-critical"' });
const email = z.string().email();

export const alertingSchema = z
  .object({
    receivers: z
      .object({
        slack: z.object({ enabled: z.boolean(), criticalChannel: channel, warningChannel: channel, infoChannel: channel }).strict(),
        pagerduty: z.object({ enabled: z.boolean() }).strict(),
        email: z
          .object({
            enabled: z.boolean(),
            /** SMTP server host:port. */
            smarthost: z.string().regex(/^[^\s:]+:\d{1,5}$/, { message: 'a "host:port" SMTP server' }),
            from: email,
            /** On-call address for critical alerts. */
            onCallTo: email,
            /** The education team's address for category=educational alerts. */
            educationTeamTo: email,
            /** SMTP user; when set, the smtpPassword secret is required. */
            smtpAuthUsername: z.string().min(1).optional(),
            requireTls: z.boolean(),
          })
          .strict(),
        webhook: z.object({ enabled: z.boolean() }).strict(),
        deadMansSwitch: z.object({ enabled: z.boolean() }).strict(),
      })
      .strict(),
  })
  .strict();

export type AlertingConfig = z.infer<typeof alertingSchema>;

const receiversOff = {
  slack: { enabled: false, criticalChannel: "#alerts-critical", warningChannel: "#alerts-warning", infoChannel: "#alerts-info" },
  pagerduty: { enabled: false },
  email: {
    enabled: false,
    smarthost: "smtp.example.com:587",
    from: "alertmanager@example.com",
    onCallTo: "oncall@example.com",
    educationTeamTo: "education-team@example.com",
    requireTls: true,
  },
  webhook: { enabled: false },
  deadMansSwitch: { enabled: false },
};

export const alertingDefaults: Record<"dev" | "prod", AlertingConfig> = {
  dev: { receivers: receiversOff },
  prod: {
    receivers: {
      ...receiversOff,
      slack: { ...receiversOff.slack, enabled: true },
      pagerduty: { enabled: true },
      email: { ...receiversOff.email, enabled: true },
      deadMansSwitch: { enabled: true },
    },
  },
};

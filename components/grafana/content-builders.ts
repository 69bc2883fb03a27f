/**
 * The pure builders behind GrafanaContent (./content.ts): from the alerting config and the secrets to
 * the arguments of Grafana's alerting resources. No resource is created here.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as grafana from "@pulumiverse/grafana";
import type { SecretKey } from "../config";
import type { AlertingConfig } from "../alerting/schema";
import {
  contactPointSpecs,
  GRAFANA_ALERTING_NAMES,
  type ContactPointRole,
  type IntegrationSpec,
  type IntegrationType,
} from "./provisioning";

/**
 * Contact point arguments per role, for the receivers that are enabled (contactPointSpecs), with each
 * credential as a secret Output. An enabled receiver without its secret is a configuration error.
 */
export function buildContactPoints(
  alerting: AlertingConfig,
  secrets: Partial<Record<SecretKey, pulumi.Input<string>>>,
): Partial<Record<ContactPointRole, grafana.alerting.ContactPointArgs>> {
  const field: Record<IntegrationType, "slacks" | "pagerduties" | "emails" | "webhooks"> = {
    slack: "slacks",
    pagerduty: "pagerduties",
    email: "emails",
    webhook: "webhooks",
  };
  const out: Partial<Record<ContactPointRole, grafana.alerting.ContactPointArgs>> = {};
  for (const [role, integrations] of Object.entries(contactPointSpecs(alerting)) as [ContactPointRole, IntegrationSpec[]][]) {
    const args: Record<string, unknown[]> = {};
    for (const i of integrations) {
      const item: Record<string, unknown> = { ...i.settings };
      // The API takes a list of addresses where the provisioning file takes a ";"-separated string.
      if (typeof item.addresses === "string") item.addresses = item.addresses.split(";");
      if (i.credential) {
        const v = secrets[i.credential.secret];
        if (v === undefined) throw new Error(`GrafanaContent: alerting.receivers.${i.type} is enabled but the secret ${i.credential.secret} is not set`);
        item[i.credential.setting] = pulumi.secret(v);
      }
      (args[field[i.type]] ??= []).push(item);
    }
    out[role] = { name: GRAFANA_ALERTING_NAMES.contactPoints[role], ...args };
  }
  return out;
}

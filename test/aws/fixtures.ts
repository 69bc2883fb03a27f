/** Shared fixtures of the AWS tests: raw stack configs as index.ts would pass them to loadConfig. */
import { deepMerge, type RawConfig } from "../../components/config";
import { PROD_ADDRESSES } from "../helpers/mocks";

export const ACCOUNT = "123456789012";
export const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
export const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

/** The secrets the prod defaults' receivers require (values never pass through loadConfig). */
const PROD_SECRETS = new Set(["slackWebhookUrl", "pagerdutyRoutingKey", "deadMansSwitchUrl"]);

/** A prod stack file: the addresses prod has no default for, and `values`. */
export function prodRaw(values: Record<string, unknown> = { aws: { oidcProviderArn: OIDC_ARN, oidcProviderUrl: ISSUER } }): RawConfig {
  return { values: deepMerge(PROD_ADDRESSES as Record<string, unknown>, values), secretsSet: PROD_SECRETS, stack: "prod" };
}

export function devRaw(values: Record<string, unknown> = {}): RawConfig {
  return { values, secretsSet: new Set(), stack: "dev" };
}

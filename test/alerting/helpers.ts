/**
 * Shared by the alerting tests: the stack config of an environment, the pinned promtool/amtool, and a
 * scratch directory. A missing tool fails the test with the command that builds it; it never skips.
 */
import { execFileSync } from "child_process";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { DEFAULTS, DeepPartial, Environment, SecretKey, StackConfig, deepMerge, stackConfigSchema } from "../../components/config";

import { PROD_ADDRESSES } from "../helpers/mocks";

export { REPO, tool } from "../helpers/tools";

/**
 * The defaults of an environment (prod with the addresses it has no default for), optionally
 * overridden, validated by the one schema.
 */
export function stackConfig(environment: Environment, overrides: DeepPartial<StackConfig> = {}): StackConfig {
  const base = deepMerge({ environment, ...DEFAULTS[environment] }, environment === "prod" ? PROD_ADDRESSES : {});
  return stackConfigSchema.parse(deepMerge(base, overrides));
}

/** Fake values for every secret: the amtool tests need well-formed URLs, never real ones. */
export const FAKE_SECRETS: Record<SecretKey, string> = {
  slackWebhookUrl: "https://slack.invalid/services/T000/B000/XXXX",
  pagerdutyRoutingKey: "0123456789abcdef0123456789abcdef",
  smtpPassword: "not-a-real-password",
  deadMansSwitchUrl: "https://deadmansswitch.invalid/ping/0000",
  webhookUrl: "https://webhook.invalid/alerts",
  grafanaToken: "glsa_fake",
};

/** Run a tool; on a non-zero exit throw with its whole output, so the failing check is visible. */
export function run(bin: string, args: string[]): string {
  try {
    return execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`${bin} ${args.join(" ")} exited ${err.status}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/**
 * AWS section of the stack config: S3 storage for Loki and Elasticsearch snapshots, IRSA roles, an
 * optional SNS paging topic. When disabled (dev), the stack registers no AWS resource at all.
 *
 * Retention is not configured here: the Loki chunk bucket expires objects after `loki.retentionDays`
 * (the store's own setting), so there is one number to change. Only what has no counterpart in a store
 * lives here (how long deleted versions are kept, the snapshot schedule and its retention).
 */
import { z } from "zod";
import { esCronProblems } from "../config/cron";

const days = (max: number) => z.number().int().min(1).max(max);

/**
 * An Elasticsearch cron expression (seconds minutes hours day-of-month month day-of-week [year]),
 * e.g. "0 30 1 * * ?" = every day at 01:30 UTC. Every field is checked with its range (../config/cron.ts).
 */
const esCron = z.string().superRefine((expr, ctx) => {
  for (const problem of esCronProblems(expr)) ctx.addIssue({ code: "custom", message: `${problem} (an Elasticsearch cron expression)` });
});

export const snapshotsSchema = z
  .object({
    /** When SLM takes a snapshot (Elasticsearch cron, UTC). Default "0 30 1 * * ?" (daily 01:30). */
    schedule: esCron,
    /**
     * SLM retention.expire_after, in days: snapshots older than this are deleted (keeping at least
     * minCount). A snapshot holds an index for up to this long after ILM deleted it, so this may not
     * exceed the shortest log-class deleteAfterDays (at most one more retention period of restorable
     * copies). Default 7 (dev) / 30 (prod).
     */
    expireAfterDays: days(3650),
    /** SLM retention.min_count: snapshots always kept, even when expired. Default 5. */
    minCount: z.number().int().min(1).max(1000),
    /** SLM retention.max_count: snapshots kept at most. Default 50. */
    maxCount: z.number().int().min(1).max(1000),
  })
  .strict();
export type SnapshotsConfig = z.infer<typeof snapshotsSchema>;

export const awsSchema = z
  .object({
    /** Provision S3 storage and IRSA roles; off = no AWS resource at all. Default false (dev) / true (prod). */
    enabled: z.boolean(),
    /** Region of the buckets, the KMS key and the SNS topic. Default "eu-west-1". */
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { message: 'an AWS region like "eu-west-1"' }),
    /**
     * ARN of the cluster's IAM OIDC provider (required when enabled), e.g.
     * "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE".
     * Its account id and partition are also those of the KMS key policy. No default.
     */
    oidcProviderArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/, { message: "an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer>)" }).optional(),
    /**
     * Issuer URL of the cluster's OIDC provider without https:// (required when enabled), e.g.
     * "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"; must be the part of oidcProviderArn after "oidc-provider/". No default.
     */
    oidcProviderUrl: z.string().regex(/^[^\s:/]+(\/[^\s]*)?$/, { message: "an issuer host/path without https://" }).optional(),
    /**
     * Days a deleted or overwritten object version is kept before S3 removes it for good (every bucket
     * is versioned): the window to recover from a bad compaction, a wrong delete or a bad restore. Default 7.
     */
    noncurrentVersionExpirationDays: days(365),
    /** Waiting period before a KMS key scheduled for deletion is deleted, in days (AWS allows 7-30). Default 30. */
    kmsDeletionWindowDays: z.number().int().min(7).max(30),
    /** Elasticsearch snapshots to the snapshot bucket, managed by SLM. */
    snapshots: snapshotsSchema,
    /** An SNS topic Alertmanager can publish to (sns_configs) for AWS-native paging. Default off. */
    sns: z.object({ enabled: z.boolean() }).strict(),
  })
  .strict();

export type AwsConfig = z.infer<typeof awsSchema>;

const common = {
  region: "eu-west-1",
  noncurrentVersionExpirationDays: 7,
  kmsDeletionWindowDays: 30,
  sns: { enabled: false },
};

export const awsDefaults: Record<"dev" | "prod", AwsConfig> = {
  dev: { ...common, enabled: false, snapshots: { schedule: "0 30 1 * * ?", expireAfterDays: 7, minCount: 5, maxCount: 50 } },
  prod: { ...common, enabled: true, snapshots: { schedule: "0 30 1 * * ?", expireAfterDays: 30, minCount: 5, maxCount: 50 } },
};

/** The part of an OIDC provider ARN after "oidc-provider/": the issuer host/path IAM knows it by. */
export function oidcIssuerFromArn(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/.exec(arn);
  return m?.[1];
}

/** Account id and partition of an ARN ("arn:<partition>:<service>:<region>:<account>:..."). */
export function arnAccount(arn: string): { partition: string; accountId: string } {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || !/^\d{12}$/.test(parts[4])) throw new Error(`not an ARN with an account id: ${arn}`);
  return { partition: parts[1], accountId: parts[4] };
}

/** The minimal slice of the stack config the AWS checks read (the full StackConfig satisfies it). */
export interface AwsCheckInput {
  aws: AwsConfig;
  elasticsearch: { logClasses: Record<string, { deleteAfterDays: number }> };
}

const KEY = (path: string) => `observability-stack:aws.${path}`;

/**
 * Cross-field rules of the AWS section, in the project's message format (key, value, what is allowed).
 * Empty when aws.enabled is false: a disabled section is never read.
 */
export function awsProblems(cfg: AwsCheckInput): string[] {
  const a = cfg.aws;
  if (!a.enabled) return [];
  const p: string[] = [];
  if (!a.oidcProviderArn) {
    p.push(
      `${KEY("oidcProviderArn")}: missing; required when aws.enabled is true (the ARN of the cluster's IAM OIDC provider, ` +
        `e.g. "arn:aws:iam::123456789012:oidc-provider/oidc.eks.${a.region}.amazonaws.com/id/EXAMPLE"; ` +
        `\`aws eks describe-cluster\` shows its issuer)`,
    );
  }
  if (!a.oidcProviderUrl) {
    p.push(
      `${KEY("oidcProviderUrl")}: missing; required when aws.enabled is true (the cluster's OIDC issuer without https://, ` +
        `e.g. "oidc.eks.${a.region}.amazonaws.com/id/EXAMPLE")`,
    );
  }
  if (a.oidcProviderArn && a.oidcProviderUrl) {
    const issuer = oidcIssuerFromArn(a.oidcProviderArn);
    if (issuer !== a.oidcProviderUrl) {
      p.push(
        `${KEY("oidcProviderUrl")}: ${JSON.stringify(a.oidcProviderUrl)} does not match aws.oidcProviderArn; ` +
          `allowed: ${JSON.stringify(issuer)} (the trust policy's condition keys must name the provider the role trusts)`,
      );
    }
  }
  const s = a.snapshots;
  if (s.minCount > s.maxCount) {
    p.push(`${KEY("snapshots.minCount")}: ${s.minCount} is larger than aws.snapshots.maxCount (${s.maxCount}); allowed: <= ${s.maxCount}`);
  }
  const classes = Object.entries(cfg.elasticsearch.logClasses);
  if (classes.length) {
    const [shortestName, shortest] = classes.reduce((m, c) => (c[1].deleteAfterDays < m[1].deleteAfterDays ? c : m));
    if (s.expireAfterDays > shortest.deleteAfterDays) {
      p.push(
        `${KEY("snapshots.expireAfterDays")}: ${s.expireAfterDays} keeps snapshots longer than the ${shortestName} logs' retention ` +
          `(elasticsearch.logClasses.${shortestName}.deleteAfterDays = ${shortest.deleteAfterDays}); allowed: <= ${shortest.deleteAfterDays}`,
      );
    }
  }
  return p;
}

/**
 * AWS section of the stack config. When disabled (dev), the stack registers no AWS resource.
 */
import { z } from "zod";

export const awsSchema = z
  .object({
    /** Provision S3 storage and IRSA roles; off = no AWS resource at all. */
    enabled: z.boolean(),
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { message: 'an AWS region like "eu-west-1"' }),
    /** ARN of the cluster's IAM OIDC provider (required when enabled). */
    oidcProviderArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/, { message: "an IAM OIDC provider ARN" }).optional(),
    /** Issuer URL of the cluster's OIDC provider without https:// (required when enabled). */
    oidcProviderUrl: z.string().regex(/^[^\s:/]+(\/[^\s]*)?$/, { message: "an issuer host/path without scheme" }).optional(),
  })
  .strict();

export type AwsConfig = z.infer<typeof awsSchema>;

export const awsDefaults: Record<"dev" | "prod", AwsConfig> = {
  dev: { enabled: false, region: "eu-west-1" },
  prod: { enabled: true, region: "eu-west-1" },
};

/**
 * aws-required-tags: every taggable AWS resource carries Environment, Team, CostCenter and ManagedBy.
 *
 * Severity: medium. Cost allocation and ownership reports are built from these tags.
 *
 * Where tags come from: the stack sets them once, in the AWS provider's defaultTags. A resource's
 * inputs do not contain them (tagsAll is computed by the provider, and unknown during a preview),
 * so the policy reads the provider the engine passes along (args.provider: its defaultTags) and
 * merges tagsAll when known and the resource's own tags on top: the tags AWS will actually carry.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { environmentSchema, readConfig } from "../lib/config";
import { effectiveTags } from "../lib/aws";

export interface AwsRequiredTagsConfig {
  requiredTags: string[];
  /** Expected Environment tag; unset = not compared. */
  environment?: string;
  /** Types known to take tags even when neither tags nor tagsAll is among their inputs. */
  taggableTypes: string[];
}

export const awsRequiredTagsDefaults: AwsRequiredTagsConfig = {
  requiredTags: ["Environment", "Team", "CostCenter", "ManagedBy"],
  taggableTypes: [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
  ],
};

export const awsRequiredTags: ResourceValidationPolicy = {
  name: "aws-required-tags",
  description: "Every taggable AWS resource carries the Environment, Team, CostCenter and ManagedBy tags, from its own tags or the provider's defaultTags.",
  severity: "medium",
  configSchema: {
    properties: {
      requiredTags: { type: "array", items: { type: "string" }, default: awsRequiredTagsDefaults.requiredTags },
      environment: environmentSchema,
      taggableTypes: { type: "array", items: { type: "string" }, default: awsRequiredTagsDefaults.taggableTypes },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!args.type.startsWith("aws:")) return;
    const cfg = readConfig(args, awsRequiredTagsDefaults);
    const taggable = "tags" in args.props || "tagsAll" in args.props || cfg.taggableTypes.includes(args.type);
    if (!taggable) return;
    const tags = effectiveTags(args.props, args.provider?.props);
    const missing = cfg.requiredTags.filter((k) => tags[k] === undefined || tags[k] === null);
    if (missing.length) reportViolation(`missing tags ${missing.join(", ")}; set them in the AWS provider's defaultTags`);
    for (const k of cfg.requiredTags) {
      if (!missing.includes(k) && (typeof tags[k] !== "string" || String(tags[k]).trim() === "")) reportViolation(`tag ${k} is empty`);
    }
    const env = tags.Environment;
    if (cfg.environment !== undefined && typeof env === "string" && env !== "" && env !== cfg.environment) {
      reportViolation(`tag Environment is "${env}", not the stack's environment "${cfg.environment}"`);
    }
  },
};

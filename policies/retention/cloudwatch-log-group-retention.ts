/**
 * cloudwatch-log-group-retention: every CloudWatch log group expires its events.
 *
 * Severity: medium. A log group without retentionInDays (or with 0) keeps events forever and is
 * billed for them forever.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DayBounds, dayBoundsSchema, describeBounds, readConfig, withinBounds } from "../lib/config";

export interface CloudwatchLogGroupRetentionConfig {
  retention: DayBounds;
}

export const cloudwatchLogGroupRetentionDefaults: CloudwatchLogGroupRetentionConfig = {
  retention: { minDays: 1, maxDays: 3653 },
};

export const cloudwatchLogGroupRetention: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-retention",
  description: "Every CloudWatch log group sets retentionInDays within the environment's bounds.",
  severity: "medium",
  configSchema: {
    properties: {
      retention: { ...dayBoundsSchema, default: { ...cloudwatchLogGroupRetentionDefaults.retention } },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "aws:cloudwatch/logGroup:LogGroup") return;
    const cfg = readConfig(args, cloudwatchLogGroupRetentionDefaults);
    const days = args.props.retentionInDays;
    if (typeof days !== "number" || days === 0) {
      reportViolation(`retentionInDays is not set; the log group would keep events forever (allowed: ${describeBounds(cfg.retention)})`);
    } else if (!withinBounds(days, cfg.retention)) {
      reportViolation(`retentionInDays ${days} is outside the allowed ${describeBounds(cfg.retention)}`);
    }
  },
};

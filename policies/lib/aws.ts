/** Reading AWS resources: tags as the provider will apply them, and S3 lifecycle rules. */
import { asArray, asObj } from "./k8s";
import { known } from "./parse";

/** Parse a provider's defaultTags: an object, or the JSON string the AWS SDK sends provider inputs as. */
export function defaultTagsOf(providerProps: Record<string, any> | undefined): Record<string, unknown> {
  let dt: unknown = providerProps?.defaultTags;
  if (typeof dt === "string") {
    try {
      dt = JSON.parse(dt);
    } catch {
      return {};
    }
  }
  return asObj(asObj(dt)?.tags) ?? {};
}

/**
 * The tags AWS will carry: the provider's defaultTags, then tagsAll when the engine already knows it
 * (stack outputs, refresh), then the resource's own tags, which win.
 */
export function effectiveTags(props: Record<string, any>, providerProps?: Record<string, any>): Record<string, unknown> {
  const tagsAll = known(() => ({ ...(asObj(props.tagsAll) ?? {}) }), {});
  return { ...defaultTagsOf(providerProps), ...tagsAll, ...(asObj(props.tags) ?? {}) };
}

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
export const LIFECYCLE_TYPES = [
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
];

/** Expiration days of the enabled rules of a lifecycle configuration (or a bucket's inline rules). */
export function expirationDays(rules: unknown): number[] {
  const out: number[] = [];
  for (const r of asArray(rules)) {
    const rule = asObj(r);
    if (!rule) continue;
    const enabled = rule.status !== undefined ? rule.status === "Enabled" : rule.enabled !== false;
    if (!enabled) continue;
    const exp = Array.isArray(rule.expiration) ? asObj(rule.expiration[0]) : asObj(rule.expiration);
    if (typeof exp?.days === "number" && exp.days > 0) out.push(exp.days);
  }
  return out;
}

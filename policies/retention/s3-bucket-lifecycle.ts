/**
 * s3-bucket-lifecycle: every telemetry bucket expires its objects after the retention of the store
 * that writes into it; snapshot buckets are left to the snapshot lifecycle instead.
 *
 * Severity: high. A store deletes what it indexes, but objects it lost track of stay in the bucket
 * forever unless S3 expires them; an expiration shorter than the store's retention deletes data the
 * store still serves. Elasticsearch snapshots are incremental (newer snapshots reuse older files), so
 * an age-based expiration corrupts them: their bucket must not expire current objects, and an SLM
 * policy with retention.expire_after must exist instead, no longer than the shortest-kept log class
 * (or logs deleted from the cluster would live on in snapshots). Buckets of configuration (Loki's ruler) hold
 * no telemetry.
 *
 * A bucket's role comes from the first `buckets` rule whose `match` is part of its resource name (a
 * store has buckets of several roles: Loki's chunks and its ruler's rule files), else it is telemetry
 * of the store its Store tag names, else telemetry of an unknown store.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { BUCKET_TYPES, LIFECYCLE_TYPES, effectiveTags, expirationDays } from "../lib/aws";
import { formatDays, parseDurationDays } from "../lib/duration";
import { configMapData, hasUnknownData } from "../lib/k8s";
import { at, known, parseJson } from "../lib/parse";
import { configMapsOf, retentionDaysByStore } from "../lib/stores";

export interface BucketRule {
  /** Part of the bucket's resource name. */
  match: string;
  kind: "telemetry" | "snapshots" | "config";
  /** The store whose retention a telemetry bucket's expiration must match. */
  store?: string;
}

export interface S3BucketLifecycleConfig {
  buckets: BucketRule[];
  /** Tag naming the store of a telemetry bucket no name rule matches. */
  storeTag: string;
  /** Days an expiration may exceed the store's retention. */
  toleranceDays: number;
  /** Upper bound of an expiration (or SLM expire_after) when no store retention applies. */
  maxDays: number;
  /** app.kubernetes.io/name of the ConfigMap holding the SLM policy, and its data key. */
  slm: { appName: string; key: string };
}

export const s3BucketLifecycleDefaults: S3BucketLifecycleConfig = {
  buckets: [
    { match: "loki-chunks", kind: "telemetry", store: "loki" },
    { match: "loki-ruler", kind: "config" },
    { match: "snapshots", kind: "snapshots", store: "elasticsearch" },
    // Thanos' blocks expire with the Compactor's longest resolution retention.
    { match: "thanos", kind: "telemetry", store: "thanos" },
  ],
  storeTag: "Store",
  toleranceDays: 1,
  maxDays: 3653,
  slm: { appName: "elasticsearch", key: "slm-policy.json" },
};

function ruleOf(bucket: PolicyResource, cfg: S3BucketLifecycleConfig): BucketRule {
  const byName = cfg.buckets.find((b) => bucket.name.includes(b.match));
  if (byName) return byName;
  const tag = effectiveTags(bucket.props, bucket.provider?.props)[cfg.storeTag];
  if (typeof tag === "string" && tag !== "") return { match: bucket.name, kind: "telemetry", store: tag.toLowerCase() };
  return { match: bucket.name, kind: "telemetry" };
}

/** The log class with the shortest ILM delete phase among the given ConfigMaps. */
function shortestLogClass(maps: { props: Record<string, any> }[]): { cls: string; days: number } | undefined {
  let out: { cls: string; days: number } | undefined;
  for (const m of maps) {
    for (const [key, text] of Object.entries(configMapData(m.props, true))) {
      const cls = /^ilm-(.+)\.json$/.exec(key)?.[1];
      const p = cls ? parseJson(text) : undefined;
      const days = p?.ok ? parseDurationDays(String(at(p.value, "policy.phases.delete.min_age") ?? "")) : undefined;
      if (cls && days !== undefined && (!out || days < out.days)) out = { cls, days };
    }
  }
  return out;
}

function linked(lifecycle: PolicyResource, bucket: PolicyResource): boolean {
  if ((lifecycle.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn)) return true;
  const ref = known(() => lifecycle.props.bucket as unknown, undefined);
  if (typeof ref !== "string" || ref === "") return false;
  return ref === known(() => bucket.props.id as unknown, undefined) || ref === known(() => bucket.props.bucket as unknown, undefined);
}

export const s3BucketLifecycle: StackValidationPolicy = {
  name: "s3-bucket-lifecycle",
  description: "Every S3 telemetry bucket has an enabled lifecycle expiration matching its store's retention; snapshot buckets rely on an SLM retention instead of expiring by age.",
  severity: "high",
  configSchema: {
    properties: {
      buckets: {
        type: "array",
        items: {
          type: "object",
          properties: { match: { type: "string" }, kind: { type: "string", enum: ["telemetry", "snapshots", "config"] }, store: { type: "string" } },
          required: ["match", "kind"],
        },
        default: s3BucketLifecycleDefaults.buckets as object[],
      },
      storeTag: { type: "string", default: s3BucketLifecycleDefaults.storeTag },
      toleranceDays: { type: "number", minimum: 0, default: s3BucketLifecycleDefaults.toleranceDays },
      maxDays: { type: "number", minimum: 1, default: s3BucketLifecycleDefaults.maxDays },
      slm: { type: "object", default: s3BucketLifecycleDefaults.slm },
    },
  },
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const cfg = readConfig(args, s3BucketLifecycleDefaults);
    const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
    if (buckets.length === 0) return;
    const lifecycles = args.resources.filter((r) => LIFECYCLE_TYPES.includes(r.type));
    const retention = retentionDaysByStore(args.resources);
    for (const bucket of buckets) {
      const role = ruleOf(bucket, cfg);
      if (role.kind === "config") continue;
      const days = [
        ...expirationDays(known(() => bucket.props.lifecycleRules as unknown, [])),
        ...lifecycles.filter((l) => linked(l, bucket)).flatMap((l) => expirationDays(known(() => l.props.rules as unknown, []))),
      ];
      const label = `bucket "${bucket.name}"`;
      if (role.kind === "snapshots") {
        if (days.length) {
          reportViolation(`${label} holds snapshots but expires objects after ${Math.min(...days)} days; incremental snapshots share files, so only the SLM retention may delete them`, bucket.urn);
        }
        const slmMaps = configMapsOf(args.resources, cfg.slm.appName);
        if (slmMaps.some((r) => hasUnknownData(r.props))) continue; // computed from the bucket: unknown in a preview
        const slm = slmMaps
          .map((r) => configMapData(r.props, true)[cfg.slm.key])
          .filter((t): t is string => t !== undefined)
          .map((t) => parseJson(t))
          .map((p) => (p.ok ? parseDurationDays(String(at(p.value, "retention.expire_after") ?? "")) : undefined))
          .filter((d): d is number => d !== undefined && d > 0);
        if (slm.length === 0) {
          reportViolation(`${label} holds snapshots but no ${cfg.slm.key} sets retention.expire_after; snapshots would be kept forever`, bucket.urn);
          continue;
        }
        const kept = Math.max(...slm);
        const shortest = shortestLogClass(slmMaps);
        if (kept > cfg.maxDays) {
          reportViolation(`${label}: the SLM retention keeps snapshots ${formatDays(kept)} days; allowed: at most ${cfg.maxDays} days`, bucket.urn);
        } else if (shortest && kept > shortest.days) {
          reportViolation(
            `${label}: the SLM retention keeps snapshots ${formatDays(kept)} days, longer than the ${formatDays(shortest.days)} days "${shortest.cls}" logs are kept; deleted logs would live on in snapshots`,
            bucket.urn,
          );
        }
        continue;
      }
      if (days.length === 0) {
        reportViolation(`${label} has no enabled lifecycle rule with an expiration; its objects would be kept forever`, bucket.urn);
        continue;
      }
      const longest = Math.max(...days);
      const want = role.store ? retention[role.store] : undefined;
      if (want === undefined) {
        if (longest > cfg.maxDays) reportViolation(`${label} expires objects after ${longest} days; allowed: at most ${cfg.maxDays} days`, bucket.urn);
        continue;
      }
      if (longest < want || longest > want + cfg.toleranceDays) {
        const allowed = cfg.toleranceDays === 0 ? `${formatDays(want)} days` : `${formatDays(want)} to ${formatDays(want + cfg.toleranceDays)} days`;
        reportViolation(`${label} expires objects after ${longest} days but ${role.store} keeps ${formatDays(want)} days; allowed: ${allowed}`, bucket.urn);
      }
    }
  },
};

/**
 * Pure builders for every IAM, bucket, key and topic policy document of the AWS storage, and for the
 * buckets' lifecycle rules. Plain JSON built here (no aws:iam/getPolicyDocument invoke): what a test
 * reads is exactly what IAM receives.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean | number>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });

/** A Kubernetes ServiceAccount an IRSA role is for. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/** The `sub` claim of a ServiceAccount's projected token. */
export function serviceAccountSubject(sa: ServiceAccountRef): string {
  return `system:serviceaccount:${sa.namespace}:${sa.name}`;
}

/** The audience EKS projects IRSA tokens for. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/**
 * Trust policy of an IRSA role: only tokens issued by the cluster's OIDC provider, for exactly this
 * namespace/ServiceAccount (StringEquals, no wildcard) and for the STS audience, may assume it.
 */
export function irsaTrustPolicy(opts: { oidcProviderArn: string; oidcProviderUrl: string; serviceAccount: ServiceAccountRef }): PolicyDocument {
  const issuer = opts.oidcProviderUrl.replace(/^https:\/\//, "");
  return doc({
    Sid: "AssumeFromServiceAccount",
    Effect: "Allow",
    Principal: { Federated: opts.oidcProviderArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: {
        [`${issuer}:sub`]: serviceAccountSubject(opts.serviceAccount),
        [`${issuer}:aud`]: STS_AUDIENCE,
      },
    },
  });
}

/** ARN of an S3 bucket. */
export function bucketArn(bucket: string, partition = "aws"): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** What a principal may do with a bucket: what Loki's store needs, or what an Elasticsearch s3 repository needs. */
export type BucketAccess = "loki" | "elasticsearch-repository" | "thanos-sidecar" | "thanos";

/**
 * Per-use S3 actions. Loki (chunks, index, ruler, delete requests): list, get, put, delete. The
 * Elasticsearch s3 repository additionally manages multipart uploads and reads the bucket's location,
 * as in Elastic's recommended repository policy.
 */
export const S3_ACTIONS: Record<BucketAccess, { bucket: string[]; objects: string[] }> = {
  loki: {
    bucket: ["s3:ListBucket"],
    objects: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
  },
  "elasticsearch-repository": {
    bucket: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"],
    objects: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
  },
  /** The Thanos sidecar uploads blocks and never deletes one (the Compactor does). */
  "thanos-sidecar": {
    bucket: ["s3:ListBucket"],
    objects: ["s3:GetObject", "s3:PutObject"],
  },
  /** The Store Gateway reads blocks; the Compactor (same ServiceAccount) also writes and deletes them. */
  thanos: {
    bucket: ["s3:ListBucket"],
    objects: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
  },
};

/** KMS actions needed to read and write SSE-KMS objects (and to publish to a KMS-encrypted topic). */
export const KMS_DATA_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"];

/**
 * Least-privilege access of an IRSA role to its buckets: bucket-level actions on the bucket ARNs,
 * object actions on `<bucket>/*`, and the KMS key only through S3 in the buckets' region
 * (kms:ViaService), so the role cannot use the key for anything else.
 */
export function bucketAccessPolicy(opts: {
  bucketArns: string[];
  access: BucketAccess;
  kmsKeyArn: string;
  region: string;
}): PolicyDocument {
  const actions = S3_ACTIONS[opts.access];
  return doc(
    { Sid: "ListBuckets", Effect: "Allow", Action: actions.bucket, Resource: opts.bucketArns },
    { Sid: "ReadWriteObjects", Effect: "Allow", Action: actions.objects, Resource: opts.bucketArns.map((a) => `${a}/*`) },
    {
      Sid: "UseBucketKeyViaS3",
      Effect: "Allow",
      Action: KMS_DATA_ACTIONS,
      Resource: opts.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${opts.region}.amazonaws.com` } },
    },
  );
}

/**
 * Bucket policy: deny every request that is not over TLS, or over TLS older than 1.2, to anyone
 * (an explicit Deny wins over any Allow, the bucket owner's included).
 */
export function tlsOnlyBucketPolicy(bucketArnValue: string): PolicyDocument {
  const Resource = [bucketArnValue, `${bucketArnValue}/*`];
  return doc(
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
  );
}

/**
 * Key policy of the buckets' KMS key: the account administers and grants it through IAM (AWS's default
 * key policy, stated explicitly so it is reviewed, not implied). Who may encrypt/decrypt is decided by
 * the IRSA roles' policies, which allow it only via S3 (and SNS).
 */
export function kmsKeyPolicy(opts: { accountId: string; partition: string }): PolicyDocument {
  return doc({
    Sid: "EnableIamPolicies",
    Effect: "Allow",
    Principal: { AWS: `arn:${opts.partition}:iam::${opts.accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  });
}

/**
 * Topic policy of the paging topic: only the Alertmanager role may publish, only over TLS; the account
 * keeps managing subscriptions.
 */
export function snsTopicPolicy(opts: { topicArn: string; publisherRoleArn: string; accountId: string; partition: string }): PolicyDocument {
  return doc(
    {
      Sid: "AlertmanagerPublishes",
      Effect: "Allow",
      Principal: { AWS: opts.publisherRoleArn },
      Action: "sns:Publish",
      Resource: opts.topicArn,
    },
    {
      Sid: "AccountManagesSubscriptions",
      Effect: "Allow",
      Principal: { AWS: `arn:${opts.partition}:iam::${opts.accountId}:root` },
      Action: ["sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:GetTopicAttributes"],
      Resource: opts.topicArn,
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: opts.topicArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  );
}

/** IAM policy of the Alertmanager role: publish to the paging topic, with the key only via SNS. */
export function snsPublishPolicy(opts: { topicArn: string; kmsKeyArn: string; region: string }): PolicyDocument {
  return doc(
    { Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: opts.topicArn },
    {
      Sid: "UseTopicKeyViaSns",
      Effect: "Allow",
      Action: KMS_DATA_ACTIONS,
      Resource: opts.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `sns.${opts.region}.amazonaws.com` } },
    },
  );
}

/** One S3 lifecycle rule, in the shape aws.s3.BucketLifecycleConfiguration takes. */
export interface LifecycleRule {
  id: string;
  status: "Enabled";
  /** Empty filter: the whole bucket. */
  filter: Record<string, never>;
  expiration: { days: number } | { expiredObjectDeleteMarker: true };
  noncurrentVersionExpiration: { noncurrentDays: number };
  abortIncompleteMultipartUpload: { daysAfterInitiation: number };
}

/**
 * Tag of a bucket whose current objects must never expire by age (lifecycleRules without
 * expireAfterDays): policies that require an age expiration on telemetry buckets exempt it.
 */
export const LIFECYCLE_TAG = { key: "Lifecycle", noncurrentOnly: "noncurrent-versions-only", retention: "store-retention" } as const;

/** Incomplete multipart uploads are aborted (and stop being billed) after this many days. */
export const ABORT_MULTIPART_AFTER_DAYS = 1;

/**
 * Lifecycle of a versioned bucket, as one rule over the whole bucket:
 *
 * - `expireAfterDays` set: the current version of every object expires that many days after it was
 *   written (S3 then also removes the delete markers left without versions). For Loki this is
 *   `loki.retentionDays`: a chunk is written after the last line it holds, and Loki's compactor keeps
 *   it until that line is retentionDays old, so S3 never expires what Loki still serves; it is the
 *   backstop that removes what the compactor missed.
 * - unset: current versions never expire (the ruler's rule files; the snapshot repository, whose
 *   incremental snapshots share files across snapshots: SLM retention deletes them, an age-based rule
 *   would corrupt newer snapshots); only expired delete markers are removed.
 *
 * In both cases noncurrent versions (deleted or overwritten objects) are removed after
 * `noncurrentDays`, and incomplete multipart uploads are aborted.
 */
export function lifecycleRules(opts: { expireAfterDays?: number; noncurrentDays: number }): LifecycleRule[] {
  for (const [k, v] of Object.entries(opts)) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new Error(`lifecycleRules: ${k} must be a whole number of days >= 1, got ${v}`);
  }
  return [
    {
      id: opts.expireAfterDays === undefined ? "noncurrent-versions" : "retention",
      status: "Enabled",
      filter: {},
      expiration: opts.expireAfterDays === undefined ? { expiredObjectDeleteMarker: true } : { days: opts.expireAfterDays },
      noncurrentVersionExpiration: { noncurrentDays: opts.noncurrentDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_AFTER_DAYS },
    },
  ];
}

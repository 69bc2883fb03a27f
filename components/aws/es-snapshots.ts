/**
 * Elasticsearch snapshots to S3: the repository and SLM policy bodies the bootstrap Job PUTs, the
 * elasticsearch.yml client setting, and what the Elasticsearch pods need to authenticate with IRSA.
 */
import { irsaPodPatch, type IrsaPodPatch } from "./irsa";
import type { SnapshotsConfig } from "./schema";

/** Config directory of the official Elasticsearch image ($ES_PATH_CONF). */
export const ES_CONFIG_DIR = "/usr/share/elasticsearch/config";

/**
 * Body of `PUT _snapshot/<repo>`: an s3 repository on the snapshot bucket, using the `default` client
 * (its region/endpoint come from esS3ClientSettings in elasticsearch.yml; credentials from IRSA).
 * Encryption is the bucket's default SSE-KMS, so no server_side_encryption setting.
 */
export function snapshotRepository(bucket: string, opts: { basePath?: string } = {}) {
  return {
    type: "s3",
    settings: {
      bucket,
      client: "default",
      ...(opts.basePath ? { base_path: opts.basePath } : {}),
      compress: true,
    },
  };
}

/**
 * elasticsearch.yml settings of the `default` S3 client: the regional endpoint (Elasticsearch 8's SDK
 * takes the signing region from it; there is no region setting before 9.x).
 */
export function esS3ClientSettings(region: string): Record<string, string> {
  return { "s3.client.default.endpoint": `s3.${region}.amazonaws.com` };
}

/**
 * Body of `PUT _slm/policy/<name>`: snapshots of every data stream and index plus the cluster state
 * (templates, ILM policies) on `schedule`, deleted after expireAfterDays but never below minCount,
 * never above maxCount. SLM appends a unique suffix to each snapshot name.
 */
export function slmPolicy(repo: string, s: Pick<SnapshotsConfig, "schedule" | "expireAfterDays" | "minCount" | "maxCount">) {
  if (s.minCount > s.maxCount) throw new Error(`slmPolicy: minCount ${s.minCount} > maxCount ${s.maxCount}`);
  return {
    schedule: s.schedule,
    name: "<nightly-{now/d}>",
    repository: repo,
    config: { include_global_state: true, ignore_unavailable: false, partial: false },
    retention: { expire_after: `${s.expireAfterDays}d`, min_count: s.minCount, max_count: s.maxCount },
  };
}

/**
 * What the Elasticsearch pods need for the s3 repository to use IRSA. Elasticsearch 8 reads the web
 * identity token only from `$ES_PATH_CONF/repository-s3/aws-web-identity-token-file` (it may not read
 * outside its config directory), and only when AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set.
 * Instead of a symlink to the webhook's token, a projected token is mounted there directly (the
 * layout Elastic's ECK documents), so no entrypoint change is needed. The file must be readable by
 * uid 1000: run the container as 1000 (the image's default user) with fsGroup 1000.
 *
 * Merge: `volumes` into the pod spec, `volumeMounts` and `env` into every Elasticsearch container
 * (all master-eligible and data nodes), and run the pods with the annotated ServiceAccount.
 */
export function esIrsaPodPatch(opts: { roleArn: string; region: string }): IrsaPodPatch {
  return irsaPodPatch({
    roleArn: opts.roleArn,
    region: opts.region,
    mountDir: `${ES_CONFIG_DIR}/repository-s3`,
    fileName: "aws-web-identity-token-file",
    volumeName: "aws-web-identity-token",
  });
}

/**
 * The Loki configuration fragment that puts chunks, the TSDB index, the compactor's delete requests and
 * the ruler's rule groups in S3 (Loki 3.x, monolithic, TSDB schema v13). The Loki component deep-merges
 * it into its config. No credentials: Loki's S3 client takes the IRSA role the EKS webhook injects into
 * pods of the annotated ServiceAccount (see irsaAnnotations).
 */

/** Start date of the S3 schema period; a date before the stack's first write. Changing it later orphans data. */
export const LOKI_S3_SCHEMA_FROM = "2025-01-01";

export interface LokiS3Options {
  region: string;
  /** Bucket for chunks, index and delete requests (AwsStorage.lokiBucketName). */
  chunksBucket: string;
  /** Bucket for the ruler's rule groups (AwsStorage.lokiRulerBucketName). */
  rulerBucket: string;
  /** First day (YYYY-MM-DD) of the S3 schema period. Default LOKI_S3_SCHEMA_FROM. */
  schemaFrom?: string;
}

export function lokiS3Storage(opts: LokiS3Options) {
  const s3 = (bucket: string) => ({ region: opts.region, bucketnames: bucket, s3forcepathstyle: false, insecure: false });
  return {
    common: { storage: { s3: s3(opts.chunksBucket) } },
    schema_config: {
      configs: [
        {
          from: opts.schemaFrom ?? LOKI_S3_SCHEMA_FROM,
          store: "tsdb",
          object_store: "s3",
          schema: "v13",
          index: { prefix: "index_", period: "24h" },
        },
      ],
    },
    compactor: { delete_request_store: "s3" },
    ruler: { storage: { type: "s3", s3: s3(opts.rulerBucket) } },
  };
}

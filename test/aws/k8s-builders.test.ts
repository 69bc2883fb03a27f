import { stringify } from "yaml";
import { lokiS3Storage, LOKI_S3_SCHEMA_FROM } from "../../components/aws/loki-s3";
import { ES_CONFIG_DIR, esIrsaPodPatch, esS3ClientSettings, slmPolicy, snapshotRepository } from "../../components/aws/es-snapshots";
import { irsaAnnotations } from "../../components/aws/irsa";
import { snsReceiver } from "../../components/aws/sns";
import { awsDefaults } from "../../components/aws/schema";

describe("lokiS3Storage", () => {
  const fragment = lokiS3Storage({ region: "eu-west-1", chunksBucket: "obs-loki-chunks-a1b2c3d", rulerBucket: "obs-loki-ruler-a1b2c3d" });

  it("puts chunks, index and delete requests in the chunk bucket, without credentials (IRSA)", () => {
    expect(fragment.common.storage.s3).toEqual({ region: "eu-west-1", bucketnames: "obs-loki-chunks-a1b2c3d", s3forcepathstyle: false, insecure: false });
    expect(fragment.compactor).toEqual({ delete_request_store: "s3" });
    expect(stringify(fragment)).not.toMatch(/access_key|secret/);
  });

  it("uses a TSDB v13 schema on s3 with daily index tables", () => {
    expect(fragment.schema_config.configs).toEqual([
      { from: LOKI_S3_SCHEMA_FROM, store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "index_", period: "24h" } },
    ]);
  });

  it("keeps the ruler's rule groups in their own bucket", () => {
    expect(fragment.ruler.storage).toEqual({
      type: "s3",
      s3: { region: "eu-west-1", bucketnames: "obs-loki-ruler-a1b2c3d", s3forcepathstyle: false, insecure: false },
    });
  });

  it("takes an explicit schema start date", () => {
    expect(lokiS3Storage({ region: "us-east-1", chunksBucket: "c", rulerBucket: "r", schemaFrom: "2026-11-01" }).schema_config.configs[0].from).toBe("2026-11-01");
  });
});

describe("Elasticsearch snapshots", () => {
  it("registers an s3 repository on the bucket with the default client", () => {
    expect(snapshotRepository("obs-es-snapshots-a1b2c3d")).toEqual({
      type: "s3",
      settings: { bucket: "obs-es-snapshots-a1b2c3d", client: "default", compress: true },
    });
    expect(snapshotRepository("b", { basePath: "prod" }).settings).toMatchObject({ base_path: "prod" });
  });

  it("points the default S3 client at the region's endpoint", () => {
    expect(esS3ClientSettings("eu-central-1")).toEqual({ "s3.client.default.endpoint": "s3.eu-central-1.amazonaws.com" });
  });

  it("builds the SLM policy from the configured schedule and retention", () => {
    expect(slmPolicy("s3-snapshots", awsDefaults.prod.snapshots)).toEqual({
      schedule: "0 30 1 * * ?",
      name: "<nightly-{now/d}>",
      repository: "s3-snapshots",
      config: { include_global_state: true, ignore_unavailable: false, partial: false },
      retention: { expire_after: "30d", min_count: 5, max_count: 50 },
    });
    expect(slmPolicy("r", { schedule: "0 0 * * * ?", expireAfterDays: 3, minCount: 2, maxCount: 10 }).retention).toEqual({
      expire_after: "3d",
      min_count: 2,
      max_count: 10,
    });
    expect(() => slmPolicy("r", { schedule: "0 0 * * * ?", expireAfterDays: 3, minCount: 20, maxCount: 10 })).toThrow("minCount 20 > maxCount 10");
  });

  it("mounts a projected STS token where Elasticsearch's s3 repository reads it, and sets the web-identity env", () => {
    const roleArn = "arn:aws:iam::123456789012:role/obs-elasticsearch-role";
    const patch = esIrsaPodPatch({ roleArn, region: "eu-west-1" });
    expect(patch.volumes).toEqual([
      {
        name: "aws-web-identity-token",
        projected: {
          sources: [{ serviceAccountToken: { audience: "sts.amazonaws.com", expirationSeconds: 86400, path: "aws-web-identity-token-file" } }],
        },
      },
    ]);
    expect(patch.volumeMounts).toEqual([{ name: "aws-web-identity-token", mountPath: `${ES_CONFIG_DIR}/repository-s3`, readOnly: true }]);
    const env = Object.fromEntries(patch.env.map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      AWS_ROLE_ARN: roleArn,
      AWS_WEB_IDENTITY_TOKEN_FILE: "/usr/share/elasticsearch/config/repository-s3/aws-web-identity-token-file",
      AWS_ROLE_SESSION_NAME: { fieldRef: { fieldPath: "metadata.name" } },
      AWS_REGION: "eu-west-1",
      AWS_STS_REGIONAL_ENDPOINTS: "regional",
    });
  });
});

describe("irsaAnnotations", () => {
  it("annotates a ServiceAccount with its role and regional STS", () => {
    expect(irsaAnnotations("arn:aws:iam::123456789012:role/r")).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/r",
      "eks.amazonaws.com/sts-regional-endpoints": "true",
    });
  });
});

describe("snsReceiver", () => {
  it("builds an Alertmanager receiver that signs with the pod's role in the topic's region", () => {
    expect(snsReceiver({ name: "aws-sns-critical", topicArn: "arn:aws:sns:eu-west-1:123456789012:obs-alerts", region: "eu-west-1" })).toEqual({
      name: "aws-sns-critical",
      sns_configs: [{ topic_arn: "arn:aws:sns:eu-west-1:123456789012:obs-alerts", sigv4: { region: "eu-west-1" }, send_resolved: true }],
    });
  });
});

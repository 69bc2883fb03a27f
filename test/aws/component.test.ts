import * as pulumi from "@pulumi/pulumi";
import { loadConfig, type StackConfig } from "../../components/config";
import { ACCOUNT, ISSUER, OIDC_ARN, devRaw, prodRaw } from "./fixtures";
import { recordingMocks } from "../helpers/mocks";
import { awsState, settle, valueOf, type Recorded } from "./mocks";

const SAS = {
  loki: { namespace: "observability", name: "loki" },
  elasticsearch: { namespace: "observability", name: "elasticsearch" },
  alertmanager: { namespace: "observability", name: "alertmanager" },
  thanosSidecar: { namespace: "observability", name: "prometheus" },
  thanos: { namespace: "observability", name: "thanos" },
};

type ComponentModule = typeof import("../../components/aws/component");

async function setup(): Promise<{ m: ComponentModule; resources: Recorded[]; invokes: string[] }> {
  const invokes: string[] = [];
  // Mocks before the component (and @pulumi/aws) is loaded.
  const resources = await recordingMocks(pulumi, "test", false, undefined, { state: awsState(), invokes });
  const m = await import("../../components/aws/component");
  return { m, resources, invokes };
}

const byType = (rs: Recorded[], type: string) => rs.filter((r) => r.type === type);
const one = (rs: Recorded[], name: string) => {
  const found = rs.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${rs.map((r) => r.name).join(", ")}`);
  return found[0];
};

describe("AwsStorage in dev", () => {
  it("registers nothing: no AWS resource, no provider, no component", async () => {
    const { m, resources, invokes } = await setup();
    const cfg = loadConfig(devRaw());
    expect(m.awsStorageFor("aws", { config: cfg, serviceAccounts: SAS })).toBeUndefined();
    await settle(resources);
    expect(resources).toEqual([]);
    expect(invokes).toEqual([]);
  });

  it("refuses to be constructed directly with AWS off", async () => {
    const { m } = await setup();
    expect(() => new m.AwsStorage("aws", { config: loadConfig(devRaw()), serviceAccounts: SAS })).toThrow("aws.enabled is false");
  });
});

describe("AwsStorage in prod", () => {
  let cfg: StackConfig;
  let resources: Recorded[];
  let invokes: string[];
  let storage: InstanceType<ComponentModule["AwsStorage"]>;

  beforeAll(async () => {
    const s = await setup();
    resources = s.resources;
    invokes = s.invokes;
    cfg = loadConfig(
      prodRaw({
        aws: { oidcProviderArn: OIDC_ARN, oidcProviderUrl: ISSUER, sns: { enabled: true } },
        loki: { retentionDays: 45 },
        thanos: { retention: { oneHourDays: 400 } },
        costCenter: "cc-4711",
      }),
    );
    storage = s.m.awsStorageFor("obs", { config: cfg, serviceAccounts: SAS })!;
    await valueOf(storage.lokiRoleArn);
    await settle(resources);
  });

  it("calls no invoke", () => {
    expect(invokes).toEqual([]);
  });

  it("creates one AWS provider in the configured region, tagging Environment, Team, CostCenter and ManagedBy", () => {
    const providers = byType(resources, "pulumi:providers:aws");
    expect(providers.map((p) => p.name)).toEqual(["obs-provider"]);
    expect(providers[0].inputs.region).toBe("eu-west-1");
    expect(JSON.parse(providers[0].inputs.defaultTags)).toEqual({
      tags: { Environment: "prod", Team: "platform", CostCenter: "cc-4711", ManagedBy: "pulumi", Project: "observability-stack" },
    });
  });

  it("registers every AWS resource through that provider, named after the component", () => {
    const awsResources = resources.filter((r) => r.type.startsWith("aws:"));
    // 4 buckets x (bucket, ownership, public access, versioning, encryption, policy, lifecycle), the key,
    // 5 roles with their policies (Loki, Elasticsearch, the Thanos sidecars, Thanos, Alertmanager),
    // the topic and its policy.
    expect(awsResources).toHaveLength(4 * 7 + 1 + 5 * 2 + 2);
    for (const r of awsResources) {
      // The provider is the component's own child: its URN carries the AwsStorage parent.
      expect(r.provider).toMatch(/::observability:index:AwsStorage\$pulumi:providers:aws::obs-provider::obs-provider-id$/);
      expect(r.name).toMatch(/^obs-/);
    }
  });

  it("creates the four buckets, each versioned, SSE-KMS with the rotating key, public access blocked, TLS-only, owner-enforced", () => {
    const buckets = byType(resources, "aws:s3/bucket:Bucket").map((b) => b.name).sort();
    expect(buckets).toEqual(["obs-es-snapshots", "obs-loki-chunks", "obs-loki-ruler", "obs-thanos"]);
    const key = one(resources, "obs-kms");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.inputs.deletionWindowInDays).toBe(30);
    for (const b of buckets) {
      const id = `${b}-id`;
      expect(one(resources, `${b}-versioning`).inputs).toMatchObject({ bucket: id, versioningConfiguration: { status: "Enabled" } });
      expect(one(resources, `${b}-encryption`).inputs.rules).toEqual([
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/obs-kms` }, bucketKeyEnabled: true },
      ]);
      expect(one(resources, `${b}-public-access`).inputs).toMatchObject({
        bucket: id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(one(resources, `${b}-ownership`).inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
      const policy = JSON.parse(one(resources, `${b}-policy`).inputs.policy);
      const arn = `arn:aws:s3:::${b}-a1b2c3d`;
      expect(policy.Statement[0]).toEqual({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
  });

  it("expires Loki's chunks after exactly loki.retentionDays, and never expires rule files or snapshots by age", () => {
    const lifecycle = (b: string) => one(resources, `${b}-lifecycle`).inputs.rules;
    const [chunks] = lifecycle("obs-loki-chunks");
    expect(chunks.expiration).toEqual({ days: cfg.loki.retentionDays });
    expect(chunks.expiration.days).toBe(45);
    expect(chunks.noncurrentVersionExpiration).toEqual({ noncurrentDays: cfg.aws.noncurrentVersionExpirationDays });
    expect(one(resources, "obs-loki-chunks").inputs.tags).toEqual({ Store: "loki", Lifecycle: "store-retention" });
    expect(one(resources, "obs-loki-ruler").inputs.tags).toEqual({ Store: "loki", Lifecycle: "noncurrent-versions-only" });
    expect(one(resources, "obs-es-snapshots").inputs.tags).toEqual({ Store: "elasticsearch", Lifecycle: "noncurrent-versions-only" });
    for (const b of ["obs-loki-ruler", "obs-es-snapshots"]) {
      const [rule] = lifecycle(b);
      expect(rule.expiration).toEqual({ expiredObjectDeleteMarker: true });
      expect(rule.noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
    }
  });

  it("expires Thanos' blocks after the longest retention the Compactor keeps (thanos.retention.oneHourDays)", () => {
    const [rule] = one(resources, "obs-thanos-lifecycle").inputs.rules;
    expect(cfg.thanos.retention).toEqual({ rawDays: 90, fiveMinuteDays: 180, oneHourDays: 400 });
    expect(rule.expiration).toEqual({ days: 400 });
    expect(rule.noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
    expect(one(resources, "obs-thanos").inputs.tags).toEqual({ Store: "thanos", Lifecycle: "store-retention" });
  });

  it("lets the Thanos sidecars upload but never delete; the Store Gateway and Compactor also delete, on the Thanos bucket only", () => {
    const sidecar = JSON.parse(one(resources, "obs-thanos-sidecar-s3").inputs.policy);
    expect(one(resources, "obs-thanos-sidecar-s3").inputs.role).toBe("obs-thanos-sidecar-role-id");
    expect(sidecar.Statement[0]).toMatchObject({ Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::obs-thanos-a1b2c3d"] });
    expect(sidecar.Statement[1]).toMatchObject({ Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::obs-thanos-a1b2c3d/*"] });
    const thanos = JSON.parse(one(resources, "obs-thanos-s3").inputs.policy);
    expect(thanos.Statement[1]).toMatchObject({ Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: ["arn:aws:s3:::obs-thanos-a1b2c3d/*"] });
    expect(thanos.Statement[2].Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } });
  });

  it("trusts each role only for its exact ServiceAccount through the cluster's OIDC provider", () => {
    for (const [role, sa] of [
      ["thanos-sidecar", "system:serviceaccount:observability:prometheus"],
      ["thanos", "system:serviceaccount:observability:thanos"],
      ["loki", "system:serviceaccount:observability:loki"],
      ["elasticsearch", "system:serviceaccount:observability:elasticsearch"],
      ["alertmanager", "system:serviceaccount:observability:alertmanager"],
    ]) {
      const trust = JSON.parse(one(resources, `obs-${role}-role`).inputs.assumeRolePolicy);
      expect(trust.Statement).toHaveLength(1);
      expect(trust.Statement[0].Principal).toEqual({ Federated: OIDC_ARN });
      expect(trust.Statement[0].Condition).toEqual({ StringEquals: { [`${ISSUER}:sub`]: sa, [`${ISSUER}:aud`]: "sts.amazonaws.com" } });
    }
  });

  it("scopes Loki's policy to its two buckets and Elasticsearch's to the snapshot bucket", () => {
    const lokiPolicy = JSON.parse(one(resources, "obs-loki-s3").inputs.policy);
    expect(one(resources, "obs-loki-s3").inputs.role).toBe("obs-loki-role-id");
    const lokiBuckets = ["arn:aws:s3:::obs-loki-chunks-a1b2c3d", "arn:aws:s3:::obs-loki-ruler-a1b2c3d"];
    expect(lokiPolicy.Statement[0].Resource).toEqual(lokiBuckets);
    expect(lokiPolicy.Statement[1].Resource).toEqual(lokiBuckets.map((b) => `${b}/*`));
    expect(lokiPolicy.Statement[1].Action).toEqual(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
    expect(lokiPolicy.Statement[2].Resource).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/obs-kms`);

    const esPolicy = JSON.parse(one(resources, "obs-elasticsearch-s3").inputs.policy);
    expect(one(resources, "obs-elasticsearch-s3").inputs.role).toBe("obs-elasticsearch-role-id");
    expect(esPolicy.Statement[0].Resource).toEqual(["arn:aws:s3:::obs-es-snapshots-a1b2c3d"]);
    expect(esPolicy.Statement[1].Resource).toEqual(["arn:aws:s3:::obs-es-snapshots-a1b2c3d/*"]);
    const allResources = [lokiPolicy, esPolicy].flatMap((p) => p.Statement.flatMap((s: { Resource: string | string[] }) => [s.Resource].flat()));
    expect(allResources.some((r: string) => r.includes("*") && !r.endsWith("/*"))).toBe(false);
  });

  it("creates the paging topic encrypted with the key, publishable only by the Alertmanager role", () => {
    expect(one(resources, "obs-alerts").inputs.kmsMasterKeyId).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/obs-kms`);
    const topicPolicy = JSON.parse(one(resources, "obs-alerts-policy").inputs.policy);
    expect(topicPolicy.Statement[0]).toEqual({
      Sid: "AlertmanagerPublishes",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/obs-alertmanager-role` },
      Action: "sns:Publish",
      Resource: `arn:aws:sns:eu-west-1:${ACCOUNT}:obs-alerts`,
    });
  });

  it("exposes the names and ARNs the Kubernetes side is wired with", async () => {
    expect(await valueOf(storage.lokiBucketName)).toBe("obs-loki-chunks-a1b2c3d");
    expect(await valueOf(storage.lokiRulerBucketName)).toBe("obs-loki-ruler-a1b2c3d");
    expect(await valueOf(storage.snapshotBucketName)).toBe("obs-es-snapshots-a1b2c3d");
    expect(await valueOf(storage.region)).toBe("eu-west-1");
    expect(await valueOf(storage.lokiRoleArn)).toBe(`arn:aws:iam::${ACCOUNT}:role/obs-loki-role`);
    expect(await valueOf(storage.elasticsearchRoleArn)).toBe(`arn:aws:iam::${ACCOUNT}:role/obs-elasticsearch-role`);
    expect(await valueOf(storage.kmsKeyArn)).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/obs-kms`);
    expect(await valueOf(storage.snsTopicArn!)).toBe(`arn:aws:sns:eu-west-1:${ACCOUNT}:obs-alerts`);
    expect(await valueOf(storage.alertmanagerServiceAccountAnnotations!)).toMatchObject({
      "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/obs-alertmanager-role`,
    });
    expect(await valueOf(storage.lokiServiceAccountAnnotations)).toEqual({
      "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/obs-loki-role`,
      "eks.amazonaws.com/sts-regional-endpoints": "true",
    });
  });

  it("hands Elasticsearch the repository on the snapshot bucket and the configured SLM retention", async () => {
    const snap = storage.elasticsearchSnapshot("snapshots");
    expect(await valueOf(snap.repositoryBody)).toEqual({
      type: "s3",
      settings: { bucket: "obs-es-snapshots-a1b2c3d", client: "default", compress: true },
    });
    expect(snap.slmPolicyBody).toMatchObject({
      repository: "snapshots",
      schedule: cfg.aws.snapshots.schedule,
      retention: { expire_after: `${cfg.aws.snapshots.expireAfterDays}d`, min_count: 5, max_count: 50 },
    });
    expect(await valueOf(snap.serviceAccountAnnotations)).toMatchObject({
      "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/obs-elasticsearch-role`,
    });
    expect(snap.elasticsearchYml).toEqual({ "s3.client.default.endpoint": "s3.eu-west-1.amazonaws.com" });
    const patch = await valueOf(snap.podPatch);
    expect(patch.env).toContainEqual({ name: "AWS_ROLE_ARN", value: `arn:aws:iam::${ACCOUNT}:role/obs-elasticsearch-role` });
  });
});

describe("AwsStorage with the prod defaults", () => {
  it("creates no SNS topic and no Alertmanager role unless aws.sns.enabled", async () => {
    const { m, resources } = await setup();
    const serviceAccounts = { loki: SAS.loki, elasticsearch: SAS.elasticsearch, thanos: SAS.thanos, thanosSidecar: SAS.thanosSidecar };
    const storage = m.awsStorageFor("obs", { config: loadConfig(prodRaw()), serviceAccounts })!;
    await valueOf(storage.elasticsearchRoleArn);
    await settle(resources);
    expect(resources.filter((r) => r.type.startsWith("aws:sns"))).toEqual([]);
    expect(byType(resources, "aws:iam/role:Role").map((r) => r.name).sort()).toEqual(["obs-elasticsearch-role", "obs-loki-role", "obs-thanos-role", "obs-thanos-sidecar-role"]);
    expect(storage.snsTopicArn).toBeUndefined();
  });

  it("refuses Thanos without the ServiceAccounts its roles would trust", async () => {
    const { m } = await setup();
    expect(() => new m.AwsStorage("obs", { config: loadConfig(prodRaw()), serviceAccounts: { loki: SAS.loki, elasticsearch: SAS.elasticsearch } })).toThrow(
      "thanos.enabled needs serviceAccounts.thanos and serviceAccounts.thanosSidecar",
    );
  });

  it("refuses SNS without the Alertmanager ServiceAccount it would trust", async () => {
    const { m } = await setup();
    const cfg = loadConfig(prodRaw({ aws: { oidcProviderArn: OIDC_ARN, oidcProviderUrl: ISSUER, sns: { enabled: true } } }));
    expect(() => new m.AwsStorage("obs", { config: cfg, serviceAccounts: { loki: SAS.loki, elasticsearch: SAS.elasticsearch, thanos: SAS.thanos, thanosSidecar: SAS.thanosSidecar } })).toThrow(
      "aws.sns.enabled needs serviceAccounts.alertmanager",
    );
  });
});

import {
  bucketAccessPolicy,
  bucketArn,
  irsaTrustPolicy,
  kmsKeyPolicy,
  lifecycleRules,
  snsPublishPolicy,
  snsTopicPolicy,
  tlsOnlyBucketPolicy,
} from "../../components/aws/policies";
import { ACCOUNT, ISSUER, OIDC_ARN } from "./fixtures";

const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe("irsaTrustPolicy", () => {
  const policy = irsaTrustPolicy({ oidcProviderArn: OIDC_ARN, oidcProviderUrl: ISSUER, serviceAccount: { namespace: "observability", name: "loki" } });

  it("lets only the cluster's OIDC provider assume the role, with a web identity", () => {
    expect(policy.Statement).toHaveLength(1);
    const [s] = policy.Statement;
    expect(s.Effect).toBe("Allow");
    expect(s.Principal).toEqual({ Federated: OIDC_ARN });
    expect(s.Action).toBe("sts:AssumeRoleWithWebIdentity");
  });

  it("names exactly one namespace/ServiceAccount and the STS audience, with StringEquals (no wildcard)", () => {
    expect(policy.Statement[0].Condition).toEqual({
      StringEquals: {
        [`${ISSUER}:sub`]: "system:serviceaccount:observability:loki",
        [`${ISSUER}:aud`]: "sts.amazonaws.com",
      },
    });
  });

  it("accepts an issuer given with https:// and keys the conditions without it", () => {
    const p = irsaTrustPolicy({ oidcProviderArn: OIDC_ARN, oidcProviderUrl: `https://${ISSUER}`, serviceAccount: { namespace: "o", name: "es" } });
    expect(Object.keys(p.Statement[0].Condition!.StringEquals)).toEqual([`${ISSUER}:sub`, `${ISSUER}:aud`]);
  });
});

describe("bucketAccessPolicy", () => {
  const chunks = bucketArn("obs-loki-chunks");
  const ruler = bucketArn("obs-loki-ruler");

  it("gives Loki list on its buckets and get/put/delete on their objects, nothing else", () => {
    const p = bucketAccessPolicy({ bucketArns: [chunks, ruler], access: "loki", kmsKeyArn: KEY, region: "eu-west-1" });
    expect(p.Statement).toEqual([
      { Sid: "ListBuckets", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [chunks, ruler] },
      {
        Sid: "ReadWriteObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: [`${chunks}/*`, `${ruler}/*`],
      },
      {
        Sid: "UseBucketKeyViaS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: KEY,
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
      },
    ]);
  });

  it("gives the Elasticsearch repository the multipart and location actions it needs on its one bucket", () => {
    const snaps = bucketArn("obs-es-snapshots");
    const p = bucketAccessPolicy({ bucketArns: [snaps], access: "elasticsearch-repository", kmsKeyArn: KEY, region: "eu-west-1" });
    expect(p.Statement[0].Action).toEqual(["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"]);
    expect(p.Statement[0].Resource).toEqual([snaps]);
    expect(p.Statement[1].Action).toEqual(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]);
    expect(p.Statement[1].Resource).toEqual([`${snaps}/*`]);
  });

  it("never allows a wildcard action or resource", () => {
    for (const access of ["loki", "elasticsearch-repository"] as const) {
      const p = bucketAccessPolicy({ bucketArns: [chunks], access, kmsKeyArn: KEY, region: "eu-west-1" });
      for (const s of p.Statement) {
        expect(s.Effect).toBe("Allow");
        for (const a of ([] as string[]).concat(s.Action)) expect(a).not.toMatch(/\*/);
        for (const r of ([] as string[]).concat(s.Resource ?? [])) expect(r === "*" || r === "arn:aws:s3:::*").toBe(false);
      }
    }
  });
});

describe("tlsOnlyBucketPolicy", () => {
  it("denies non-TLS and pre-1.2 TLS requests on the bucket and its objects to everyone", () => {
    const arn = bucketArn("b");
    const p = tlsOnlyBucketPolicy(arn);
    expect(p.Statement.map((s) => [s.Effect, s.Principal, s.Action, s.Resource, s.Condition])).toEqual([
      ["Deny", "*", "s3:*", [arn, `${arn}/*`], { Bool: { "aws:SecureTransport": "false" } }],
      ["Deny", "*", "s3:*", [arn, `${arn}/*`], { NumericLessThan: { "s3:TlsVersion": "1.2" } }],
    ]);
  });
});

describe("kmsKeyPolicy", () => {
  it("delegates to IAM in the OIDC provider's account and partition", () => {
    expect(kmsKeyPolicy({ accountId: ACCOUNT, partition: "aws-us-gov" }).Statement).toEqual([
      { Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws-us-gov:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
    ]);
  });
});

describe("SNS policies", () => {
  const topicArn = `arn:aws:sns:eu-west-1:${ACCOUNT}:obs-alerts`;
  const role = `arn:aws:iam::${ACCOUNT}:role/obs-alertmanager-role`;

  it("lets only the Alertmanager role publish, over TLS", () => {
    const p = snsTopicPolicy({ topicArn, publisherRoleArn: role, accountId: ACCOUNT, partition: "aws" });
    const publishers = p.Statement.filter((s) => s.Effect === "Allow" && ([] as string[]).concat(s.Action).includes("sns:Publish"));
    expect(publishers).toEqual([{ Sid: "AlertmanagerPublishes", Effect: "Allow", Principal: { AWS: role }, Action: "sns:Publish", Resource: topicArn }]);
    expect(p.Statement.find((s) => s.Effect === "Deny")?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("gives the Alertmanager role publish on the topic and the key only via SNS", () => {
    const p = snsPublishPolicy({ topicArn, kmsKeyArn: KEY, region: "eu-west-1" });
    expect(p.Statement[0]).toEqual({ Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: topicArn });
    expect(p.Statement[1].Condition).toEqual({ StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } });
  });
});

describe("lifecycleRules", () => {
  it("expires current versions after the retention, noncurrent versions and stale uploads after their windows", () => {
    expect(lifecycleRules({ expireAfterDays: 30, noncurrentDays: 7 })).toEqual([
      {
        id: "retention",
        status: "Enabled",
        filter: {},
        expiration: { days: 30 },
        noncurrentVersionExpiration: { noncurrentDays: 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
  });

  it("without a retention keeps current versions and only removes expired delete markers", () => {
    const [rule] = lifecycleRules({ noncurrentDays: 14 });
    expect(rule.expiration).toEqual({ expiredObjectDeleteMarker: true });
    expect(rule.noncurrentVersionExpiration).toEqual({ noncurrentDays: 14 });
  });

  it("rejects a retention that is not a whole number of days", () => {
    expect(() => lifecycleRules({ expireAfterDays: 0, noncurrentDays: 7 })).toThrow("expireAfterDays must be a whole number of days >= 1, got 0");
    expect(() => lifecycleRules({ expireAfterDays: 1.5, noncurrentDays: 7 })).toThrow("got 1.5");
  });
});

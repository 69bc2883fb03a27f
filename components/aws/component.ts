/**
 * AWS object storage and identity of the stack: S3 buckets for Loki (chunks + index, ruler), for
 * Elasticsearch snapshots and for Thanos' blocks (when thanos.enabled), one rotating KMS key, IRSA roles scoped to their buckets, and optionally an
 * SNS paging topic. Every AWS resource goes through the component's own provider, whose defaultTags
 * tag it with the environment, team, cost center and ManagedBy=pulumi.
 *
 * Only constructed when aws.enabled (use awsStorageFor): a stack without AWS registers no AWS resource
 * and needs no AWS provider plugin.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PROJECT } from "../config/project";
import type { StackConfig } from "../config/schema";
import {
  bucketAccessPolicy,
  irsaTrustPolicy,
  kmsKeyPolicy,
  LIFECYCLE_TAG,
  lifecycleRules,
  snsPublishPolicy,
  snsTopicPolicy,
  tlsOnlyBucketPolicy,
  type BucketAccess,
  type ServiceAccountRef,
} from "./policies";
import { arnAccount, type SnapshotsConfig } from "./schema";
import { esIrsaPodPatch, esS3ClientSettings, slmPolicy, snapshotRepository } from "./es-snapshots";
import { irsaAnnotations, type IrsaPodPatch } from "./irsa";
import { bucketRetentionDays } from "../thanos/schema";

/** The slices of the stack config the component reads. */
export type AwsStorageConfig = Pick<StackConfig, "environment" | "team" | "costCenter" | "aws" | "loki" | "persistence" | "thanos">;

export interface AwsStorageArgs {
  /** The validated stack config (loadConfig); aws.enabled must be true and the OIDC settings set. */
  config: AwsStorageConfig;
  /** The ServiceAccounts the IRSA roles trust, exactly (no wildcard). */
  serviceAccounts: {
    /** Loki's ServiceAccount: read/write on the chunk and ruler buckets. */
    loki: ServiceAccountRef;
    /** Elasticsearch's ServiceAccount: the snapshot repository on the snapshot bucket. */
    elasticsearch: ServiceAccountRef;
    /** Alertmanager's ServiceAccount: publish to the paging topic. Required when aws.sns.enabled. */
    alertmanager?: ServiceAccountRef;
    /** Prometheus' ServiceAccount, whose pods run the Thanos sidecars: upload to the Thanos bucket. Required when thanos.enabled. */
    thanosSidecar?: ServiceAccountRef;
    /** The Thanos Store Gateway's and Compactor's ServiceAccount: read and rewrite the Thanos bucket. Required when thanos.enabled. */
    thanos?: ServiceAccountRef;
  };
  /**
   * Protect the buckets and the KMS key from `pulumi destroy` and replacement (deleting the key makes
   * every object unreadable). Default: config.persistence.protect.
   */
  protect?: boolean;
}

/** The AWS tags every resource gets through the provider's defaultTags. */
export function awsDefaultTags(cfg: Pick<StackConfig, "environment" | "team" | "costCenter">): Record<string, string> {
  return { Environment: cfg.environment, Team: cfg.team, CostCenter: cfg.costCenter, ManagedBy: "pulumi", Project: PROJECT };
}

/** Everything the Elasticsearch component needs for snapshots to the snapshot bucket. */
export interface AwsElasticsearchSnapshot {
  /** Body of `PUT _snapshot/<repository>`. */
  repositoryBody: pulumi.Output<object>;
  /** Body of `PUT _slm/policy/<name>`, from aws.snapshots (schedule, expire_after, min/max count). */
  slmPolicyBody: object;
  /** Annotations of the Elasticsearch ServiceAccount: the IRSA role and regional STS. */
  serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
  /** elasticsearch.yml settings of the S3 client (the region's endpoint). */
  elasticsearchYml: Record<string, string>;
  /**
   * Alternative to the EKS webhook + symlink: a projected token mounted where repository-s3 reads it,
   * and the env it needs (see esIrsaPodPatch).
   */
  podPatch: pulumi.Output<IrsaPodPatch>;
}

interface StorageBucket {
  bucket: aws.s3.Bucket;
}

export class AwsStorage extends pulumi.ComponentResource {
  /** Bucket of Loki's chunks, TSDB index and delete requests. */
  public readonly lokiBucketName: pulumi.Output<string>;
  /** Bucket of Loki's ruler rule groups. */
  public readonly lokiRulerBucketName: pulumi.Output<string>;
  /** Bucket of the Elasticsearch snapshot repository. */
  public readonly snapshotBucketName: pulumi.Output<string>;
  /** Region of the buckets, the key and the topic. */
  public readonly region: pulumi.Output<string>;
  /** Role for Loki's ServiceAccount (annotate it with irsaAnnotations). */
  public readonly lokiRoleArn: pulumi.Output<string>;
  /** Role for Elasticsearch's ServiceAccount. */
  public readonly elasticsearchRoleArn: pulumi.Output<string>;
  /** The buckets' (and topic's) KMS key. */
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** The paging topic; undefined unless aws.sns.enabled. */
  public readonly snsTopicArn?: pulumi.Output<string>;
  /** Role for Alertmanager's ServiceAccount; undefined unless aws.sns.enabled. */
  public readonly alertmanagerRoleArn?: pulumi.Output<string>;
  /** Annotations of Loki's ServiceAccount: the IRSA role and regional STS. */
  public readonly lokiServiceAccountAnnotations: pulumi.Output<Record<string, string>>;
  /** Annotations of Alertmanager's ServiceAccount; undefined unless aws.sns.enabled. */
  public readonly alertmanagerServiceAccountAnnotations?: pulumi.Output<Record<string, string>>;
  /** Bucket of Thanos' blocks; undefined unless thanos.enabled. */
  public readonly thanosBucketName?: pulumi.Output<string>;
  /** Annotations of Prometheus' ServiceAccount (the sidecars' role); undefined unless thanos.enabled. */
  public readonly thanosSidecarServiceAccountAnnotations?: pulumi.Output<Record<string, string>>;
  /** Annotations of the Thanos Store Gateway's and Compactor's ServiceAccount; undefined unless thanos.enabled. */
  public readonly thanosServiceAccountAnnotations?: pulumi.Output<Record<string, string>>;

  private readonly snapshots: SnapshotsConfig;
  private readonly regionName: string;

  constructor(name: string, args: AwsStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:AwsStorage", name, {}, opts);
    const cfg = args.config;
    const a = cfg.aws;
    if (!a.enabled) throw new Error(`AwsStorage ${name}: aws.enabled is false; construct it through awsStorageFor()`);
    if (!a.oidcProviderArn || !a.oidcProviderUrl) {
      throw new Error(`AwsStorage ${name}: aws.oidcProviderArn and aws.oidcProviderUrl are required (loadConfig reports this)`);
    }
    if (a.sns.enabled && !args.serviceAccounts.alertmanager) {
      throw new Error(`AwsStorage ${name}: aws.sns.enabled needs serviceAccounts.alertmanager (the publisher the topic trusts)`);
    }
    if (cfg.thanos.enabled && (!args.serviceAccounts.thanos || !args.serviceAccounts.thanosSidecar)) {
      throw new Error(`AwsStorage ${name}: thanos.enabled needs serviceAccounts.thanos and serviceAccounts.thanosSidecar (the roles' subjects)`);
    }
    const { oidcProviderArn, oidcProviderUrl } = a;
    const { partition, accountId } = arnAccount(oidcProviderArn);
    const protect = args.protect ?? cfg.persistence.protect;

    const provider = new aws.Provider(`${name}-provider`, { region: a.region, defaultTags: { tags: awsDefaultTags(cfg) } }, { parent: this });
    const child = (extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions => ({ parent: this, provider, ...extra });

    const key = new aws.kms.Key(
      `${name}-kms`,
      {
        description: `${PROJECT} ${cfg.environment}: S3 buckets and SNS topic`,
        enableKeyRotation: true,
        deletionWindowInDays: a.kmsDeletionWindowDays,
        policy: JSON.stringify(kmsKeyPolicy({ accountId, partition })),
      },
      child({ protect }),
    );

    // Store: which store writes the bucket (what a retention policy compares the expiration with).
    // Lifecycle: whether current objects expire with the store's retention or never by age.
    const makeBucket = (role: string, store: "loki" | "elasticsearch" | "thanos", expireAfterDays: number | undefined): StorageBucket => {
      const tags = {
        Store: store,
        [LIFECYCLE_TAG.key]: expireAfterDays === undefined ? LIFECYCLE_TAG.noncurrentOnly : LIFECYCLE_TAG.retention,
      };
      const bucket = new aws.s3.Bucket(`${name}-${role}`, { forceDestroy: false, tags }, child({ protect }));
      new aws.s3.BucketOwnershipControls(`${name}-${role}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child());
      const publicAccess = new aws.s3.BucketPublicAccessBlock(
        `${name}-${role}-public-access`,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        child(),
      );
      const versioning = new aws.s3.BucketVersioning(`${name}-${role}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child());
      new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-${role}-encryption`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
        child(),
      );
      // After the public access block: S3 rejects a policy change while the block is being applied.
      new aws.s3.BucketPolicy(
        `${name}-${role}-policy`,
        { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
        child({ dependsOn: [publicAccess] }),
      );
      // After versioning: noncurrent-version rules need a versioned bucket.
      new aws.s3.BucketLifecycleConfiguration(
        `${name}-${role}-lifecycle`,
        { bucket: bucket.id, rules: lifecycleRules({ expireAfterDays, noncurrentDays: a.noncurrentVersionExpirationDays }) },
        child({ dependsOn: [versioning] }),
      );
      return { bucket };
    };

    // Chunks and index expire with Loki's own retention; rule groups and snapshots never expire by age
    // (see lifecycleRules).
    const lokiChunks = makeBucket("loki-chunks", "loki", cfg.loki.retentionDays);
    const lokiRuler = makeBucket("loki-ruler", "loki", undefined);
    const snapshots = makeBucket("es-snapshots", "elasticsearch", undefined);

    const irsaRole = (role: string, sa: ServiceAccountRef, description: string): aws.iam.Role =>
      new aws.iam.Role(
        `${name}-${role}-role`,
        {
          description,
          assumeRolePolicy: JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcProviderUrl, serviceAccount: sa })),
        },
        child(),
      );
    const bucketAccess = (role: string, iamRole: aws.iam.Role, buckets: StorageBucket[], access: BucketAccess): aws.iam.RolePolicy =>
      new aws.iam.RolePolicy(
        `${name}-${role}-s3`,
        {
          role: iamRole.id,
          policy: pulumi
            .all([pulumi.all(buckets.map((b) => b.bucket.arn)), key.arn])
            .apply(([bucketArns, kmsKeyArn]) => JSON.stringify(bucketAccessPolicy({ bucketArns, access, kmsKeyArn, region: a.region }))),
        },
        child(),
      );

    const sas = args.serviceAccounts;
    const lokiRole = irsaRole("loki", sas.loki, `Loki (${sas.loki.namespace}/${sas.loki.name}): chunk and ruler buckets`);
    bucketAccess("loki", lokiRole, [lokiChunks, lokiRuler], "loki");
    const esRole = irsaRole(
      "elasticsearch",
      sas.elasticsearch,
      `Elasticsearch (${sas.elasticsearch.namespace}/${sas.elasticsearch.name}): snapshot repository`,
    );
    bucketAccess("elasticsearch", esRole, [snapshots], "elasticsearch-repository");

    if (cfg.thanos.enabled && sas.thanos && sas.thanosSidecar) {
      // Blocks expire with the longest retention the Compactor keeps (the 1-hour resolution's by
      // default): the Compactor deletes each resolution on time, S3 removes what it missed.
      const thanosBucket = makeBucket("thanos", "thanos", bucketRetentionDays(cfg.thanos.retention).days);
      const sidecarRole = irsaRole("thanos-sidecar", sas.thanosSidecar, `Thanos sidecar (${sas.thanosSidecar.namespace}/${sas.thanosSidecar.name}): upload to the Thanos bucket`);
      bucketAccess("thanos-sidecar", sidecarRole, [thanosBucket], "thanos-sidecar");
      const thanosRole = irsaRole("thanos", sas.thanos, `Thanos Store Gateway and Compactor (${sas.thanos.namespace}/${sas.thanos.name}): the Thanos bucket`);
      bucketAccess("thanos", thanosRole, [thanosBucket], "thanos");
      this.thanosBucketName = thanosBucket.bucket.bucket;
      this.thanosSidecarServiceAccountAnnotations = sidecarRole.arn.apply(irsaAnnotations);
      this.thanosServiceAccountAnnotations = thanosRole.arn.apply(irsaAnnotations);
    }

    if (a.sns.enabled && sas.alertmanager) {
      const amRole = irsaRole("alertmanager", sas.alertmanager, `Alertmanager (${sas.alertmanager.namespace}/${sas.alertmanager.name}): paging topic`);
      const topic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: key.arn }, child());
      new aws.sns.TopicPolicy(
        `${name}-alerts-policy`,
        {
          arn: topic.arn,
          policy: pulumi
            .all([topic.arn, amRole.arn])
            .apply(([topicArn, publisherRoleArn]) => JSON.stringify(snsTopicPolicy({ topicArn, publisherRoleArn, accountId, partition }))),
        },
        child(),
      );
      new aws.iam.RolePolicy(
        `${name}-alertmanager-sns`,
        {
          role: amRole.id,
          policy: pulumi
            .all([topic.arn, key.arn])
            .apply(([topicArn, kmsKeyArn]) => JSON.stringify(snsPublishPolicy({ topicArn, kmsKeyArn, region: a.region }))),
        },
        child(),
      );
      this.snsTopicArn = topic.arn;
      this.alertmanagerRoleArn = amRole.arn;
      this.alertmanagerServiceAccountAnnotations = amRole.arn.apply(irsaAnnotations);
    }

    this.lokiBucketName = lokiChunks.bucket.bucket;
    this.lokiRulerBucketName = lokiRuler.bucket.bucket;
    this.snapshotBucketName = snapshots.bucket.bucket;
    this.region = pulumi.output(a.region);
    this.lokiRoleArn = lokiRole.arn;
    this.elasticsearchRoleArn = esRole.arn;
    this.kmsKeyArn = key.arn;
    this.lokiServiceAccountAnnotations = lokiRole.arn.apply(irsaAnnotations);
    this.snapshots = a.snapshots;
    this.regionName = a.region;

    this.registerOutputs({
      lokiBucketName: this.lokiBucketName,
      lokiRulerBucketName: this.lokiRulerBucketName,
      snapshotBucketName: this.snapshotBucketName,
      region: this.region,
      lokiRoleArn: this.lokiRoleArn,
      elasticsearchRoleArn: this.elasticsearchRoleArn,
      kmsKeyArn: this.kmsKeyArn,
      snsTopicArn: this.snsTopicArn,
      alertmanagerRoleArn: this.alertmanagerRoleArn,
      lokiServiceAccountAnnotations: this.lokiServiceAccountAnnotations,
      alertmanagerServiceAccountAnnotations: this.alertmanagerServiceAccountAnnotations,
      thanosBucketName: this.thanosBucketName,
    });
  }

  /**
   * The snapshot repository (on the snapshot bucket) and SLM policy bodies, with the IRSA wiring of
   * the Elasticsearch pods. `repository` is the name the bootstrap Job registers the repository under
   * (the SLM policy refers to it).
   */
  public elasticsearchSnapshot(repository: string): AwsElasticsearchSnapshot {
    const region = this.regionName;
    return {
      repositoryBody: this.snapshotBucketName.apply((bucket) => snapshotRepository(bucket)),
      slmPolicyBody: slmPolicy(repository, this.snapshots),
      serviceAccountAnnotations: this.elasticsearchRoleArn.apply(irsaAnnotations),
      elasticsearchYml: esS3ClientSettings(region),
      podPatch: this.elasticsearchRoleArn.apply((roleArn) => esIrsaPodPatch({ roleArn, region })),
    };
  }
}

/**
 * The stack's AWS storage, or undefined when aws.enabled is false (dev): then no AWS resource, no AWS
 * provider and no component is registered.
 */
export function awsStorageFor(
  name: string,
  args: AwsStorageArgs,
  opts?: pulumi.ComponentResourceOptions,
): AwsStorage | undefined {
  return args.config.aws.enabled ? new AwsStorage(name, args, opts) : undefined;
}

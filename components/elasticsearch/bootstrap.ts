import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { LOG_CLASSES } from "./schema";
import { PlacementArgs, Workload, checksum, containerSecurity, labels, meta, networkPolicy, podSecurity, resolveContext, withEphemeralStorage } from "../common";
import { APPS, PORTS, podsOf } from "../endpoints";
import { image } from "../versions";
import {
  BOOTSTRAP_SCRIPT_KEY,
  SLM_POLICY_KEY,
  SNAPSHOT_REPOSITORY,
  SNAPSHOT_REPOSITORY_KEY,
  bootstrapScript,
  ilmKey,
  ilmPolicy,
  indexTemplate,
  indexTemplateKey,
  type ElasticsearchSettings,
} from "./config";
import { formerParentOptions } from "./children";

const BOOTSTRAP_DIR = "/bootstrap";

export interface ElasticsearchBootstrapArgs extends PlacementArgs {
  /** URL of the Elasticsearch HTTP API to configure (the Elasticsearch component's `url`). */
  url: pulumi.Input<string>;
  /** The Elasticsearch workload it configures: its ConfigMap carries that workload's labels. */
  elasticsearch: Workload;
  /** Replicas (index replicas), rollover and the ILM phases of each log class. */
  settings: Pick<ElasticsearchSettings, "replicas" | "rolloverMaxPrimaryShardGi" | "logClasses">;
  /** Snapshot repository and SLM policy bodies to register. @default none: no snapshots */
  snapshot?: { repositoryBody: pulumi.Input<object>; slmPolicyBody: pulumi.Input<object> };
  /** What the Job waits for (the StatefulSet and its Service). @default nothing */
  waitFor?: pulumi.Resource[];
}

/**
 * The idempotent bootstrap Job of an Elasticsearch: per-log-class ILM policies, index templates and
 * write aliases, and the snapshot repository and SLM policy when snapshots are on. A Job's pod
 * template is immutable and a finished Job never runs again, so the Job's name carries a checksum of
 * everything it applies: a changed policy or template replaces (re-runs) it.
 */
export class ElasticsearchBootstrap extends pulumi.ComponentResource {
  /** Name of the Job (`<name>-<checksum>`), known once the snapshot bodies are. */
  public readonly jobName: pulumi.Output<string>;

  /** @param name Also the name of its ConfigMap, and the prefix of its Job's. */
  constructor(name: string, args: ElasticsearchBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:ElasticsearchBootstrap", name, {}, opts);
    const ctx = resolveContext(args);
    const s = args.settings;
    const child = formerParentOptions(this, opts);
    const bootstrapW: Workload = { name: APPS.elasticsearchBootstrap, instance: name, component: "logs", version: args.elasticsearch.version };

    const staticData: Record<string, string> = { [BOOTSTRAP_SCRIPT_KEY]: bootstrapScript({ configDir: BOOTSTRAP_DIR, snapshot: !!args.snapshot }) };
    for (const cls of LOG_CLASSES) {
      staticData[ilmKey(cls)] = JSON.stringify(ilmPolicy(cls, s as ElasticsearchSettings), null, 2);
      staticData[indexTemplateKey(cls)] = JSON.stringify(indexTemplate(cls, s as ElasticsearchSettings), null, 2);
    }
    // Each key is its own value: the static ILM policies and templates stay known during a preview
    // (so the policy pack can check them) even when the snapshot bodies are not yet.
    const snapshotData: Record<string, pulumi.Output<string>> = {};
    if (args.snapshot) {
      snapshotData[SNAPSHOT_REPOSITORY_KEY] = pulumi.output(args.snapshot.repositoryBody).apply((repo) => JSON.stringify(repo, null, 2));
      snapshotData[SLM_POLICY_KEY] = pulumi.output(args.snapshot.slmPolicyBody).apply((slm) => {
        const target = (slm as { repository?: unknown }).repository;
        if (target !== SNAPSHOT_REPOSITORY) {
          throw new Error(`Elasticsearch "${args.elasticsearch.instance}": the SLM policy targets repository ${JSON.stringify(target)}; the bootstrap registers "${SNAPSHOT_REPOSITORY}"`);
        }
        return JSON.stringify(slm, null, 2);
      });
    }
    const bootstrapData: pulumi.Output<Record<string, string>> = pulumi.all({ ...staticData, ...snapshotData });
    // The ConfigMap carries Elasticsearch's labels: it configures Elasticsearch itself.
    const bootstrapConfig = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, args.elasticsearch, name), data: { ...staticData, ...snapshotData } },
      child,
    );
    this.jobName = bootstrapData.apply((d) => `${name}-${checksum(canonical(d)).slice(0, 10)}`);
    new k8s.batch.v1.Job(
      name,
      {
        metadata: { ...meta(ctx, bootstrapW, name), name: this.jobName },
        spec: {
          backoffLimit: 6,
          activeDeadlineSeconds: 1800,
          // No ttlSecondsAfterFinished: Kubernetes would delete the Job and Pulumi would see drift.
          template: {
            metadata: { labels: labels(ctx, bootstrapW) },
            spec: withEphemeralStorage({
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              securityContext: podSecurity(1000),
              containers: [
                {
                  name: "bootstrap",
                  // The Elasticsearch image brings bash and curl at the version we talk to.
                  image: image("elasticsearch"),
                  command: ["bash", `${BOOTSTRAP_DIR}/${BOOTSTRAP_SCRIPT_KEY}`],
                  env: [{ name: "ES_URL", value: args.url }],
                  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                  securityContext: containerSecurity({ runAsUser: 1000 }),
                  volumeMounts: [
                    { name: "bootstrap", mountPath: BOOTSTRAP_DIR, readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [
                { name: "bootstrap", configMap: { name: bootstrapConfig.metadata.name } },
                { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
              ],
            }),
          },
        },
      },
      { ...child, dependsOn: [...(args.waitFor ?? []), bootstrapConfig] },
    );
    // The Job talks to Elasticsearch only; nothing talks to it.
    networkPolicy(ctx, bootstrapW, [], this, name, undefined, [{ to: [podsOf(APPS.elasticsearch)], ports: [PORTS.elasticsearchHttp] }]);
    this.registerOutputs({ jobName: this.jobName });
  }
}

/** Key-sorted JSON of a string map, so the checksum does not depend on insertion order. */
function canonical(d: Record<string, string>): string {
  return JSON.stringify(Object.keys(d).sort().map((k) => [k, d[k]]));
}

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { LOG_CLASSES } from "./schema";
import { PlacementArgs, Workload, checksum, containerSecurity, labels, meta, networkPolicy, podSecurity, resolveContext, withEphemeralStorage } from "../common";
import { APPS, PORTS, podsOf } from "../endpoints";
import { image } from "../versions";
import {
  BOOTSTRAP_SCRIPT_KEY,
  LOG_ALIASES,
  logIndexPattern,
  SLM_POLICY_KEY,
  SNAPSHOT_REPOSITORY,
  SNAPSHOT_REPOSITORY_KEY,
  bootstrapScript,
  ilmKey,
  ilmPolicy,
  indexTemplate,
  indexTemplateKey,
  type ElasticsearchSettings,
} from "./config-file";
import { formerParentOptions } from "./children";
import { CA_CERT_KEY, ELASTICSEARCH_CLIENTS, ELASTICSEARCH_CLIENT_NAMES, ELASTIC_USER, KIBANA_SYSTEM_USER, caVolume, passwordEnv, passwordEnvVar, roleKey, securityRoles } from "./security";

const CA_DIR = "/etc/elasticsearch-ca";

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
  /**
   * Security on: the Secret of each user by username (elastic, kibana_system and the stack's
   * clients) and the CA Secret. The Job authenticates as elastic, sets kibana_system's password, and
   * puts the clients' roles and users. @default none: security off
   */
  security?: { userSecrets: Record<string, pulumi.Input<string>>; caSecretName: pulumi.Input<string>; passwordsDigest?: pulumi.Input<string> };
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

    const sec = args.security;
    const roles = securityRoles(logIndexPattern(LOG_ALIASES));
    const users = ELASTICSEARCH_CLIENT_NAMES.map((c) => ({ ...ELASTICSEARCH_CLIENTS[c], env: passwordEnv(ELASTICSEARCH_CLIENTS[c].username) }));
    const staticData: Record<string, string> = {
      [BOOTSTRAP_SCRIPT_KEY]: bootstrapScript({
        configDir: BOOTSTRAP_DIR,
        snapshot: !!args.snapshot,
        security: sec ? { roles: Object.keys(roles), users, kibanaSystemEnv: passwordEnv(KIBANA_SYSTEM_USER) } : undefined,
      }),
    };
    if (sec) for (const [role, body] of Object.entries(roles)) staticData[roleKey(role)] = JSON.stringify(body, null, 2);
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
    // A changed password (its digest) re-runs the Job too, so Elasticsearch gets the new one.
    this.jobName = pulumi
      .all([bootstrapData, sec?.passwordsDigest ?? ""])
      .apply(([d, digest]) => `${name}-${checksum(canonical(digest ? { ...d, "passwords-digest": digest } : d)).slice(0, 10)}`);
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
                  env: [
                    { name: "ES_URL", value: args.url },
                    ...(sec
                      ? [
                          { name: "ES_CA_FILE", value: `${CA_DIR}/${CA_CERT_KEY}` },
                          passwordEnvVar("ELASTIC_PASSWORD", sec.userSecrets[ELASTIC_USER]),
                          passwordEnvVar(passwordEnv(KIBANA_SYSTEM_USER), sec.userSecrets[KIBANA_SYSTEM_USER]),
                          ...users.map((u) => passwordEnvVar(u.env, sec.userSecrets[u.username])),
                        ]
                      : []),
                  ],
                  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                  securityContext: containerSecurity({ runAsUser: 1000 }),
                  volumeMounts: [
                    { name: "bootstrap", mountPath: BOOTSTRAP_DIR, readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                    ...(sec ? [{ name: "elasticsearch-ca", mountPath: CA_DIR, readOnly: true }] : []),
                  ],
                },
              ],
              volumes: [
                { name: "bootstrap", configMap: { name: bootstrapConfig.metadata.name } },
                // Memory-backed: the request bodies that carry the users' passwords never touch a disk.
                { name: "tmp", emptyDir: { ...(sec ? { medium: "Memory" } : {}), sizeLimit: "16Mi" } },
                ...(sec ? [caVolume("elasticsearch-ca", sec.caSecretName)] : []),
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

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { LOG_CLASSES, PROJECT, type LogClassName, type StackConfig } from "../config";
import {
  StackContext,
  Workload,
  antiAffinity,
  checksum,
  containerSecurity,
  dataVolume,
  disruptionBudget,
  httpProbe,
  labels,
  meta,
  networkPolicy,
  podSecurity,
  resources,
  selector,
  serviceAccount,
} from "../common";
import { APPS, PORTS, SERVICES, podsOf, serviceUrl } from "../endpoints";
import { appVersion, image } from "../versions";
import {
  BOOTSTRAP_SCRIPT_KEY,
  DATA_DIR,
  LOG_ALIASES,
  SLM_POLICY_KEY,
  SNAPSHOT_REPOSITORY,
  SNAPSHOT_REPOSITORY_KEY,
  bootstrapScript,
  elasticsearchYml,
  heapOptions,
  ilmKey,
  ilmPolicy,
  indexTemplate,
  indexTemplateKey,
} from "./config";

/** Snapshots to an external repository (S3 in prod), registered by the bootstrap Job. */
export interface ElasticsearchSnapshotArgs {
  /**
   * Body of `PUT _snapshot/<SNAPSHOT_REPOSITORY>` (e.g. `{type: "s3", settings: {bucket, ...}}`).
   * With IRSA, the pods' init container links the EKS webhook's token into
   * config/repository-s3/aws-web-identity-token-file, where repository-s3 reads it.
   */
  repositoryBody: pulumi.Input<object>;
  /** Body of `PUT _slm/policy/<SLM_POLICY>`; its `repository` must be SNAPSHOT_REPOSITORY. */
  slmPolicyBody: pulumi.Input<object>;
  /** Annotations of the Elasticsearch ServiceAccount (e.g. the IRSA role ARN). Default: none. */
  serviceAccountAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Extra elasticsearch.yml settings of the repository client (e.g. `s3.client.default.endpoint`). Default: none. */
  elasticsearchYml?: Record<string, string>;
}

export interface ElasticsearchArgs {
  /** Namespace, environment, team, storage class and persistence of the stack. */
  context: StackContext;
  /**
   * Nodes (1 = single-node dev cluster; 3 = master-eligible data nodes), storage (GiB), heap (MiB),
   * rollover (days / GiB per primary shard), ILM phases per log class (days), resources, Kibana.
   */
  settings: StackConfig["elasticsearch"];
  /** Snapshot repository + SLM policy (set by the AWS component in prod). Default: no snapshots. */
  snapshot?: ElasticsearchSnapshotArgs;
}

/** Service port names (Prometheus's job for the exporter selects the "metrics" port). */
export const ELASTICSEARCH_PORT_NAME = "http";
export const ELASTICSEARCH_TRANSPORT_PORT_NAME = "transport";
export const ELASTICSEARCH_EXPORTER_PORT_NAME = "metrics";
export const KIBANA_PORT_NAME = "http";

const ES_HOME = "/usr/share/elasticsearch";
const BOOTSTRAP_DIR = "/bootstrap";

/**
 * Elasticsearch for the stack's logs: a StatefulSet (single-node in dev, three master-eligible
 * data nodes in prod), per-log-class ILM policies, index templates and write aliases installed by
 * an idempotent bootstrap Job, a Prometheus exporter, and Kibana when enabled.
 *
 * Security note: `xpack.security.enabled: false` — no TLS and no authentication. Elasticsearch is
 * reachable only inside the cluster, and its NetworkPolicy admits only the stack's own clients
 * (Fluent Bit, Jaeger, Grafana, Kibana, the exporter and the bootstrap Job). Turning security on
 * (TLS + users in Secrets) is a planned follow-up; until then never expose the Service.
 */
export class Elasticsearch extends pulumi.ComponentResource {
  /** The persistent claims of its data volume, one per replica (none without persistence). */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[];
  /** In-cluster URL of the Elasticsearch HTTP API. */
  public readonly url: pulumi.Output<string>;
  /** Write alias of each log class (what Fluent Bit writes to). */
  public readonly logAliases: pulumi.Output<Record<LogClassName, string>>;
  /** In-cluster URL of Kibana; undefined when Kibana is disabled. */
  public readonly kibanaUrl?: pulumi.Output<string>;
  /** The exporter's Service, for the Prometheus job JOBS.elasticsearch. */
  public readonly exporterService: { service: string; portName: string };
  public readonly workload: Workload;

  constructor(name: string, args: ElasticsearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Elasticsearch", name, {}, opts);
    const { context: ctx, settings: s } = args;
    const ns = ctx.namespace;
    const version = appVersion("elasticsearch");
    const w: Workload = { name: APPS.elasticsearch, instance: name, component: "logs", version };
    this.workload = w;
    const esUrl = serviceUrl(SERVICES.elasticsearch, ns, PORTS.elasticsearchHttp);

    // --- configuration -------------------------------------------------------------------------
    const ymlText = stringify({
      ...elasticsearchYml(s, { namespace: ns, clusterName: `${PROJECT}-${ctx.environment}` }),
      ...(args.snapshot?.elasticsearchYml ?? {}),
    });
    const esConfig = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, w, `${SERVICES.elasticsearch}-config`), data: { "elasticsearch.yml": ymlText } },
      { parent: this },
    );

    const sa = serviceAccount(ctx, w, this, name, { automount: false, annotations: args.snapshot?.serviceAccountAnnotations });

    // --- Services ------------------------------------------------------------------------------
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, SERVICES.elasticsearch),
        spec: {
          selector: selector(w),
          ports: [{ name: ELASTICSEARCH_PORT_NAME, port: PORTS.elasticsearchHttp, targetPort: ELASTICSEARCH_PORT_NAME }],
        },
      },
      { parent: this },
    );
    const nodes = new k8s.core.v1.Service(
      `${name}-nodes`,
      {
        metadata: meta(ctx, w, SERVICES.elasticsearchNodes),
        spec: {
          clusterIP: "None",
          // Discovery must find peers before they are ready: a forming cluster is never ready.
          publishNotReadyAddresses: true,
          selector: selector(w),
          ports: [
            { name: ELASTICSEARCH_PORT_NAME, port: PORTS.elasticsearchHttp, targetPort: ELASTICSEARCH_PORT_NAME },
            { name: ELASTICSEARCH_TRANSPORT_PORT_NAME, port: PORTS.elasticsearchTransport, targetPort: ELASTICSEARCH_TRANSPORT_PORT_NAME },
          ],
        },
      },
      { parent: this },
    );

    // --- StatefulSet ---------------------------------------------------------------------------
    const data = dataVolume(ctx, w, { statefulSet: SERVICES.elasticsearch, volume: "data", sizeGi: s.storageGi, replicas: s.replicas }, this, name);
    this.claims = data.claims;
    const irsaLink = args.snapshot
      ? // repository-s3 reads a web-identity token only from inside its config directory.
        ` && if [ -n "\${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ]; then mkdir -p /mnt/config/repository-s3 && ln -sf "$AWS_WEB_IDENTITY_TOKEN_FILE" /mnt/config/repository-s3/aws-web-identity-token-file; fi`
      : "";
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: meta(ctx, w, SERVICES.elasticsearch, { annotations: data.annotations }),
        spec: {
          serviceName: nodes.metadata.name,
          replicas: s.replicas,
          // All master-eligible nodes must start together to elect the first master.
          podManagementPolicy: "Parallel",
          updateStrategy: { type: "RollingUpdate" },
          selector: { matchLabels: selector(w) },
          persistentVolumeClaimRetentionPolicy: data.persistentVolumeClaimRetentionPolicy,
          volumeClaimTemplates: data.volumeClaimTemplates,
          template: {
            metadata: { labels: labels(ctx, w), annotations: { "checksum/config": checksum(ymlText) } },
            spec: {
              serviceAccountName: sa.metadata.name,
              automountServiceAccountToken: false,
              securityContext: podSecurity(1000),
              affinity: antiAffinity(ctx, w, s.replicas),
              terminationGracePeriodSeconds: 120,
              initContainers: [
                {
                  // The root filesystem is read-only, but Elasticsearch writes into its config
                  // directory (keystore on first start, repository-s3 token link): the image's
                  // config is copied into an emptyDir, with our elasticsearch.yml on top.
                  name: "config",
                  image: image("elasticsearch"),
                  command: [
                    "bash",
                    "-c",
                    // Plain -R: the image's files are group root, which uid 1000 cannot keep.
                    `cp -R ${ES_HOME}/config/. /mnt/config/ && cp /mnt/es-config/elasticsearch.yml /mnt/config/elasticsearch.yml${irsaLink}`,
                  ],
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                  securityContext: containerSecurity({ runAsUser: 1000 }),
                  volumeMounts: [
                    { name: "config", mountPath: "/mnt/config" },
                    { name: "es-config", mountPath: "/mnt/es-config", readOnly: true },
                  ],
                },
              ],
              containers: [
                {
                  name: "elasticsearch",
                  image: image("elasticsearch"),
                  env: [
                    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    { name: "ES_JAVA_OPTS", value: heapOptions(s) },
                    { name: "ES_TMPDIR", value: "/tmp" },
                  ],
                  ports: [
                    { name: ELASTICSEARCH_PORT_NAME, containerPort: PORTS.elasticsearchHttp },
                    { name: ELASTICSEARCH_TRANSPORT_PORT_NAME, containerPort: PORTS.elasticsearchTransport },
                  ],
                  readinessProbe: httpProbe("/_cluster/health?local=true", ELASTICSEARCH_PORT_NAME, { initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 }),
                  // JVM start and shard recovery can take minutes: the startup probe allows 10.
                  startupProbe: { ...httpProbe("/_cluster/health?local=true", ELASTICSEARCH_PORT_NAME, { initialDelaySeconds: 10, periodSeconds: 10 }), failureThreshold: 60 },
                  // Liveness only checks the transport port is open: a red cluster must not restart nodes.
                  livenessProbe: { tcpSocket: { port: ELASTICSEARCH_TRANSPORT_PORT_NAME }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                  resources: resources(s.resources),
                  // Read-only root: everything Elasticsearch writes is on a volume (config copy,
                  // /tmp for JNA and the JVM, logs for gc.log, data).
                  securityContext: containerSecurity({ runAsUser: 1000 }),
                  volumeMounts: [
                    { name: "config", mountPath: `${ES_HOME}/config` },
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "logs", mountPath: `${ES_HOME}/logs` },
                    { name: "data", mountPath: DATA_DIR },
                  ],
                },
              ],
              volumes: [
                { name: "es-config", configMap: { name: esConfig.metadata.name } },
                { name: "config", emptyDir: { sizeLimit: "64Mi" } },
                { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
                { name: "logs", emptyDir: { sizeLimit: "1Gi" } },
                ...data.volumes,
              ],
            },
          },
        },
      },
      data.options({ dependsOn: [service, nodes] }),
    );

    disruptionBudget(ctx, w, s.replicas, this, name);
    networkPolicy(
      ctx,
      w,
      [
        {
          from: [
            podsOf(APPS.fluentBit),
            // Jaeger's collector and query, and its index-cleaner CronJob (same app name).
            podsOf(APPS.jaeger),
            podsOf(APPS.grafana),
            podsOf(APPS.kibana),
            podsOf(APPS.elasticsearchExporter),
            podsOf(APPS.elasticsearchBootstrap),
          ],
          ports: [PORTS.elasticsearchHttp],
        },
        { from: [podsOf(APPS.elasticsearch)], ports: [PORTS.elasticsearchTransport] },
      ],
      this,
      name,
    );

    // --- ILM policies, index templates, write aliases: the bootstrap Job ------------------------
    const bootstrapW: Workload = { name: APPS.elasticsearchBootstrap, instance: `${name}-bootstrap`, component: "logs", version };
    const staticData: Record<string, string> = { [BOOTSTRAP_SCRIPT_KEY]: bootstrapScript({ configDir: BOOTSTRAP_DIR, snapshot: !!args.snapshot }) };
    for (const cls of LOG_CLASSES) {
      staticData[ilmKey(cls)] = JSON.stringify(ilmPolicy(cls, s), null, 2);
      staticData[indexTemplateKey(cls)] = JSON.stringify(indexTemplate(cls, s), null, 2);
    }
    // Each key is its own value: the static ILM policies and templates stay known during a preview
    // (so the policy pack can check them) even when the snapshot bodies are not yet.
    const snapshotData: Record<string, pulumi.Output<string>> = {};
    if (args.snapshot) {
      snapshotData[SNAPSHOT_REPOSITORY_KEY] = pulumi.output(args.snapshot.repositoryBody).apply((repo) => JSON.stringify(repo, null, 2));
      snapshotData[SLM_POLICY_KEY] = pulumi.output(args.snapshot.slmPolicyBody).apply((slm) => {
        const target = (slm as { repository?: unknown }).repository;
        if (target !== SNAPSHOT_REPOSITORY) {
          throw new Error(`Elasticsearch "${name}": the SLM policy targets repository ${JSON.stringify(target)}; the bootstrap registers "${SNAPSHOT_REPOSITORY}"`);
        }
        return JSON.stringify(slm, null, 2);
      });
    }
    const bootstrapData: pulumi.Output<Record<string, string>> = pulumi.all({ ...staticData, ...snapshotData });
    // The ConfigMap carries name=elasticsearch: it configures Elasticsearch itself.
    const bootstrapConfig = new k8s.core.v1.ConfigMap(
      `${name}-bootstrap-config`,
      { metadata: meta(ctx, w, `${SERVICES.elasticsearch}-bootstrap`), data: { ...staticData, ...snapshotData } },
      { parent: this },
    );
    // A Job's pod template is immutable and a finished Job never runs again: the name carries a
    // checksum of everything it applies, so a changed policy or template replaces (re-runs) it.
    const jobName = bootstrapData.apply((d) => `${SERVICES.elasticsearch}-bootstrap-${checksum(canonical(d)).slice(0, 10)}`);
    new k8s.batch.v1.Job(
      `${name}-bootstrap`,
      {
        metadata: { ...meta(ctx, bootstrapW, SERVICES.elasticsearch), name: jobName },
        spec: {
          backoffLimit: 6,
          activeDeadlineSeconds: 1800,
          // No ttlSecondsAfterFinished: Kubernetes would delete the Job and Pulumi would see drift.
          template: {
            metadata: { labels: labels(ctx, bootstrapW) },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              securityContext: podSecurity(1000),
              containers: [
                {
                  name: "bootstrap",
                  // The Elasticsearch image brings bash and curl at the version we talk to.
                  image: image("elasticsearch"),
                  command: ["bash", `${BOOTSTRAP_DIR}/${BOOTSTRAP_SCRIPT_KEY}`],
                  env: [{ name: "ES_URL", value: esUrl }],
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
            },
          },
        },
      },
      { parent: this, dependsOn: [statefulSet, service, bootstrapConfig] },
    );

    // --- Prometheus exporter -------------------------------------------------------------------
    const exporterW: Workload = {
      name: APPS.elasticsearchExporter,
      instance: `${name}-exporter`,
      component: "logs",
      version: appVersion("elasticsearchExporter"),
    };
    new k8s.apps.v1.Deployment(
      `${name}-exporter`,
      {
        metadata: meta(ctx, exporterW, SERVICES.elasticsearchExporter),
        spec: {
          replicas: 1,
          selector: { matchLabels: selector(exporterW) },
          template: {
            metadata: { labels: labels(ctx, exporterW) },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(65534),
              containers: [
                {
                  name: "exporter",
                  image: image("elasticsearchExporter"),
                  args: [`--es.uri=${esUrl}`, "--es.all", "--es.indices", "--es.timeout=20s", `--web.listen-address=:${PORTS.elasticsearchExporter}`],
                  ports: [{ name: ELASTICSEARCH_EXPORTER_PORT_NAME, containerPort: PORTS.elasticsearchExporter }],
                  readinessProbe: httpProbe("/healthz", ELASTICSEARCH_EXPORTER_PORT_NAME, { initialDelaySeconds: 5 }),
                  livenessProbe: httpProbe("/healthz", ELASTICSEARCH_EXPORTER_PORT_NAME, { initialDelaySeconds: 10 }),
                  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                  securityContext: containerSecurity(),
                },
              ],
            },
          },
        },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      `${name}-exporter`,
      {
        metadata: meta(ctx, exporterW, SERVICES.elasticsearchExporter),
        spec: {
          selector: selector(exporterW),
          ports: [{ name: ELASTICSEARCH_EXPORTER_PORT_NAME, port: PORTS.elasticsearchExporter, targetPort: ELASTICSEARCH_EXPORTER_PORT_NAME }],
        },
      },
      { parent: this },
    );
    networkPolicy(ctx, exporterW, [{ from: [podsOf(APPS.prometheus)], ports: [PORTS.elasticsearchExporter] }], this, `${name}-exporter`);
    this.exporterService = { service: SERVICES.elasticsearchExporter, portName: ELASTICSEARCH_EXPORTER_PORT_NAME };

    // --- Kibana --------------------------------------------------------------------------------
    if (s.kibana.enabled) {
      const kibanaW: Workload = { name: APPS.kibana, instance: `${name}-kibana`, component: "logs", version: appVersion("kibana") };
      new k8s.apps.v1.Deployment(
        `${name}-kibana`,
        {
          metadata: meta(ctx, kibanaW, SERVICES.kibana),
          spec: {
            replicas: 1,
            selector: { matchLabels: selector(kibanaW) },
            template: {
              metadata: { labels: labels(ctx, kibanaW) },
              spec: {
                automountServiceAccountToken: false,
                securityContext: podSecurity(1000),
                containers: [
                  {
                    name: "kibana",
                    image: image("kibana"),
                    env: [
                      { name: "ELASTICSEARCH_HOSTS", value: JSON.stringify([esUrl]) },
                      { name: "SERVER_HOST", value: "0.0.0.0" },
                      { name: "SERVER_PORT", value: String(PORTS.kibana) },
                      { name: "SERVER_NAME", value: SERVICES.kibana },
                      { name: "TELEMETRY_OPTIN", value: "false" },
                      { name: "TELEMETRY_ALLOWCHANGINGOPTINSTATUS", value: "false" },
                    ],
                    ports: [{ name: KIBANA_PORT_NAME, containerPort: PORTS.kibana }],
                    readinessProbe: httpProbe("/api/status", KIBANA_PORT_NAME, { initialDelaySeconds: 10, failureThreshold: 3 }),
                    startupProbe: { ...httpProbe("/api/status", KIBANA_PORT_NAME, { initialDelaySeconds: 10 }), failureThreshold: 60 },
                    // /api/status turns 503 while Elasticsearch is down; that must not restart Kibana.
                    livenessProbe: { tcpSocket: { port: KIBANA_PORT_NAME }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                    resources: resources(s.kibana.resources),
                    // Read-only root: Kibana writes its uuid to data/, touches plugins/ at start
                    // (the volumes Elastic's own operator gives it), logs/ and /tmp.
                    securityContext: containerSecurity({ runAsUser: 1000 }),
                    volumeMounts: [
                      { name: "data", mountPath: "/usr/share/kibana/data" },
                      { name: "plugins", mountPath: "/usr/share/kibana/plugins" },
                      { name: "logs", mountPath: "/usr/share/kibana/logs" },
                      { name: "tmp", mountPath: "/tmp" },
                    ],
                  },
                ],
                volumes: [
                  { name: "data", emptyDir: { sizeLimit: "1Gi" } },
                  { name: "plugins", emptyDir: { sizeLimit: "64Mi" } },
                  { name: "logs", emptyDir: { sizeLimit: "256Mi" } },
                  { name: "tmp", emptyDir: { sizeLimit: "512Mi" } },
                ],
              },
            },
          },
        },
        { parent: this },
      );
      new k8s.core.v1.Service(
        `${name}-kibana`,
        {
          metadata: meta(ctx, kibanaW, SERVICES.kibana),
          spec: { selector: selector(kibanaW), ports: [{ name: KIBANA_PORT_NAME, port: PORTS.kibana, targetPort: KIBANA_PORT_NAME }] },
        },
        { parent: this },
      );
      // Kibana is a UI for people, like Grafana: reachable from any namespace (ingress controllers).
      networkPolicy(ctx, kibanaW, [{ from: "cluster", ports: [PORTS.kibana] }], this, `${name}-kibana`);
      this.kibanaUrl = pulumi.output(serviceUrl(SERVICES.kibana, ns, PORTS.kibana));
    }

    this.url = pulumi.output(esUrl);
    this.logAliases = pulumi.output({ ...LOG_ALIASES });
    this.registerOutputs({ url: this.url, logAliases: this.logAliases, kibanaUrl: this.kibanaUrl });
  }
}

/** Key-sorted JSON of a string map, so the checksum does not depend on insertion order. */
function canonical(d: Record<string, string>): string {
  return JSON.stringify(Object.keys(d).sort().map((k) => [k, d[k]]));
}

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { PROJECT } from "../config/project";
import type { LogClassName } from "./schema";
import {
  EgressRule,
  PlacementArgs,
  Workload,
  agentPods,
  resolveContext,
  resolveSettings,
  antiAffinity,
  apiServerEgress,
  topologySpread,
  placementAnnotations,
  checksum,
  containerSecurity,
  dataVolume,
  disruptionBudget,
  httpProbe,
  labels,
  meta,
  networkOf,
  networkPolicy,
  placementOf,
  podSecurity,
  resources,
  selector,
  serviceAccount,
  withEphemeralStorage,
  API_TOKEN_VOLUME,
  nodeZoneReader,
} from "../common";
import { APPS, PORTS, podsOf, serviceHost, serviceUrl } from "../endpoints";
import { appVersion, image } from "../versions";
import {
  CERTS_DIR,
  DATA_DIR,
  LOG_ALIASES,
  ZONE_FILE,
  elasticsearchYml,
  heapOptions,
  logIndexPattern,
  readinessScript,
  startCommand,
  startStatus,
  zoneScript,
  type ElasticsearchSettings,
} from "./config-file";
import { CA_CERT_KEY, ELASTIC_USER, ElasticsearchSecurity, NODE_CERT_KEY, NODE_KEY_KEY, PASSWORD_KEY, type ElasticsearchClient, type ElasticsearchClientAuth } from "./security";
import { ElasticsearchBootstrap } from "./bootstrap";
import { ElasticsearchExporter, ELASTICSEARCH_EXPORTER_PORT_NAME } from "./exporter";
import { Kibana, KIBANA_PORT_NAME } from "./kibana";
import { ELASTICSEARCH_DEFAULTS } from "./schema";

export { ElasticsearchBootstrap, ElasticsearchExporter, ElasticsearchSecurity, Kibana, ELASTICSEARCH_EXPORTER_PORT_NAME, KIBANA_PORT_NAME };
export type { ElasticsearchClient, ElasticsearchClientAuth };

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

/** The defaults of an Elasticsearch created on its own live in ./schema.ts, next to the stack config's `elasticsearch.*` schema. */
export { ELASTICSEARCH_DEFAULTS };

export interface ElasticsearchArgs extends PlacementArgs {
  /** Master-eligible data nodes: 1 (single-node), or an odd number >= 3; more than one gets anti-affinity and a PodDisruptionBudget. @default 1 */
  replicas?: number;
  /** Size of each node's claim, in GiB. @default 10 */
  storageGi?: number;
  /** JVM heap, in MiB; at most half the memory limit. @default 512 */
  heapMi?: number;
  /** Rollover of a write index at this size per primary shard, in GiB. @default 5 */
  rolloverMaxPrimaryShardGi?: number;
  /** ILM phases of each log class (application, audit, security), in days. @default rollover daily, warm after 1, cold after 3, deleted after 7 */
  logClasses?: ElasticsearchSettings["logClasses"];
  /** Requests and limits of the Elasticsearch container. @default 250m/1Gi requested, 1 CPU/1Gi limit */
  resources?: ElasticsearchSettings["resources"];
  /** Kibana next to it. @default off (100m/512Mi requested, 500m/1Gi limit when on) */
  kibana?: ElasticsearchSettings["kibana"];
  /**
   * TLS, generated passwords and least-privilege users (`enabled`), and the generation of the CA and
   * certificates (raise it to rotate them). Off only in dev. @default on, generation 1
   */
  security?: ElasticsearchSettings["security"];
  /** All settings at once, as the stack's config holds them; the fields above win over it. */
  settings?: Partial<ElasticsearchSettings>;
  /** Snapshot repository + SLM policy (set by the AWS component in prod). @default none: no snapshots */
  snapshot?: ElasticsearchSnapshotArgs;
  /** `cluster.name`. @default "observability-stack-<environment>" */
  clusterName?: string;
  /** Name of Kibana's Deployment and Service. @default "<name>-kibana" */
  kibanaName?: string;
}

/** Service port names (Prometheus's job for the exporter selects the "metrics" port). */
export const ELASTICSEARCH_PORT_NAME = "http";
export const ELASTICSEARCH_TRANSPORT_PORT_NAME = "transport";

const ES_HOME = "/usr/share/elasticsearch";
const ZONE_DIR = ZONE_FILE.slice(0, ZONE_FILE.lastIndexOf("/"));

/**
 * Elasticsearch for the stack's logs: a StatefulSet (a single node, or an odd number of
 * master-eligible data nodes), and three child components: per-log-class ILM policies, index
 * templates and write aliases installed by an idempotent bootstrap Job (ElasticsearchBootstrap,
 * ./bootstrap.ts), a Prometheus exporter (ElasticsearchExporter, ./exporter.ts), and Kibana when
 * enabled (./kibana.ts).
 *
 * Security (on unless `security.enabled` is false, which only dev allows): TLS on HTTP and
 * transport from a CA generated in the cluster, generated passwords in Secrets, one least-privilege
 * user per client (`clients`), Kibana behind a login (./security.ts). Off: plain HTTP without users,
 * reachable only by the clients its NetworkPolicy admits.
 */
/** Where the elastic user's password Secret is mounted in an Elasticsearch node (never in its environment). */
const ELASTIC_PASSWORD_DIR = "/mnt/elastic-password";
const ELASTIC_PASSWORD_FILE = `${ELASTIC_PASSWORD_DIR}/password`;

export class Elasticsearch extends pulumi.ComponentResource {
  /** The persistent claims of its data volume, one per replica (none without persistence). */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[];
  /** In-cluster URL of the Elasticsearch HTTP API, from its Service. */
  public readonly url: pulumi.Output<string>;
  /** In-cluster DNS name of its Service (a log shipper's host). */
  public readonly host: pulumi.Output<string>;
  /** HTTP port of its Service. */
  public readonly port: number = PORTS.elasticsearchHttp;
  /** Write alias of each log class (what Fluent Bit writes to). */
  public readonly logAliases: pulumi.Output<Record<LogClassName, string>>;
  /** The index pattern of every log class's indices (what a Grafana datasource searches), e.g. "logs-*". */
  public readonly logIndexPattern: pulumi.Output<string>;
  /** In-cluster URL of Kibana; undefined when Kibana is disabled. */
  public readonly kibanaUrl?: pulumi.Output<string>;
  /** What each client of the stack needs to connect (user, password Secret, CA Secret); undefined with security off. */
  public readonly clients?: Record<ElasticsearchClient, ElasticsearchClientAuth>;
  /** The Secrets and certificate Job (ElasticsearchSecurity); undefined with security off. */
  public readonly security?: ElasticsearchSecurity;
  /** The Secret of the elastic superuser (the break-glass login); undefined with security off. */
  public readonly elasticUserSecretName?: pulumi.Output<string>;
  /** The exporter's Service, for the Prometheus job JOBS.elasticsearch. */
  public readonly exporterService: { service: string; portName: string };
  public readonly workload: Workload;

  /**
   * @param name Also the name of its Kubernetes objects: the StatefulSet, Service and ServiceAccount,
   *   `<name>-nodes` (the headless Service of discovery), `<name>-config`, and its children's
   *   `<name>-bootstrap` (ConfigMap and Job `<name>-bootstrap-<checksum>`), `<name>-exporter` and
   *   Kibana (`kibanaName`).
   */
  constructor(name: string, args: ElasticsearchArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Elasticsearch", name, {}, opts);
    const ctx = resolveContext(args);
    const s = resolveSettings(ELASTICSEARCH_DEFAULTS, args.settings, args);
    const ns = ctx.namespace;
    const version = appVersion("elasticsearch");
    const w: Workload = { name: APPS.elasticsearch, instance: name, component: "logs", version };
    this.workload = w;

    // More than one node: allocation awareness by zone, which each pod reads from its node's label.
    const placement = placementOf(ctx);
    const zoneAware = s.replicas > 1;

    // --- configuration -------------------------------------------------------------------------
    const ymlText = stringify({
      ...elasticsearchYml(s, { namespace: ns, clusterName: args.clusterName ?? `${PROJECT}-${ctx.environment}`, statefulSet: name, zones: placement.zones }),
      ...(args.snapshot?.elasticsearchYml ?? {}),
    });
    const esConfig = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, w, `${name}-config`), data: { "elasticsearch.yml": ymlText } },
      { parent: this },
    );

    const sa = serviceAccount(ctx, w, this, name, { automount: false, annotations: args.snapshot?.serviceAccountAnnotations });
    // The zone init container reads its node's labels: get on nodes, nothing else.
    if (zoneAware) nodeZoneReader(ctx, w, sa, this, name);

    // --- Services ------------------------------------------------------------------------------
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, name),
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
        metadata: meta(ctx, w, `${name}-nodes`),
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

    // From the Service's own name: whatever uses the URL (the children, Jaeger, Grafana) waits for it.
    this.host = service.metadata.name.apply((svc) => serviceHost(svc, ns));
    const secured = s.security.enabled;
    this.url = service.metadata.name.apply((svc) => serviceUrl(svc, ns, PORTS.elasticsearchHttp, secured ? "https" : "http"));

    // --- security: users' Secrets, the certificate Job ------------------------------------------
    const security = secured
      ? new ElasticsearchSecurity(
          `${name}-security`,
          {
            context: ctx,
            elasticsearch: w,
            statefulSet: name,
            service: name,
            headlessService: `${name}-nodes`,
            replicas: s.replicas,
            certificateGeneration: s.security.certificateGeneration,
          },
          { parent: this },
        )
      : undefined;
    this.security = security;
    if (security) {
      // Clients restart with a new CA generation (they read the CA at start-up).
      this.clients = Object.fromEntries(
        Object.entries(security.clients).map(([k, c]) => [k, { ...c, caGeneration: String(s.security.certificateGeneration) }]),
      ) as Record<ElasticsearchClient, ElasticsearchClientAuth>;
      this.elasticUserSecretName = security.userSecrets[ELASTIC_USER];
    }
    const healthCommand = (path: string) => [
      "bash",
      "-c",
      `printf 'user = "elastic:%s"\\n' "$(cat ${ELASTIC_PASSWORD_FILE})" | curl -K - -fsS -o /dev/null --max-time 4 --cacert ${ES_HOME}/config/${CERTS_DIR}/${CA_CERT_KEY} 'https://localhost:${PORTS.elasticsearchHttp}${path}'`,
    ];
    const probe = (opts: { initialDelaySeconds: number; periodSeconds: number; failureThreshold?: number }): k8s.types.input.core.v1.Probe =>
      secured
        ? { exec: { command: healthCommand("/_cluster/health?local=true") }, timeoutSeconds: 5, failureThreshold: 6, ...opts }
        : httpProbe("/_cluster/health?local=true", ELASTICSEARCH_PORT_NAME, opts);

    // --- StatefulSet ---------------------------------------------------------------------------
    const data = dataVolume(ctx, w, { statefulSet: name, volume: "data", sizeGi: s.storageGi, replicas: s.replicas }, this, name);
    this.claims = data.claims;
    const irsaLink = args.snapshot
      ? // repository-s3 reads a web-identity token only from inside its config directory.
        ` && if [ -n "\${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ]; then mkdir -p /mnt/config/repository-s3 && ln -sf "$AWS_WEB_IDENTITY_TOKEN_FILE" /mnt/config/repository-s3/aws-web-identity-token-file; fi`
      : "";
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: meta(ctx, w, name, { annotations: { ...data.annotations, ...placementAnnotations(ctx, s.replicas) } }),
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
            spec: withEphemeralStorage({
              serviceAccountName: sa.metadata.name,
              automountServiceAccountToken: false,
              securityContext: podSecurity(1000),
              affinity: antiAffinity(ctx, w, s.replicas),
              topologySpreadConstraints: topologySpread(ctx, w, s.replicas),
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
                ...(zoneAware
                  ? [
                      {
                        // A pod cannot see its node's labels through the downward API: the zone is
                        // read from the API with a token only this init container mounts.
                        name: "zone",
                        image: image("elasticsearch"),
                        command: ["bash", "-c", zoneScript({ zoneLabel: placement.zoneLabel, required: placement.zones.length > 0 })],
                        env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                        resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                        securityContext: containerSecurity({ runAsUser: 1000 }),
                        volumeMounts: [
                          { name: "zone", mountPath: ZONE_DIR },
                          { name: "api-token", mountPath: "/mnt/api-token", readOnly: true },
                        ],
                      },
                    ]
                  : []),
              ],
              containers: [
                {
                  name: "elasticsearch",
                  image: image("elasticsearch"),
                  // Through the image's entrypoint: clears the readiness marker, exports the zone.
                  args: startCommand({ zone: zoneAware }),
                  env: [
                    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    { name: "ES_JAVA_OPTS", value: heapOptions(s) },
                    { name: "ES_TMPDIR", value: "/tmp" },
                    // The bootstrap password of the elastic user: Elasticsearch sets it on first start.
                    // Read from the mounted Secret by the image's entrypoint (*_FILE), never an environment value.
                    ...(security ? [{ name: "ELASTIC_PASSWORD_FILE", value: ELASTIC_PASSWORD_FILE }] : []),
                    // The readiness script's parameters with security on: https, verified against
                    // the stack's CA (the node certificate names localhost), as the elastic user.
                    ...(security
                      ? [
                          { name: "ES_PROBE_SCHEME", value: "https" },
                          { name: "ES_PROBE_HOST", value: "localhost" },
                          { name: "ES_PROBE_CACERT", value: `${ES_HOME}/config/${CERTS_DIR}/${CA_CERT_KEY}` },
                          { name: "ES_PROBE_USERNAME", value: ELASTIC_USER },
                          { name: "ES_PROBE_PASSWORD_FILE", value: ELASTIC_PASSWORD_FILE },
                        ]
                      : []),
                  ],
                  ports: [
                    { name: ELASTICSEARCH_PORT_NAME, containerPort: PORTS.elasticsearchHttp },
                    { name: ELASTICSEARCH_TRANSPORT_PORT_NAME, containerPort: PORTS.elasticsearchTransport },
                  ],
                  // A started node is ready when the cluster is green again (yellow on a single node),
                  // so a rolling restart takes the next node down only when every shard copy has
                  // recovered; afterwards, when the node answers (./config.ts readinessScript).
                  readinessProbe: {
                    exec: { command: ["bash", "-c", readinessScript({ startStatus: startStatus(s) })] },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                    failureThreshold: 3,
                  },
                  // JVM start and shard recovery can take minutes: the startup probe allows 10.
                  startupProbe: { ...probe({ initialDelaySeconds: 10, periodSeconds: 10 }), failureThreshold: 60 },
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
                    ...(zoneAware ? [{ name: "zone", mountPath: ZONE_DIR, readOnly: true }] : []),
                    ...(security ? [{ name: "certs", mountPath: `${ES_HOME}/config/${CERTS_DIR}`, readOnly: true }, { name: "elastic-password", mountPath: ELASTIC_PASSWORD_DIR, readOnly: true }] : []),
                  ],
                },
              ],
              volumes: [
                { name: "es-config", configMap: { name: esConfig.metadata.name } },
                { name: "config", emptyDir: { sizeLimit: "64Mi" } },
                { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
                { name: "logs", emptyDir: { sizeLimit: "1Gi" } },
                ...(zoneAware
                  ? [
                      { name: "zone", emptyDir: { sizeLimit: "1Mi" } },
                      API_TOKEN_VOLUME,
                    ]
                  : []),
                ...(security ? [{ name: "elastic-password", secret: { secretName: security.userSecrets[ELASTIC_USER], items: [{ key: PASSWORD_KEY, path: PASSWORD_KEY }], defaultMode: 0o440 } }] : []),
                // Elasticsearch watches these files: a rotated certificate is reloaded without a restart.
                ...(security
                  ? [
                      {
                        name: "certs",
                        secret: {
                          secretName: security.certsSecretName,
                          items: [CA_CERT_KEY, NODE_CERT_KEY, NODE_KEY_KEY].map((k) => ({ key: k, path: k })),
                        },
                      },
                    ]
                  : []),
                ...data.volumes,
              ],
            }),
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
            agentPods(ctx, podsOf(APPS.fluentBit)),
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
      undefined,
      [
        // The other nodes (discovery, replication), and the snapshot repository over HTTPS when snapshots are on.
        { to: [podsOf(APPS.elasticsearch)], ports: [PORTS.elasticsearchTransport] },
        // The zone init container reads its node's zone label from the API server.
        ...(zoneAware ? [apiServerEgress(ctx)] : []),
        ...(args.snapshot ? [{ to: { cidrs: networkOf(ctx).objectStorageCidrs ?? ["0.0.0.0/0"] }, ports: [443] } satisfies EgressRule] : []),
      ],
    );

    // --- ILM policies, index templates, write aliases; the exporter; Kibana: children of their own
    new ElasticsearchBootstrap(
      `${name}-bootstrap`,
      {
        context: ctx,
        url: this.url,
        elasticsearch: w,
        settings: s,
        snapshot: args.snapshot,
        waitFor: [statefulSet, service],
        security: security ? { userSecrets: security.userSecrets, caSecretName: security.caSecretName, passwordsDigest: security.passwordsDigest } : undefined,
      },
      { parent: this },
    );
    const exporter = new ElasticsearchExporter(`${name}-exporter`, { context: ctx, url: this.url, auth: this.clients?.exporter }, { parent: this });
    this.exporterService = exporter.scrapeService;
    if (s.kibana.enabled) {
      const kibana = new Kibana(
        `${name}-kibana`,
        {
          context: ctx,
          elasticsearchUrl: this.url,
          resources: s.kibana.resources,
          objectName: args.kibanaName,
          auth: security
            ? { passwordSecretName: security.userSecrets["kibana_system"], caSecretName: security.caSecretName, caGeneration: String(s.security.certificateGeneration) }
            : undefined,
        },
        { parent: this },
      );
      this.kibanaUrl = kibana.url;
    }

    this.logAliases = pulumi.output({ ...LOG_ALIASES });
    this.logIndexPattern = this.logAliases.apply(logIndexPattern);
    this.registerOutputs({ url: this.url, host: this.host, logAliases: this.logAliases, logIndexPattern: this.logIndexPattern, kibanaUrl: this.kibanaUrl });
  }
}

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import type { Resources } from "../config/shared";
import {
  PlacementArgs,
  Workload,
  resolveContext,
  resolveSettings,
  antiAffinity,
  topologySpread,
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
  tcpProbe,
  withEphemeralStorage,
  governingServiceAnnotations,
} from "../common";
import { APPS, PORTS, podsOf, serviceUrl } from "../endpoints";
import { appVersion, image } from "../versions";
import {
  CONFIG_DIR,
  CONFIG_FILE,
  DATA_DIR,
  ES_INDEX_PREFIX,
  SAMPLING_FILE,
  buildJaegerConfig,
  buildSamplingStrategies,
  memoryLimits,
} from "./config-file";
import { JAEGER_DEFAULTS, type JaegerSettings } from "./schema";
import { CA_CERT_KEY, PASSWORD_KEY, caGenerationAnnotations, caVolume, passwordEnvVar, resolveClientAuth, type ElasticsearchClientAuth } from "../elasticsearch/security";

/** Where a secured Elasticsearch's CA and Jaeger's password file are mounted. */
export const ELASTICSEARCH_CA_DIR = "/etc/jaeger/elasticsearch-ca";
export const ELASTICSEARCH_PASSWORD_DIR = "/etc/jaeger/elasticsearch-password";

/** The defaults of a Jaeger created on its own live in ./schema.ts, next to the stack config's `jaeger.*` schema. */
export { JAEGER_DEFAULTS };

export interface JaegerArgs extends PlacementArgs {
  /** Pods; more than one needs storage "elasticsearch", and gets anti-affinity and a PodDisruptionBudget. @default 1 */
  replicas?: number;
  /** Head-sampling probability (0..1) served to SDKs that ask for their strategy. @default 1 */
  samplingRate?: number;
  /** Where traces are kept: "memory", "badger" (a data volume, one replica) or "elasticsearch". @default "badger" */
  storage?: JaegerSettings["storage"];
  /** Trace retention, in days (badger's span TTL, or the daily index cleaner's cut-off). @default 2 */
  retentionDays?: number;
  /** Size of badger's data claim, in GiB. @default 5 */
  storageGi?: number;
  /** Requests and limits of the Jaeger container. @default 50m/128Mi requested, 500m/512Mi limit */
  resources?: Resources;
  /** All settings at once, as the stack's config holds them; the fields above win over it. */
  settings?: Partial<JaegerSettings>;
  /** URL of Elasticsearch (the Elasticsearch component's `url`). @default none; required when storage is "elasticsearch" */
  elasticsearchUrl?: pulumi.Input<string>;
  /** Data nodes of that Elasticsearch (its `replicas`): shards and replicas of Jaeger's indices. @default 1 */
  elasticsearchNodes?: number;
  /**
   * A secured Elasticsearch: Jaeger's user, password Secret and CA Secret (the Elasticsearch
   * component's `clients.jaeger`). @default none: plain HTTP, no credentials
   */
  elasticsearchAuth?: ElasticsearchClientAuth;
  /** The same for the index cleaner, its own user (`clients.jaegerIndexCleaner`). @default none */
  indexCleanerAuth?: ElasticsearchClientAuth;
}

/** Service port names (Prometheus's job JOBS.jaeger selects "metrics"). */
export const JAEGER_PORT_NAMES = {
  otlpGrpc: "otlp-grpc",
  otlpHttp: "otlp-http",
  thriftHttp: "thrift-http",
  thriftCompact: "thrift-compact",
  thriftBinary: "thrift-binary",
  zipkin: "zipkin",
  query: "query",
  sampling: "sampling",
  metrics: "metrics",
  health: "health",
} as const;

/** Schedule of the Elasticsearch index cleaner (daily, shortly after the UTC day's indices roll). */
export const INDEX_CLEANER_SCHEDULE = "15 0 * * *";

const UID = 10001; // the jaeger image's user

/**
 * Jaeger v2: one binary that receives OTLP, stores traces (memory, badger or Elasticsearch),
 * serves the query API/UI and remote sampling strategies (probabilistic at samplingRate).
 * Badger needs a volume, so it runs as a one-replica StatefulSet; memory and Elasticsearch run as
 * a Deployment. With Elasticsearch, a daily CronJob deletes trace indices older than retentionDays;
 * with badger, the span TTL is the retention.
 */
export class Jaeger extends pulumi.ComponentResource {
  /** The persistent claims of its data volume, one per replica (none without persistence). */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[];
  /** OTLP/gRPC endpoint for applications' SDKs and collectors. */
  public readonly otlpGrpcEndpoint: pulumi.Output<string>;
  /** OTLP/HTTP endpoint (base URL; SDKs append /v1/traces). */
  public readonly otlpHttpEndpoint: pulumi.Output<string>;
  /** Jaeger query API/UI (Grafana's Jaeger datasource). */
  public readonly queryUrl: pulumi.Output<string>;
  /** Remote sampling strategies endpoint (GET /sampling?service=NAME). */
  public readonly samplingUrl: pulumi.Output<string>;
  /** The Service and port Prometheus's job JOBS.jaeger scrapes. */
  public readonly metricsService: { service: string; portName: string };
  public readonly workload: Workload;

  /**
   * @param name Also the name of its Kubernetes objects: the Service and the StatefulSet (badger) or
   *   Deployment, `<name>-config`, and the CronJob `<name>-index-cleaner` (Elasticsearch storage).
   */
  constructor(name: string, args: JaegerArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Jaeger", name, {}, opts);
    const ctx = resolveContext(args);
    const s = resolveSettings(JAEGER_DEFAULTS, args.settings, args);
    const ns = ctx.namespace;
    const w: Workload = { name: APPS.jaeger, instance: name, component: "traces", version: appVersion("jaeger") };
    this.workload = w;

    if (s.storage === "elasticsearch" && args.elasticsearchUrl === undefined) {
      throw new Error(`Jaeger "${name}": jaeger.storage is "elasticsearch" but no elasticsearchUrl was given (pass the Elasticsearch component's url)`);
    }
    if (s.storage !== "elasticsearch" && s.replicas > 1) {
      throw new Error(`Jaeger "${name}": ${s.replicas} replicas cannot share ${s.storage} storage; allowed: 1, or storage "elasticsearch"`);
    }

    const esStorage = s.storage === "elasticsearch";
    if (esStorage && (args.elasticsearchAuth === undefined) !== (args.indexCleanerAuth === undefined)) {
      throw new Error(`Jaeger "${name}": elasticsearchAuth and indexCleanerAuth go together (both for a secured Elasticsearch, neither for one without security)`);
    }
    const esAuth = esStorage && args.elasticsearchAuth ? resolveClientAuth(args.elasticsearchAuth, ctx, name, this) : undefined;
    const cleanerAuth = esStorage && args.indexCleanerAuth ? resolveClientAuth(args.indexCleanerAuth, ctx, `${name}-index-cleaner`, this) : undefined;
    const caFile = `${ELASTICSEARCH_CA_DIR}/${CA_CERT_KEY}`;
    const esUrl = args.elasticsearchUrl === undefined ? pulumi.output<string | undefined>(undefined) : pulumi.output(args.elasticsearchUrl);
    const configYaml = esUrl.apply((url) =>
      stringify(
        buildJaegerConfig(s, {
          elasticsearchUrl: url,
          elasticsearchAuth: esAuth ? { username: esAuth.username, passwordFile: `${ELASTICSEARCH_PASSWORD_DIR}/${PASSWORD_KEY}`, caFile } : undefined,
          namespace: ns,
          elasticsearchNodes: args.elasticsearchNodes,
        }),
      ),
    );
    const samplingJson = JSON.stringify(buildSamplingStrategies(s), null, 2);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, w, `${name}-config`), data: { [CONFIG_FILE]: configYaml, [SAMPLING_FILE]: samplingJson } },
      { parent: this },
    );
    // The sampling file is re-read every minute; config.yaml only at start, so a change rolls the pods.
    const configChecksum = configYaml.apply((y) => checksum(y));

    const P = JAEGER_PORT_NAMES;
    const badger = s.storage === "badger";

    const data = badger ? dataVolume(ctx, w, { statefulSet: name, volume: "data", sizeGi: s.storageGi, replicas: 1 }, this, name) : undefined;
    this.claims = data?.claims ?? [];
    const podTemplate: k8s.types.input.core.v1.PodTemplateSpec = {
      metadata: { labels: labels(ctx, w), annotations: { "checksum/config": configChecksum, ...(esAuth ? caGenerationAnnotations(args.elasticsearchAuth) : {}) } },
      spec: withEphemeralStorage({
        automountServiceAccountToken: false,
        securityContext: podSecurity(UID),
        affinity: antiAffinity(ctx, w, s.replicas),
        topologySpreadConstraints: topologySpread(ctx, w, s.replicas),
        terminationGracePeriodSeconds: 60,
        containers: [
          {
            name: "jaeger",
            image: image("jaeger"),
            args: ["--config", `${CONFIG_DIR}/${CONFIG_FILE}`],
            // The Go runtime's soft limit matches memory_limiter's hard limit.
            env: [{ name: "GOMEMLIMIT", value: `${memoryLimits(s).limitMib}MiB` }],
            ports: [
              { name: P.otlpGrpc, containerPort: PORTS.jaegerOtlpGrpc },
              { name: P.otlpHttp, containerPort: PORTS.jaegerOtlpHttp },
              { name: P.thriftHttp, containerPort: PORTS.jaegerThriftHttp },
              { name: P.thriftCompact, containerPort: PORTS.jaegerThriftCompact, protocol: "UDP" },
              { name: P.thriftBinary, containerPort: PORTS.jaegerThriftBinary, protocol: "UDP" },
              { name: P.zipkin, containerPort: PORTS.zipkin },
              { name: P.query, containerPort: PORTS.jaegerQuery },
              { name: P.sampling, containerPort: PORTS.jaegerSampling },
              { name: P.metrics, containerPort: PORTS.jaegerMetrics },
              { name: P.health, containerPort: PORTS.jaegerHealth },
            ],
            // Ready = the health-check extension reports the pipelines ready; alive = the process
            // still accepts connections (a storage outage makes it unready, never restarts it).
            readinessProbe: httpProbe("/status", P.health, { initialDelaySeconds: 5, failureThreshold: 3 }),
            livenessProbe: tcpProbe(P.health, { initialDelaySeconds: 15 }),
            startupProbe: { ...httpProbe("/status", P.health, { initialDelaySeconds: 5, periodSeconds: 5 }), failureThreshold: 60 },
            resources: resources(s.resources),
            securityContext: containerSecurity({ runAsUser: UID }),
            volumeMounts: [
              { name: "config", mountPath: CONFIG_DIR, readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
              ...(badger ? [{ name: "data", mountPath: DATA_DIR }] : []),
              ...(esAuth
                ? [
                    { name: "elasticsearch-ca", mountPath: ELASTICSEARCH_CA_DIR, readOnly: true },
                    { name: "elasticsearch-password", mountPath: ELASTICSEARCH_PASSWORD_DIR, readOnly: true },
                  ]
                : []),
            ],
          },
        ],
        volumes: [
          { name: "config", configMap: { name: configMap.metadata.name } },
          { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
          ...(data?.volumes ?? []),
          ...(esAuth
            ? [
                caVolume("elasticsearch-ca", esAuth.caSecretName),
                { name: "elasticsearch-password", secret: { secretName: esAuth.passwordSecretName, items: [{ key: PASSWORD_KEY, path: PASSWORD_KEY }] } },
              ]
            : []),
        ],
      }),
    };

    let statefulSet: k8s.apps.v1.StatefulSet | undefined;
    if (badger && data) {
      statefulSet = new k8s.apps.v1.StatefulSet(
        `${name}-statefulset`,
        {
          metadata: meta(ctx, w, name, { annotations: data!.annotations }),
          spec: {
            // Its governing Service (below) by name: a known value, so no dependency on the Service.
            serviceName: name,
            replicas: 1,
            selector: { matchLabels: selector(w) },
            persistentVolumeClaimRetentionPolicy: data.persistentVolumeClaimRetentionPolicy,
            volumeClaimTemplates: data.volumeClaimTemplates,
            template: podTemplate,
          },
        },
        data!.options(),
      );
    } else {
      new k8s.apps.v1.Deployment(
        `${name}-deployment`,
        {
          metadata: meta(ctx, w, name),
          spec: {
            replicas: s.replicas,
            selector: { matchLabels: selector(w) },
            // Never drop below the wanted replicas while rolling: OTLP senders keep a target.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: s.replicas > 1 ? 1 : 0, maxSurge: 1 } },
            template: podTemplate,
          },
        },
        { parent: this },
      );
    }

    disruptionBudget(ctx, w, s.replicas, this, name);
    networkPolicy(
      ctx,
      w,
      [
        // Applications anywhere in the cluster send spans and fetch their sampling strategy.
        { from: "cluster", ports: [PORTS.jaegerOtlpGrpc, PORTS.jaegerOtlpHttp, PORTS.jaegerSampling, PORTS.jaegerThriftHttp, PORTS.zipkin] },
        { from: "cluster", ports: [PORTS.jaegerThriftCompact, PORTS.jaegerThriftBinary], protocols: ["UDP"] },
        { from: [podsOf(APPS.grafana)], ports: [PORTS.jaegerQuery] },
        { from: [podsOf(APPS.prometheus)], ports: [PORTS.jaegerMetrics] },
      ],
      this,
      name,
      undefined,
      s.storage === "elasticsearch" ? [{ to: [podsOf(APPS.elasticsearch)], ports: [PORTS.elasticsearchHttp] }] : [],
    );

    if (s.storage === "elasticsearch") {
      // Same app name (the Elasticsearch NetworkPolicy admits it as Jaeger), its own instance so
      // the Deployment's and Service's selectors never match the cleaner's pods.
      const cleanerW: Workload = { name: APPS.jaeger, instance: `${name}-index-cleaner`, component: "traces", version: appVersion("jaegerIndexCleaner") };
      new k8s.batch.v1.CronJob(
        `${name}-index-cleaner`,
        {
          metadata: meta(ctx, cleanerW, `${name}-index-cleaner`),
          spec: {
            schedule: INDEX_CLEANER_SCHEDULE,
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
              metadata: { labels: labels(ctx, cleanerW) },
              spec: {
                backoffLimit: 3,
                activeDeadlineSeconds: 1800,
                template: {
                  metadata: { labels: labels(ctx, cleanerW), annotations: cleanerAuth ? caGenerationAnnotations(args.indexCleanerAuth) : {} },
                  spec: withEphemeralStorage({
                    restartPolicy: "OnFailure",
                    automountServiceAccountToken: false,
                    securityContext: podSecurity(UID),
                    containers: [
                      {
                        name: "index-cleaner",
                        image: image("jaegerIndexCleaner"),
                        // NUM_OF_DAYS ES_URL: deletes the daily trace indices older than the retention.
                        args: [String(s.retentionDays), esUrl.apply((u) => u as string)],
                        // --index-prefix, set through the environment (viper) so args stay positional.
                        // Its own user and TLS, through the same environment (ES_USERNAME is --es.username, ...).
                        env: [
                          { name: "INDEX_PREFIX", value: ES_INDEX_PREFIX },
                          ...(cleanerAuth
                            ? [
                                { name: "ES_USERNAME", value: cleanerAuth.username },
                                passwordEnvVar("ES_PASSWORD", cleanerAuth.passwordSecretName),
                                { name: "ES_TLS_ENABLED", value: "true" },
                                { name: "ES_TLS_CA", value: caFile },
                              ]
                            : []),
                        ],
                        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                        securityContext: containerSecurity({ runAsUser: UID }),
                        ...(cleanerAuth ? { volumeMounts: [{ name: "elasticsearch-ca", mountPath: ELASTICSEARCH_CA_DIR, readOnly: true }] } : {}),
                      },
                    ],
                    ...(cleanerAuth ? { volumes: [caVolume("elasticsearch-ca", cleanerAuth.caSecretName)] } : {}),
                  }),
                },
              },
            },
          },
        },
        { parent: this },
      );
      // The cleaner talks to Elasticsearch only; nothing talks to it.
      networkPolicy(ctx, cleanerW, [], this, `${name}-index-cleaner`, undefined, [{ to: [podsOf(APPS.elasticsearch)], ports: [PORTS.elasticsearchHttp] }]);
    }

    // From the Service's own name: whatever uses an endpoint waits for the Service.
    // With badger it governs the one-replica StatefulSet: headless, like every governing Service
    // (clients reach the one pod by the same name). A change of storage replaces it, deleted first.
    // Registered after the StatefulSet, which names it as a known value: the engine then does not
    // replace the StatefulSet with it (serviceName is immutable).
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, name, badger ? { annotations: governingServiceAnnotations(ctx, name) } : undefined),
        spec: {
          ...(badger ? { clusterIP: "None" } : {}),
          selector: selector(w),
          ports: [
            { name: P.otlpGrpc, port: PORTS.jaegerOtlpGrpc, targetPort: P.otlpGrpc, appProtocol: "grpc" },
            { name: P.otlpHttp, port: PORTS.jaegerOtlpHttp, targetPort: P.otlpHttp },
            { name: P.thriftHttp, port: PORTS.jaegerThriftHttp, targetPort: P.thriftHttp },
            { name: P.thriftCompact, port: PORTS.jaegerThriftCompact, targetPort: P.thriftCompact, protocol: "UDP" },
            { name: P.thriftBinary, port: PORTS.jaegerThriftBinary, targetPort: P.thriftBinary, protocol: "UDP" },
            { name: P.zipkin, port: PORTS.zipkin, targetPort: P.zipkin },
            { name: P.query, port: PORTS.jaegerQuery, targetPort: P.query },
            { name: P.sampling, port: PORTS.jaegerSampling, targetPort: P.sampling },
            { name: P.metrics, port: PORTS.jaegerMetrics, targetPort: P.metrics },
          ],
        },
      },
      { parent: this, replaceOnChanges: ["spec.clusterIP"], deleteBeforeReplace: true, dependsOn: statefulSet ? [statefulSet] : [] },
    );

    const url = (port: number) => service.metadata.name.apply((svc) => serviceUrl(svc, ns, port));
    this.otlpGrpcEndpoint = url(PORTS.jaegerOtlpGrpc);
    this.otlpHttpEndpoint = url(PORTS.jaegerOtlpHttp);
    this.queryUrl = url(PORTS.jaegerQuery);
    this.samplingUrl = url(PORTS.jaegerSampling);
    this.metricsService = { service: name, portName: P.metrics };
    this.registerOutputs({
      otlpGrpcEndpoint: this.otlpGrpcEndpoint,
      otlpHttpEndpoint: this.otlpHttpEndpoint,
      queryUrl: this.queryUrl,
      samplingUrl: this.samplingUrl,
    });
  }
}

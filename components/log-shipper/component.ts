import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Resources } from "../config/shared";
import type { LogClassName } from "../elasticsearch/schema";
import {
  PlacementArgs,
  Workload,
  apiServerEgress,
  checksum,
  containerSecurity,
  httpProbe,
  labels,
  mainPods,
  meta,
  networkPolicy,
  resolveContext,
  resolveSettings,
  resources,
  selector,
  serviceAccount,
  withEphemeralStorage,
} from "../common";
import { APPS, JOBS, PORTS, podsOf } from "../endpoints";
import { LOG_ALIASES } from "../elasticsearch/config-file";
import type { ServiceScrapeTarget } from "../prometheus/config-file";
import { appVersion, image } from "../versions";
import { CA_CERT_KEY, caGenerationAnnotations, caVolume, passwordEnvVar, resolveClientAuth, type ElasticsearchClientAuth } from "../elasticsearch/security";
import { CONFIG_DIR, CONFIG_FILE, CONTAINER_NAME, STATE_DIR, buildFluentBitConfig } from "./config-file";
import { LOG_SHIPPER_DEFAULTS, type LogShipperSettings } from "./schema";

/** The defaults of a LogShipper created on its own live in ./schema.ts, next to the stack config's `logShipper.*` schema. */
export { LOG_SHIPPER_DEFAULTS };

export interface LogShipperArgs extends PlacementArgs {
  /** Requests and limits per node; the in-memory buffers are a quarter of the memory limit. @default 20m/64Mi requested, 200m/128Mi limit */
  resources?: Resources;
  /**
   * The Loki output's filesystem buffer on each node, in MB: it retries without limit, so a Loki
   * outage loses no logs until a node has buffered this much. @default 512
   */
  lokiBufferMb?: number;
  /** The settings as the stack's config holds them (`logShipper.*`); the fields above win over them. */
  settings?: Partial<LogShipperSettings>;
  /** Loki's Service host (the Loki component's `host`). Required: there is no Loki to assume. */
  lokiHost: pulumi.Input<string>;
  /** Loki's HTTP port (the Loki component's `port`). @default 3100 */
  lokiPort?: number;
  /** Elasticsearch's Service host (the Elasticsearch component's `host`). Required: there is no Elasticsearch to assume. */
  elasticsearchHost: pulumi.Input<string>;
  /** Elasticsearch's HTTP port (the Elasticsearch component's `port`). @default 9200 */
  elasticsearchPort?: number;
  /**
   * Write alias of each log class (the Elasticsearch component's `logAliases`).
   * @default LOG_ALIASES: logs-application, logs-audit, logs-security
   */
  logAliases?: pulumi.Input<Record<LogClassName, string>>;
  /**
   * A secured Elasticsearch: the shipper's user, its password Secret and the CA Secret (the
   * Elasticsearch component's `clients.fluentBit`). @default none: plain HTTP, no credentials
   */
  elasticsearchAuth?: ElasticsearchClientAuth;
}

/** Where the Elasticsearch CA is mounted, and the variable holding the shipper's password. */
export const ELASTICSEARCH_CA_DIR = "/fluent-bit/etc/elasticsearch-ca";
export const ELASTICSEARCH_PASSWORD_ENV = "ELASTICSEARCH_PASSWORD";

/** Name of the Service port Prometheus scrapes. */
export const FLUENT_BIT_PORT_NAME = "http-metrics";
/** Prometheus-format metrics of Fluent Bit's built-in HTTP server. */
export const FLUENT_BIT_METRICS_PATH = "/api/v2/metrics/prometheus";

/**
 * Fluent Bit on every node (a DaemonSet that tolerates every taint): tails the node's container
 * logs, adds Kubernetes metadata and ships each record to Loki and to its log class's Elasticsearch
 * alias. Offsets and the filesystem buffer live in a hostPath state directory, so a restarted pod
 * neither re-ships nor loses what it had read.
 *
 * Declared exception — runs as root (uid 0): kubelet writes /var/log/pods/… as root:root 0640, and a
 * non-root process cannot read them without CAP_DAC_READ_SEARCH, which container runtimes do not
 * grant to non-root users (no ambient capabilities). As root it needs no capability at all: the
 * files' owner bits allow it. So: runAsUser 0, every capability dropped, no privilege escalation,
 * read-only root filesystem, /var/log mounted read-only; the only writable host path is its own
 * state directory.
 *
 * Probes: readiness on /api/v1/health (not ready while outputs keep failing — visible, and out of
 * the metrics Service); liveness on / (the HTTP server answers). Liveness deliberately does not use
 * /api/v1/health: a Loki or Elasticsearch outage would otherwise restart the agent on every node at
 * once without fixing anything.
 */
export class LogShipper extends pulumi.ComponentResource {
  /** fluent-bit.yaml as serialised into the ConfigMap. */
  public readonly configYaml: pulumi.Output<string>;
  /** How Prometheus scrapes the agents (job "fluent-bit", all pods through the Service's endpoints). */
  public readonly scrapeTarget: ServiceScrapeTarget;
  public readonly workload: Workload;

  /**
   * @param name Also the name of its Kubernetes objects: the DaemonSet, Service and ServiceAccount,
   *   `<name>-config`, and the ClusterRole and binding `<namespace>-<name>-metadata`.
   */
  constructor(name: string, args: LogShipperArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:LogShipper", name, {}, opts);
    const ctx = resolveContext(args);
    const s = resolveSettings(LOG_SHIPPER_DEFAULTS, args.settings, args);
    const ns = ctx.namespace;
    const w: Workload = { name: APPS.fluentBit, instance: name, component: "log-shipper", version: appVersion("fluentBit") };
    this.workload = w;
    const esAuth = args.elasticsearchAuth ? resolveClientAuth(args.elasticsearchAuth, ctx, name, this) : undefined;

    this.configYaml = pulumi.all([args.lokiHost, args.elasticsearchHost, args.logAliases ?? LOG_ALIASES]).apply(([lokiHost, esHost, logAliases]) =>
      buildFluentBitConfig({
        namespace: ns,
        loki: { host: lokiHost, port: args.lokiPort ?? PORTS.lokiHttp },
        elasticsearch: {
          host: esHost,
          port: args.elasticsearchPort ?? PORTS.elasticsearchHttp,
          auth: esAuth ? { user: esAuth.username, passwordEnv: ELASTICSEARCH_PASSWORD_ENV, caFile: `${ELASTICSEARCH_CA_DIR}/${CA_CERT_KEY}` } : undefined,
        },
        logAliases: logAliases as Record<LogClassName, string>,
        memoryLimit: s.resources.limits.memory,
        lokiBufferMb: s.lokiBufferMb,
      }),
    );

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, w, `${name}-config`), data: { [CONFIG_FILE]: this.configYaml } },
      { parent: this },
    );

    // The kubernetes filter reads pod and namespace metadata from the API server.
    const sa = serviceAccount(ctx, w, this, name, { automount: true });
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      `${name}-metadata`,
      {
        metadata: { name: `${ns}-${name}-metadata`, labels: labels(ctx, w) },
        rules: [{ apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] }],
      },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-metadata`,
      {
        metadata: { name: `${ns}-${name}-metadata`, labels: labels(ctx, w) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ns }],
      },
      { parent: this },
    );

    new k8s.apps.v1.DaemonSet(
      `${name}-daemonset`,
      {
        metadata: meta(ctx, w, name),
        spec: {
          selector: { matchLabels: selector(w) },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
          template: {
            metadata: { labels: labels(ctx, w), annotations: { "checksum/config": this.configYaml.apply(checksum), ...caGenerationAnnotations(args.elasticsearchAuth) } },
            spec: withEphemeralStorage({
              serviceAccountName: sa.metadata.name,
              automountServiceAccountToken: true,
              priorityClassName: "system-node-critical",
              // Every node, whatever its taints: a node whose logs are not shipped is a blind spot.
              tolerations: [{ operator: "Exists" }],
              // Declared exception (see the class doc): root without capabilities, to read kubelet's log files.
              securityContext: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: "RuntimeDefault" } },
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: CONTAINER_NAME,
                  image: image("fluentBit"),
                  command: ["/fluent-bit/bin/fluent-bit"],
                  args: ["--workdir=/fluent-bit/etc", `--config=${CONFIG_DIR}/${CONFIG_FILE}`],
                  ...(esAuth ? { env: [passwordEnvVar(ELASTICSEARCH_PASSWORD_ENV, esAuth.passwordSecretName)] } : {}),
                  ports: [{ name: FLUENT_BIT_PORT_NAME, containerPort: PORTS.fluentBitHttp }],
                  readinessProbe: httpProbe("/api/v1/health", FLUENT_BIT_PORT_NAME, { initialDelaySeconds: 5 }),
                  livenessProbe: httpProbe("/", FLUENT_BIT_PORT_NAME, { initialDelaySeconds: 10 }),
                  resources: resources(s.resources),
                  securityContext: { ...containerSecurity({ runAsUser: 0 }), runAsNonRoot: false, runAsGroup: 0 },
                  volumeMounts: [
                    { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "varlog", mountPath: "/var/log", readOnly: true },
                    { name: "state", mountPath: STATE_DIR },
                    ...(esAuth ? [{ name: "elasticsearch-ca", mountPath: ELASTICSEARCH_CA_DIR, readOnly: true }] : []),
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: configMap.metadata.name } },
                { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
                { name: "state", hostPath: { path: STATE_DIR, type: "DirectoryOrCreate" } },
                ...(esAuth ? [caVolume("elasticsearch-ca", esAuth.caSecretName)] : []),
              ],
            }),
          },
        },
      },
      // Replaced (a move to another namespace) deleted first: two shippers on a node would share
      // the state directory on the host and ship the same files twice.
      { parent: this, deleteBeforeReplace: true },
    );

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, name),
        spec: {
          selector: selector(w),
          ports: [{ name: FLUENT_BIT_PORT_NAME, port: PORTS.fluentBitHttp, targetPort: FLUENT_BIT_PORT_NAME }],
        },
      },
      { parent: this },
    );

    // Scraped by Prometheus; ships to Loki and Elasticsearch (in the main namespace) and reads
    // metadata from the API server.
    networkPolicy(ctx, w, [{ from: [mainPods(ctx, podsOf(APPS.prometheus))], ports: [PORTS.fluentBitHttp] }], this, name, undefined, [
      { to: [mainPods(ctx, podsOf(APPS.loki))], ports: [args.lokiPort ?? PORTS.lokiHttp] },
      { to: [mainPods(ctx, podsOf(APPS.elasticsearch))], ports: [args.elasticsearchPort ?? PORTS.elasticsearchHttp] },
      apiServerEgress(ctx),
    ]);

    this.scrapeTarget = { job: JOBS.fluentBit, namespace: ns, service: name, portName: FLUENT_BIT_PORT_NAME, metricsPath: FLUENT_BIT_METRICS_PATH };
    this.registerOutputs({});
  }
}

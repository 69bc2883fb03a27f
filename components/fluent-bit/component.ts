import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { LogClassName, StackConfig } from "../config";
import { StackContext, Workload, checksum, containerSecurity, httpProbe, labels, meta, networkPolicy, resources, selector, serviceAccount } from "../common";
import { APPS, JOBS, PORTS, SERVICES, podsOf } from "../endpoints";
import type { ServiceScrapeTarget } from "../prometheus/config";
import { appVersion, image } from "../versions";
import { CONFIG_DIR, CONFIG_FILE, CONTAINER_NAME, STATE_DIR, buildFluentBitConfig } from "./config";

export interface LogShipperArgs {
  context: StackContext;
  /** Container resources per node; the in-memory buffers are sized to a quarter of the memory limit. */
  settings: StackConfig["logShipper"];
  /** Loki Service host (Loki.host). */
  lokiHost: pulumi.Input<string>;
  /** Loki HTTP port (Loki.port, 3100). */
  lokiPort: number;
  /** Elasticsearch Service host. */
  elasticsearchHost: pulumi.Input<string>;
  /** Elasticsearch HTTP port (9200). */
  elasticsearchPort: number;
  /** Rollover alias each log class is written to (logs-application, logs-audit, logs-security). */
  logAliases: Record<LogClassName, string>;
}

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

  constructor(name: string, args: LogShipperArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:LogShipper", name, {}, opts);
    const { context: ctx, settings: s } = args;
    const ns = ctx.namespace;
    const w: Workload = { name: APPS.fluentBit, instance: name, component: "log-shipper", version: appVersion("fluentBit") };
    this.workload = w;

    this.configYaml = pulumi.all([args.lokiHost, args.elasticsearchHost]).apply(([lokiHost, esHost]) =>
      buildFluentBitConfig({
        namespace: ns,
        loki: { host: lokiHost, port: args.lokiPort },
        elasticsearch: { host: esHost, port: args.elasticsearchPort },
        logAliases: args.logAliases,
        memoryLimit: s.resources.limits.memory,
        lokiBufferMb: s.lokiBufferMb,
      }),
    );

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, w, `${SERVICES.fluentBit}-config`), data: { [CONFIG_FILE]: this.configYaml } },
      { parent: this },
    );

    // The kubernetes filter reads pod and namespace metadata from the API server.
    const sa = serviceAccount(ctx, w, this, name, { automount: true });
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      `${name}-metadata`,
      {
        metadata: { name: `${ns}-fluent-bit-metadata`, labels: labels(ctx, w) },
        rules: [{ apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] }],
      },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-metadata`,
      {
        metadata: { name: `${ns}-fluent-bit-metadata`, labels: labels(ctx, w) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ns }],
      },
      { parent: this },
    );

    new k8s.apps.v1.DaemonSet(
      `${name}-daemonset`,
      {
        metadata: meta(ctx, w, SERVICES.fluentBit),
        spec: {
          selector: { matchLabels: selector(w) },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
          template: {
            metadata: { labels: labels(ctx, w), annotations: { "checksum/config": this.configYaml.apply(checksum) } },
            spec: {
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
                  ports: [{ name: FLUENT_BIT_PORT_NAME, containerPort: PORTS.fluentBitHttp }],
                  readinessProbe: httpProbe("/api/v1/health", FLUENT_BIT_PORT_NAME, { initialDelaySeconds: 5 }),
                  livenessProbe: httpProbe("/", FLUENT_BIT_PORT_NAME, { initialDelaySeconds: 10 }),
                  resources: resources(s.resources),
                  securityContext: { ...containerSecurity({ runAsUser: 0 }), runAsNonRoot: false, runAsGroup: 0 },
                  volumeMounts: [
                    { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "varlog", mountPath: "/var/log", readOnly: true },
                    { name: "state", mountPath: STATE_DIR },
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: configMap.metadata.name } },
                { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
                { name: "state", hostPath: { path: STATE_DIR, type: "DirectoryOrCreate" } },
              ],
            },
          },
        },
      },
      { parent: this },
    );

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, SERVICES.fluentBit),
        spec: {
          selector: selector(w),
          ports: [{ name: FLUENT_BIT_PORT_NAME, port: PORTS.fluentBitHttp, targetPort: FLUENT_BIT_PORT_NAME }],
        },
      },
      { parent: this },
    );

    networkPolicy(ctx, w, [{ from: [podsOf(APPS.prometheus)], ports: [PORTS.fluentBitHttp] }], this, name);

    this.scrapeTarget = { job: JOBS.fluentBit, namespace: ns, service: SERVICES.fluentBit, portName: FLUENT_BIT_PORT_NAME, metricsPath: FLUENT_BIT_METRICS_PATH };
    this.registerOutputs({});
  }
}

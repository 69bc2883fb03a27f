import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import {
  PlacementArgs,
  Workload,
  EgressRule,
  StackContext,
  antiAffinity,
  topologySpread,
  placementAnnotations,
  apiServerEgress,
  configReloader,
  containerSecurity,
  resolveContext,
  resolveSettings,
  dataVolume,
  disruptionBudget,
  httpProbe,
  labels,
  meta,
  networkOf,
  networkPolicy,
  podSecurity,
  resources,
  selector,
  withEphemeralStorage,
  governingService,
} from "../common";
import { APPS, PORTS, podsOf, serviceUrl } from "../endpoints";
import { appVersion, image } from "../versions";
import { OBJSTORE_DIR, OBJSTORE_FILE, POD_NAME_ENV, PROMETHEUS_BLOCK_FLAGS, REPLICA_LABEL, sidecarArgs } from "../thanos/config-file";
import type { SidecarWiring } from "../thanos/component";
import type { Resources } from "../config/shared";
import { CONFIG_DIR, CONFIG_FILE, RULES_DIR, ServiceScrapeTarget, buildPrometheusConfig } from "./config-file";
import type { KubernetesScrapeInput } from "./kubernetes-jobs";
import { PROMETHEUS_DEFAULTS, type PrometheusSettings } from "./schema";

/** Prometheus's settings and its defaults live in ./schema.ts, next to the stack config's `prometheus.*` schema. */
export { PROMETHEUS_DEFAULTS };
export type { PrometheusSettings };

export interface PrometheusArgs extends PlacementArgs {
  /** Pods of the StatefulSet; more than one gets anti-affinity and a PodDisruptionBudget. @default 1 */
  replicas?: number;
  /** `--storage.tsdb.retention.time`, in days. @default 15 */
  retentionDays?: number;
  /** `--storage.tsdb.retention.size`, in GiB; below storageGi, to leave room for the WAL. @default 8 */
  retentionSizeGi?: number;
  /** Size of each replica's claim, in GiB. @default 10 */
  storageGi?: number;
  /** `scrape_interval`, in seconds. @default 30 */
  scrapeIntervalSeconds?: number;
  /** `evaluation_interval`, in seconds. @default 30 */
  evaluationIntervalSeconds?: number;
  /** Extra static scrape jobs. @default [] */
  staticTargets?: PrometheusSettings["staticTargets"];
  /** Requests and limits of the Prometheus container. @default 200m/512Mi requested, 1 CPU/1Gi limit */
  resources?: PrometheusSettings["resources"];
  /** All settings at once, as the stack's config holds them; the fields above win over it. */
  settings?: Partial<PrometheusSettings>;
  /** External label `cluster`. @default the namespace */
  clusterName?: string;
  /** Services to scrape besides Prometheus itself (the stack's components, node exporters). @default [] */
  serviceTargets?: ServiceScrapeTarget[];
  /** Kubernetes itself (kube-state-metrics, kubelets, cAdvisor, API server). @default none: not scraped */
  kubernetes?: KubernetesScrapeInput;
  /** Alertmanager's Service to send alerts to, in the same namespace. @default none: no alerting section */
  alertmanager?: { service: string; portName: string };
  /**
   * A Thanos sidecar in each pod: it serves the TSDB to Thanos Query and uploads every 2-hour block
   * to the bucket (local compaction off). Each replica then carries the external label
   * REPLICA_LABEL (its pod's name), by which Query deduplicates; alerts drop it.
   * @default none: no sidecar
   */
  thanos?: SidecarWiring & { resources: Resources };
  /** Annotations of the ServiceAccount (the sidecar's IRSA role). @default none */
  serviceAccountAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Rule files: file name (ending .yaml) → rule-file object ({groups: [...]}). @default {} */
  ruleFiles?: Record<string, object>;
}

/** The port name of Prometheus's Service (scraped by its own job). */
export const PROMETHEUS_PORT_NAME = "web";
/** Port names of the Thanos sidecar on the governing Service (StoreAPI for Query; /metrics). */
export const SIDECAR_GRPC_PORT_NAME = "sidecar-grpc";
export const SIDECAR_HTTP_PORT_NAME = "sidecar-http";
/**
 * How long a client stays with one replica behind the query Service (kube-proxy's ClientIP
 * affinity), in seconds: a day. The replicas scrape the same targets but not at the same instants,
 * so two replicas answer the same query with slightly different data; a dashboard that alternated
 * between them would jitter. One client, one replica, until that replica goes away: kube-proxy then
 * picks a ready one (the affinity follows only endpoints that still exist).
 */
export const QUERY_AFFINITY_SECONDS = 86400;

/**
 * Where Prometheus connects: pods anywhere in the cluster on any port (the stack's components, and
 * every pod or Service annotated `prometheus.io/scrape`, whose port the annotation names), the nodes'
 * kubelets and node exporters, the API server (discovery, its own metrics), and the static targets'
 * ports.
 */
export function prometheusEgress(ctx: StackContext, staticTargets: PrometheusSettings["staticTargets"], kubernetes: boolean): EgressRule[] {
  const net = networkOf(ctx);
  const staticPorts = [...new Set(staticTargets.flatMap((t) => t.targets.map((a) => Number(a.slice(a.lastIndexOf(":") + 1)))))].sort((a, b) => a - b);
  return [
    { to: "cluster" },
    { to: { cidrs: net.nodeCidrs }, ports: kubernetes ? [PORTS.nodeExporter, PORTS.kubelet] : [PORTS.nodeExporter] },
    apiServerEgress(ctx),
    ...(staticPorts.length ? [{ to: { cidrs: ["0.0.0.0/0"] }, ports: staticPorts } satisfies EgressRule] : []),
  ];
}

/**
 * The Thanos sidecar: reads the TSDB on the shared data volume, talks to Prometheus on loopback, and
 * uploads each finished 2-hour block to the bucket of the mounted objstore config.
 */
function thanosSidecar(r: Resources): k8s.types.input.core.v1.Container {
  return {
    name: "thanos-sidecar",
    image: image("thanos"),
    args: sidecarArgs({ tsdbPath: "/prometheus", prometheusUrl: `http://127.0.0.1:${PORTS.prometheus}`, objstoreFile: `${OBJSTORE_DIR}/${OBJSTORE_FILE}` }),
    ports: [
      { name: SIDECAR_GRPC_PORT_NAME, containerPort: PORTS.thanosGrpc },
      { name: SIDECAR_HTTP_PORT_NAME, containerPort: PORTS.thanosHttp },
    ],
    // Ready = it reached Prometheus and read its external labels; alive = its HTTP server answers.
    readinessProbe: httpProbe("/-/ready", SIDECAR_HTTP_PORT_NAME, { initialDelaySeconds: 5 }),
    livenessProbe: httpProbe("/-/healthy", SIDECAR_HTTP_PORT_NAME, { initialDelaySeconds: 30, failureThreshold: 10 }),
    resources: resources(r),
    securityContext: containerSecurity(),
    volumeMounts: [
      { name: "data", mountPath: "/prometheus" },
      { name: "objstore", mountPath: OBJSTORE_DIR, readOnly: true },
    ],
  };
}

/**
 * Prometheus as a StatefulSet with a persistent TSDB, bounded retention (time AND size), Kubernetes
 * service discovery (RBAC), and a config-reloader sidecar: a change of prometheus.yml or of a rule
 * file is applied by /-/reload without a restart, and a failed reload raises an alert.
 */
export class Prometheus extends pulumi.ComponentResource {
  /** The persistent claims of its data volume, one per replica (none without persistence). */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[];
  /** In-cluster URL of the Prometheus API. */
  public readonly url: pulumi.Output<string>;
  /** prometheus.yml as serialised into the ConfigMap. */
  public readonly configYaml: string;
  public readonly workload: Workload;

  /**
   * @param name Also the name of its Kubernetes objects (Service, StatefulSet, `<name>-config`,
   *   `<name>-rules`, ClusterRole `<namespace>-<name>-discovery`) and of its own scrape job: two
   *   instances in one namespace need two names.
   */
  constructor(name: string, args: PrometheusArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Prometheus", name, {}, opts);
    const ctx = resolveContext(args);
    const s = resolveSettings(PROMETHEUS_DEFAULTS, args.settings, args);
    const w: Workload = { name: APPS.prometheus, instance: name, component: "metrics", version: appVersion("prometheus") };
    this.workload = w;
    const ns = ctx.namespace;
    const thanos = args.thanos;

    const config = buildPrometheusConfig({
      environment: ctx.environment,
      clusterName: args.clusterName ?? ns,
      scrapeIntervalSeconds: s.scrapeIntervalSeconds,
      evaluationIntervalSeconds: s.evaluationIntervalSeconds,
      serviceTargets: [{ job: name, namespace: ns, service: name, portName: PROMETHEUS_PORT_NAME }, ...(args.serviceTargets ?? [])],
      alertmanager: args.alertmanager ? { namespace: ns, ...args.alertmanager } : undefined,
      staticTargets: s.staticTargets,
      kubernetes: args.kubernetes,
      replicaLabel: thanos ? { name: REPLICA_LABEL, envVar: POD_NAME_ENV } : undefined,
    });
    this.configYaml = stringify(config);

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, w, `${name}-config`), data: { [CONFIG_FILE]: this.configYaml } },
      { parent: this },
    );
    const rulesData: Record<string, string> = {};
    for (const [file, body] of Object.entries(args.ruleFiles ?? {})) {
      if (!file.endsWith(".yaml")) throw new Error(`rule file "${file}" must end in .yaml (prometheus.yml loads ${RULES_DIR}/*.yaml)`);
      rulesData[file] = stringify(body);
    }
    const rules = new k8s.core.v1.ConfigMap(
      `${name}-rules`,
      { metadata: meta(ctx, w, `${name}-rules`), data: rulesData },
      { parent: this },
    );

    // Kubernetes service discovery: read-only access to what the scrape configs discover.
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: meta(ctx, w, name, { annotations: args.serviceAccountAnnotations }), automountServiceAccountToken: true },
      { parent: this },
    );
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      `${name}-discovery`,
      {
        metadata: { name: `${ns}-${name}-discovery`, labels: labels(ctx, w) },
        rules: [
          { apiGroups: [""], resources: ["nodes", "nodes/metrics", "services", "endpoints", "pods"], verbs: ["get", "list", "watch"] },
          { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
          { nonResourceURLs: ["/metrics"], verbs: ["get"] },
        ],
      },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-discovery`,
      {
        metadata: { name: `${ns}-${name}-discovery`, labels: labels(ctx, w) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ns }],
      },
      { parent: this },
    );

    // What queries go to (Grafana, the `prometheus` endpoint): one virtual IP, and one replica per
    // client (QUERY_AFFINITY_SECONDS), until a deduplicating query layer exists.
    const query = new k8s.core.v1.Service(
      `${name}-query`,
      {
        metadata: meta(ctx, w, `${name}-query`),
        spec: {
          selector: selector(w),
          sessionAffinity: "ClientIP",
          sessionAffinityConfig: { clientIP: { timeoutSeconds: QUERY_AFFINITY_SECONDS } },
          ports: [{ name: PROMETHEUS_PORT_NAME, port: PORTS.prometheus, targetPort: PROMETHEUS_PORT_NAME }],
        },
      },
      { parent: this },
    );

    const data = dataVolume(ctx, w, { statefulSet: name, volume: "data", sizeGi: s.storageGi, replicas: s.replicas }, this, name);
    this.claims = data.claims;
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: meta(ctx, w, name, { annotations: { ...data.annotations, ...placementAnnotations(ctx, s.replicas) } }),
        spec: {
          // Its governing Service (below) by name: a known value, so no dependency on the Service.
          serviceName: name,
          replicas: s.replicas,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: selector(w) },
          persistentVolumeClaimRetentionPolicy: data.persistentVolumeClaimRetentionPolicy,
          volumeClaimTemplates: data.volumeClaimTemplates,
          template: {
            metadata: { labels: labels(ctx, w), ...(thanos ? { annotations: { "checksum/objstore": thanos.objstoreChecksum } } : {}) },
            spec: withEphemeralStorage({
              serviceAccountName: sa.metadata.name,
              automountServiceAccountToken: true,
              securityContext: podSecurity(65534),
              affinity: antiAffinity(ctx, w, s.replicas),
              topologySpreadConstraints: topologySpread(ctx, w, s.replicas),
              terminationGracePeriodSeconds: 600,
              containers: [
                {
                  name: "prometheus",
                  image: image("prometheus"),
                  args: [
                    `--config.file=${CONFIG_DIR}/${CONFIG_FILE}`,
                    "--storage.tsdb.path=/prometheus",
                    `--storage.tsdb.retention.time=${s.retentionDays}d`,
                    // Prometheus size units are powers of 1024: "GB" here is GiB, as configured.
                    `--storage.tsdb.retention.size=${s.retentionSizeGi}GB`,
                    "--web.enable-lifecycle",
                    `--web.listen-address=:${PORTS.prometheus}`,
                    ...(thanos ? PROMETHEUS_BLOCK_FLAGS : []),
                  ],
                  // The replica's external label: Prometheus 3 expands ${POD_NAME} in external_labels.
                  ...(thanos ? { env: [{ name: POD_NAME_ENV, valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] } : {}),
                  ports: [{ name: PROMETHEUS_PORT_NAME, containerPort: PORTS.prometheus }],
                  readinessProbe: httpProbe("/-/ready", PROMETHEUS_PORT_NAME, { initialDelaySeconds: 5 }),
                  livenessProbe: httpProbe("/-/healthy", PROMETHEUS_PORT_NAME, { initialDelaySeconds: 30, failureThreshold: 10 }),
                  // WAL replay of a large TSDB can take minutes; the startup probe allows 30.
                  startupProbe: { ...httpProbe("/-/ready", PROMETHEUS_PORT_NAME, { initialDelaySeconds: 5 }), failureThreshold: 180 },
                  resources: resources(s.resources),
                  securityContext: containerSecurity(),
                  volumeMounts: [
                    { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "rules", mountPath: RULES_DIR, readOnly: true },
                    { name: "data", mountPath: "/prometheus" },
                  ],
                },
                configReloader(
                  `http://127.0.0.1:${PORTS.prometheus}/-/reload`,
                  [
                    { name: "config", mountPath: CONFIG_DIR },
                    { name: "rules", mountPath: RULES_DIR },
                  ],
                  PORTS.configReloader,
                ),
                ...(thanos ? [thanosSidecar(thanos.resources)] : []),
              ],
              volumes: [
                { name: "config", configMap: { name: configMap.metadata.name } },
                { name: "rules", configMap: { name: rules.metadata.name } },
                ...(thanos ? [{ name: "objstore", secret: { secretName: thanos.objstoreSecret } }] : []),
                ...data.volumes,
              ],
            }),
          },
        },
      },
      data.options(),
    );

    // The StatefulSet's governing Service: headless, so each replica has its own DNS name
    // (prometheus-0.prometheus...) and no virtual IP mixes them.
    governingService(
      ctx,
      w,
      name,
      [
        { name: PROMETHEUS_PORT_NAME, port: PORTS.prometheus, targetPort: PROMETHEUS_PORT_NAME },
        ...(thanos
          ? [
              { name: SIDECAR_GRPC_PORT_NAME, port: PORTS.thanosGrpc, targetPort: SIDECAR_GRPC_PORT_NAME },
              { name: SIDECAR_HTTP_PORT_NAME, port: PORTS.thanosHttp, targetPort: SIDECAR_HTTP_PORT_NAME },
            ]
          : []),
      ],
      statefulSet,
      this,
    );

    disruptionBudget(ctx, w, s.replicas, this, name);
    networkPolicy(
      ctx,
      w,
      [
        { from: [podsOf(APPS.grafana)], ports: [PORTS.prometheus] },
        // Prometheus scrapes itself (and the sidecars) across replicas.
        { from: [podsOf(APPS.prometheus)], ports: [PORTS.prometheus, PORTS.configReloader, ...(thanos ? [PORTS.thanosHttp] : [])] },
        // Thanos Query reads each replica through its sidecar's StoreAPI.
        ...(thanos ? [{ from: [podsOf(APPS.thanosQuery)], ports: [PORTS.thanosGrpc] }] : []),
      ],
      this,
      name,
      undefined,
      thanos
        ? thanos.objectStorageEgress.apply((e) => [...prometheusEgress(ctx, s.staticTargets, args.kubernetes !== undefined), e])
        : prometheusEgress(ctx, s.staticTargets, args.kubernetes !== undefined),
    );

    // From the query Service's own name: whatever uses the URL waits for the Service.
    this.url = query.metadata.name.apply((service) => serviceUrl(service, ns, PORTS.prometheus));
    this.registerOutputs({ url: this.url });
  }
}

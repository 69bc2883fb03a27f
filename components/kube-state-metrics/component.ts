import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Resources } from "../config/shared";
import { StackContext, Workload, apiServerEgress, containerSecurity, httpProbe, labels, meta, networkPolicy, resources, selector, serviceAccount, withEphemeralStorage } from "../common";
import { APPS, PORTS, SERVICES, podsOf } from "../endpoints";
import { appVersion, image } from "../versions";

/**
 * The Kubernetes objects kube-state-metrics exports, and so the only ones it may list and watch:
 * what the Kubernetes alerts (components/alerting/kubernetes-rules.ts) and dashboards read.
 */
export const KUBE_STATE_METRICS_RESOURCES = [
  { apiGroup: "", resource: "pods", flag: "pods" },
  { apiGroup: "", resource: "nodes", flag: "nodes" },
  { apiGroup: "", resource: "persistentvolumes", flag: "persistentvolumes" },
  { apiGroup: "", resource: "persistentvolumeclaims", flag: "persistentvolumeclaims" },
  { apiGroup: "apps", resource: "deployments", flag: "deployments" },
  { apiGroup: "apps", resource: "statefulsets", flag: "statefulsets" },
  { apiGroup: "apps", resource: "daemonsets", flag: "daemonsets" },
  { apiGroup: "batch", resource: "jobs", flag: "jobs" },
] as const;

export const KUBE_STATE_METRICS_PORT_NAME = "http-metrics";
export const KUBE_STATE_METRICS_TELEMETRY_PORT_NAME = "telemetry";

/** @default resources of the exporter: enough for a cluster of a few hundred pods. */
export const KUBE_STATE_METRICS_DEFAULT_RESOURCES: Resources = {
  requests: { cpu: "20m", memory: "64Mi" },
  limits: { cpu: "200m", memory: "256Mi" },
};

export interface KubeStateMetricsArgs {
  context: StackContext;
  /**
   * Container resources.
   * @default KUBE_STATE_METRICS_DEFAULT_RESOURCES (20m / 64Mi requested, 200m / 256Mi limit)
   */
  resources?: Resources;
}

/**
 * kube-state-metrics: one replica that lists and watches the objects in KUBE_STATE_METRICS_RESOURCES
 * (nothing else, read-only) and serves their state as series on `http-metrics`, and its own telemetry
 * on `telemetry`. Prometheus scrapes both (job kube-state-metrics), so ServiceDown fires when it stops
 * answering; its NetworkPolicy admits only Prometheus.
 */
export class KubeStateMetrics extends pulumi.ComponentResource {
  public readonly workload: Workload;
  /** Where Prometheus finds it: the Service and the names of its two metrics ports. */
  public readonly scrapeService: { namespace: string; service: string; portNames: string[] };

  constructor(name: string, args: KubeStateMetricsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:KubeStateMetrics", name, {}, opts);
    const ctx = args.context;
    const w: Workload = { name: APPS.kubeStateMetrics, instance: name, component: "metrics-exporter", version: appVersion("kubeStateMetrics") };
    this.workload = w;
    const objectName = name === APPS.kubeStateMetrics ? SERVICES.kubeStateMetrics : name;
    this.scrapeService = { namespace: ctx.namespace, service: objectName, portNames: [KUBE_STATE_METRICS_PORT_NAME, KUBE_STATE_METRICS_TELEMETRY_PORT_NAME] };

    const sa = serviceAccount(ctx, w, this, name, { automount: true });
    const byGroup = new Map<string, string[]>();
    for (const r of KUBE_STATE_METRICS_RESOURCES) byGroup.set(r.apiGroup, [...(byGroup.get(r.apiGroup) ?? []), r.resource]);
    const role = new k8s.rbac.v1.ClusterRole(
      `${name}-role`,
      {
        metadata: { name: `${ctx.namespace}-${objectName}`, labels: labels(ctx, w) },
        rules: [...byGroup].map(([group, res]) => ({ apiGroups: [group], resources: res, verbs: ["list", "watch"] })),
      },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-binding`,
      {
        metadata: { name: `${ctx.namespace}-${objectName}`, labels: labels(ctx, w) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ctx.namespace }],
      },
      { parent: this },
    );

    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: meta(ctx, w, objectName),
        spec: {
          replicas: 1,
          selector: { matchLabels: selector(w) },
          template: {
            metadata: { labels: labels(ctx, w) },
            spec: withEphemeralStorage({
              serviceAccountName: sa.metadata.name,
              automountServiceAccountToken: true,
              securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "kube-state-metrics",
                  image: image("kubeStateMetrics"),
                  args: [
                    `--port=${PORTS.kubeStateMetrics}`,
                    `--telemetry-port=${PORTS.kubeStateMetricsTelemetry}`,
                    `--resources=${KUBE_STATE_METRICS_RESOURCES.map((r) => r.flag).join(",")}`,
                  ],
                  ports: [
                    { name: KUBE_STATE_METRICS_PORT_NAME, containerPort: PORTS.kubeStateMetrics },
                    { name: KUBE_STATE_METRICS_TELEMETRY_PORT_NAME, containerPort: PORTS.kubeStateMetricsTelemetry },
                  ],
                  livenessProbe: httpProbe("/livez", KUBE_STATE_METRICS_PORT_NAME, { initialDelaySeconds: 5 }),
                  readinessProbe: httpProbe("/readyz", KUBE_STATE_METRICS_TELEMETRY_PORT_NAME, { initialDelaySeconds: 5 }),
                  resources: resources(args.resources ?? KUBE_STATE_METRICS_DEFAULT_RESOURCES),
                  securityContext: containerSecurity({ runAsUser: 65534 }),
                },
              ],
            }),
          },
        },
      },
      { parent: this },
    );

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, objectName),
        spec: {
          selector: selector(w),
          ports: [
            { name: KUBE_STATE_METRICS_PORT_NAME, port: PORTS.kubeStateMetrics, targetPort: KUBE_STATE_METRICS_PORT_NAME },
            { name: KUBE_STATE_METRICS_TELEMETRY_PORT_NAME, port: PORTS.kubeStateMetricsTelemetry, targetPort: KUBE_STATE_METRICS_TELEMETRY_PORT_NAME },
          ],
        },
      },
      { parent: this },
    );

    networkPolicy(ctx, w, [{ from: [podsOf(APPS.prometheus)], ports: [PORTS.kubeStateMetrics, PORTS.kubeStateMetricsTelemetry] }], this, name, undefined, [apiServerEgress(ctx)]);
    this.registerOutputs({ scrapeService: this.scrapeService });
  }
}

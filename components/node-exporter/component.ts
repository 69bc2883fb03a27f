import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { NODE_EXPORTER_DEFAULTS, type NodeExporterSettings } from "./schema";
import type { Resources } from "../config/shared";
import {
  PlacementArgs,
  Workload,
  apiServerEgress,
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
  tcpProbe,
  withEphemeralStorage,
} from "../common";
import { APPS, PORTS, podsOf } from "../endpoints";
import { appVersion, image } from "../versions";

export interface NodeExporterArgs extends PlacementArgs {
  /** Requests and limits of the exporter container on each node. @default 20m/32Mi requested, 200m/64Mi limit */
  resources?: Resources;
  /** The settings as the stack's config holds them (`nodeExporter.*`); `resources` above wins over it. */
  settings?: Partial<NodeExporterSettings>;
}

/** The defaults of a NodeExporter created on its own live in ./schema.ts, next to the stack config's `nodeExporter.*` schema. */
export { NODE_EXPORTER_DEFAULTS };

export const NODE_EXPORTER_PORT_NAME = "metrics";
/** The proxy's health port's name. */
const PROXY_HEALTH_PORT_NAME = "proxy-health";
/** Where the proxy's service-account token is mounted (the in-cluster client's standard path). */
const TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** Resources of the authenticating proxy on each node. */
export const NODE_EXPORTER_PROXY_RESOURCES: Resources = { requests: { cpu: "10m", memory: "20Mi" }, limits: { cpu: "100m", memory: "64Mi" } };

/**
 * node_exporter on every node. Its declared host access: hostPID and hostNetwork (to see the node's
 * processes and network devices) and the host's /proc, /sys and / mounted read-only. It runs as
 * non-root with no capabilities and a read-only root filesystem.
 *
 * A host-network pod shares the node's address, and no NetworkPolicy applies to it: whatever it
 * serves there is open to anything that reaches the node. So the exporter listens on 127.0.0.1 only,
 * and kube-rbac-proxy serves it on the node's address, over HTTPS, to callers whose bearer token
 * the API server accepts (TokenReview) and who may `get` the non-resource URL /metrics
 * (SubjectAccessReview): Prometheus, whose ClusterRole grants it. Only the proxy gets a token (a
 * projected volume in its container alone); the exporter has none.
 */
export class NodeExporter extends pulumi.ComponentResource {
  public readonly workload: Workload;

  /** @param name Also the name of its DaemonSet and Service. */
  constructor(name: string, args: NodeExporterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:NodeExporter", name, {}, opts);
    const ctx = resolveContext(args);
    const settings = resolveSettings(NODE_EXPORTER_DEFAULTS, args.settings, args);
    const w: Workload = { name: APPS.nodeExporter, instance: name, component: "metrics-exporter", version: appVersion("nodeExporter") };
    this.workload = w;

    // The proxy asks the API server who a caller is and whether it may get /metrics.
    const sa = serviceAccount(ctx, w, this, name, { automount: false });
    const authRole = new k8s.rbac.v1.ClusterRole(
      `${name}-auth`,
      {
        metadata: { name: `${ctx.namespace}-${name}-auth`, labels: labels(ctx, w) },
        rules: [
          { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
          { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
        ],
      },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-auth`,
      {
        metadata: { name: `${ctx.namespace}-${name}-auth`, labels: labels(ctx, w) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: authRole.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ctx.namespace }],
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
            metadata: { labels: labels(ctx, w) },
            spec: withEphemeralStorage({
              hostPID: true,
              hostNetwork: true,
              dnsPolicy: "ClusterFirstWithHostNet",
              serviceAccountName: sa.metadata.name,
              // Only the proxy's container mounts a token (proxy-token below).
              automountServiceAccountToken: false,
              priorityClassName: "system-node-critical",
              // Every node, whatever its taints: a node without metrics is a blind spot.
              tolerations: [{ operator: "Exists" }],
              securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "node-exporter",
                  image: image("nodeExporter"),
                  args: [
                    "--path.procfs=/host/proc",
                    "--path.sysfs=/host/sys",
                    "--path.rootfs=/host/root",
                    // Loopback only: the proxy below is the one way in from the network.
                    `--web.listen-address=127.0.0.1:${PORTS.nodeExporter}`,
                    "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)",
                    "--collector.netclass.ignored-devices=^(veth.*|cali.*|[a-f0-9]{15})$",
                  ],
                  // Ready = it serves its page; alive = it accepts connections.
                  readinessProbe: { ...httpProbe("/", PORTS.nodeExporter, { initialDelaySeconds: 2 }), httpGet: { host: "127.0.0.1", path: "/", port: PORTS.nodeExporter } },
                  livenessProbe: tcpProbe(PORTS.nodeExporter, { host: "127.0.0.1" }),
                  resources: resources(settings.resources),
                  securityContext: containerSecurity(),
                  volumeMounts: [
                    { name: "proc", mountPath: "/host/proc", readOnly: true },
                    { name: "sys", mountPath: "/host/sys", readOnly: true },
                    { name: "root", mountPath: "/host/root", readOnly: true, mountPropagation: "HostToContainer" },
                  ],
                },
                {
                  name: "kube-rbac-proxy",
                  image: image("kubeRbacProxy"),
                  args: [
                    `--secure-listen-address=[$(NODE_IP)]:${PORTS.nodeExporter}`,
                    `--upstream=http://127.0.0.1:${PORTS.nodeExporter}/`,
                    `--proxy-endpoints-port=${PORTS.nodeExporterProxyHealth}`,
                    "--allow-paths=/metrics",
                    "--tls-min-version=VersionTLS12",
                  ],
                  env: [{ name: "NODE_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
                  ports: [
                    { name: NODE_EXPORTER_PORT_NAME, containerPort: PORTS.nodeExporter, hostPort: PORTS.nodeExporter },
                    { name: PROXY_HEALTH_PORT_NAME, containerPort: PORTS.nodeExporterProxyHealth, hostPort: PORTS.nodeExporterProxyHealth },
                  ],
                  readinessProbe: { ...httpProbe("/healthz", PROXY_HEALTH_PORT_NAME, { initialDelaySeconds: 2 }), httpGet: { path: "/healthz", port: PROXY_HEALTH_PORT_NAME, scheme: "HTTPS" } },
                  livenessProbe: tcpProbe(NODE_EXPORTER_PORT_NAME),
                  resources: resources(NODE_EXPORTER_PROXY_RESOURCES),
                  securityContext: containerSecurity(),
                  volumeMounts: [{ name: "proxy-token", mountPath: TOKEN_DIR, readOnly: true }],
                },
              ],
              volumes: [
                { name: "proc", hostPath: { path: "/proc" } },
                { name: "sys", hostPath: { path: "/sys" } },
                { name: "root", hostPath: { path: "/" } },
                {
                  name: "proxy-token",
                  projected: {
                    sources: [
                      { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
                      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                      { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
                    ],
                  },
                },
              ],
            }),
          },
        },
      },
      // Replaced (a move to another namespace) deleted first: the old pods hold hostPort 9100 on
      // every node, so the new ones could never be scheduled beside them.
      { parent: this, deleteBeforeReplace: true },
    );

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, name),
        spec: {
          clusterIP: "None",
          selector: selector(w),
          ports: [{ name: NODE_EXPORTER_PORT_NAME, port: PORTS.nodeExporter, targetPort: NODE_EXPORTER_PORT_NAME }],
        },
      },
      { parent: this },
    );

    // With hostNetwork the pods share the node's address and most network plugins apply no policy
    // to them: the proxy's authentication is what guards the port. The policy still names Prometheus
    // as the only client and the API server as the only destination, for plugins that do.
    networkPolicy(ctx, w, [{ from: [mainPods(ctx, podsOf(APPS.prometheus))], ports: [PORTS.nodeExporter] }], this, name, undefined, [apiServerEgress(ctx)]);
    this.registerOutputs({});
  }
}

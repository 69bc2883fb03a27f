import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Resources } from "../config/shared";
import { NODE_EXPORTER_DEFAULTS, type NodeExporterSettings } from "./schema";
import { PlacementArgs, Workload, httpProbe, labels, meta, networkPolicy, resolveContext, resolveSettings, resources, selector } from "../common";
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

/**
 * node_exporter on every node. Its declared host access: hostPID and hostNetwork (to see the node's
 * processes and network devices) and the host's /proc, /sys and / mounted read-only. It runs as
 * non-root with no capabilities and a read-only root filesystem.
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

    new k8s.apps.v1.DaemonSet(
      `${name}-daemonset`,
      {
        metadata: meta(ctx, w, name),
        spec: {
          selector: { matchLabels: selector(w) },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
          template: {
            metadata: { labels: labels(ctx, w) },
            spec: {
              hostPID: true,
              hostNetwork: true,
              dnsPolicy: "ClusterFirstWithHostNet",
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
                    `--web.listen-address=:${PORTS.nodeExporter}`,
                    "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)",
                    "--collector.netclass.ignored-devices=^(veth.*|cali.*|[a-f0-9]{15})$",
                  ],
                  ports: [{ name: NODE_EXPORTER_PORT_NAME, containerPort: PORTS.nodeExporter, hostPort: PORTS.nodeExporter }],
                  readinessProbe: httpProbe("/", NODE_EXPORTER_PORT_NAME, { initialDelaySeconds: 2 }),
                  livenessProbe: httpProbe("/", NODE_EXPORTER_PORT_NAME, { initialDelaySeconds: 10 }),
                  resources: resources(settings.resources),
                  securityContext: {
                    runAsNonRoot: true,
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                  volumeMounts: [
                    { name: "proc", mountPath: "/host/proc", readOnly: true },
                    { name: "sys", mountPath: "/host/sys", readOnly: true },
                    { name: "root", mountPath: "/host/root", readOnly: true, mountPropagation: "HostToContainer" },
                  ],
                },
              ],
              volumes: [
                { name: "proc", hostPath: { path: "/proc" } },
                { name: "sys", hostPath: { path: "/sys" } },
                { name: "root", hostPath: { path: "/" } },
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
        metadata: meta(ctx, w, name),
        spec: {
          clusterIP: "None",
          selector: selector(w),
          ports: [{ name: NODE_EXPORTER_PORT_NAME, port: PORTS.nodeExporter, targetPort: NODE_EXPORTER_PORT_NAME }],
        },
      },
      { parent: this },
    );

    // With hostNetwork the pods share the node's address: the policy still names Prometheus as the
    // only client, for network plugins that enforce policies on host-network pods.
    networkPolicy(ctx, w, [{ from: [podsOf(APPS.prometheus)], ports: [PORTS.nodeExporter] }], this, name);
    this.registerOutputs({});
  }
}

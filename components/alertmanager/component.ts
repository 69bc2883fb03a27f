import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { StackConfig } from "../config";
import {
  IngressRule,
  StackContext,
  Workload,
  antiAffinity,
  configReloader,
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
} from "../common";
import { APPS, PORTS, SERVICES, podsOf, serviceHost, serviceUrl } from "../endpoints";
import { appVersion, image } from "../versions";

export interface AlertmanagerArgs {
  context: StackContext;
  /** Replicas (prod: 3, gossiping as one cluster), data retention (hours), storage (GiB), resources. */
  settings: StackConfig["alertmanager"];
  /**
   * alertmanager.yml. It carries receiver credentials, so it must be a secret Output: it is stored
   * in a Kubernetes Secret, never a ConfigMap.
   */
  configYaml: pulumi.Input<string>;
}

export const ALERTMANAGER_PORT_NAME = "web";
const CONFIG_DIR = "/etc/alertmanager/config";
const CONFIG_FILE = "alertmanager.yml";

/** Peer addresses of every replica, through the headless peers Service. */
export function peerAddresses(namespace: string, replicas: number): string[] {
  return Array.from(
    { length: replicas },
    (_, i) => `${SERVICES.alertmanager}-${i}.${serviceHost(SERVICES.alertmanagerPeers, namespace)}:${PORTS.alertmanagerCluster}`,
  );
}

/**
 * Alertmanager as a StatefulSet. With more than one replica the replicas gossip as one cluster (so a
 * notification is sent once and silences are shared); its config lives in a Secret and is reloaded
 * on change by a sidecar.
 */
export class Alertmanager extends pulumi.ComponentResource {
  /** The persistent claims of its data volume, one per replica (none without persistence). */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[];
  /** In-cluster URL of the Alertmanager API. */
  public readonly url: pulumi.Output<string>;
  public readonly workload: Workload;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Alertmanager", name, {}, opts);
    const { context: ctx, settings: s } = args;
    const w: Workload = { name: APPS.alertmanager, instance: name, component: "alerting", version: appVersion("alertmanager") };
    this.workload = w;
    const ns = ctx.namespace;

    const secret = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: meta(ctx, w, `${SERVICES.alertmanager}-config`),
        type: "Opaque",
        stringData: { [CONFIG_FILE]: pulumi.secret(args.configYaml) },
      },
      { parent: this },
    );

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, SERVICES.alertmanager),
        spec: { selector: selector(w), ports: [{ name: ALERTMANAGER_PORT_NAME, port: PORTS.alertmanager, targetPort: ALERTMANAGER_PORT_NAME }] },
      },
      { parent: this },
    );
    const peers = new k8s.core.v1.Service(
      `${name}-peers`,
      {
        metadata: meta(ctx, w, SERVICES.alertmanagerPeers),
        spec: {
          clusterIP: "None",
          publishNotReadyAddresses: true,
          selector: selector(w),
          ports: [
            { name: "cluster-tcp", port: PORTS.alertmanagerCluster, targetPort: "cluster-tcp", protocol: "TCP" },
            { name: "cluster-udp", port: PORTS.alertmanagerCluster, targetPort: "cluster-udp", protocol: "UDP" },
          ],
        },
      },
      { parent: this },
    );

    const clustered = s.replicas > 1;
    const clusterArgs = clustered
      ? [
          `--cluster.listen-address=0.0.0.0:${PORTS.alertmanagerCluster}`,
          `--cluster.advertise-address=$(POD_IP):${PORTS.alertmanagerCluster}`,
          ...peerAddresses(ns, s.replicas).map((p) => `--cluster.peer=${p}`),
          "--cluster.reconnect-timeout=5m",
        ]
      : // An empty listen address turns gossip off for a single replica.
        ["--cluster.listen-address="];

    const data = dataVolume(ctx, w, { statefulSet: SERVICES.alertmanager, volume: "data", sizeGi: s.storageGi, replicas: s.replicas }, this, name);
    this.claims = data.claims;
    new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: meta(ctx, w, SERVICES.alertmanager, { annotations: data.annotations }),
        spec: {
          serviceName: peers.metadata.name,
          replicas: s.replicas,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: selector(w) },
          persistentVolumeClaimRetentionPolicy: data.persistentVolumeClaimRetentionPolicy,
          volumeClaimTemplates: data.volumeClaimTemplates,
          template: {
            metadata: { labels: labels(ctx, w) },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(65534),
              affinity: antiAffinity(ctx, w, s.replicas),
              containers: [
                {
                  name: "alertmanager",
                  image: image("alertmanager"),
                  args: [
                    `--config.file=${CONFIG_DIR}/${CONFIG_FILE}`,
                    "--storage.path=/alertmanager",
                    `--data.retention=${s.retentionHours}h`,
                    `--web.listen-address=:${PORTS.alertmanager}`,
                    ...clusterArgs,
                  ],
                  env: [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
                  ports: [
                    { name: ALERTMANAGER_PORT_NAME, containerPort: PORTS.alertmanager },
                    { name: "cluster-tcp", containerPort: PORTS.alertmanagerCluster, protocol: "TCP" },
                    { name: "cluster-udp", containerPort: PORTS.alertmanagerCluster, protocol: "UDP" },
                  ],
                  readinessProbe: httpProbe("/-/ready", ALERTMANAGER_PORT_NAME, { initialDelaySeconds: 3 }),
                  livenessProbe: httpProbe("/-/healthy", ALERTMANAGER_PORT_NAME, { initialDelaySeconds: 10 }),
                  resources: resources(s.resources),
                  securityContext: containerSecurity(),
                  volumeMounts: [
                    { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "data", mountPath: "/alertmanager" },
                  ],
                },
                configReloader(`http://127.0.0.1:${PORTS.alertmanager}/-/reload`, [{ name: "config", mountPath: CONFIG_DIR }], PORTS.configReloader),
              ],
              volumes: [{ name: "config", secret: { secretName: secret.metadata.name } }, ...data.volumes],
            },
          },
        },
      },
      data.options(),
    );

    disruptionBudget(ctx, w, s.replicas, this, name);
    networkPolicy(
      ctx,
      w,
      [
        { from: [podsOf(APPS.prometheus)], ports: [PORTS.alertmanager, PORTS.configReloader] },
        { from: [podsOf(APPS.grafana)], ports: [PORTS.alertmanager] },
        ...(clustered ? [{ from: [podsOf(APPS.alertmanager)], ports: [PORTS.alertmanagerCluster], protocols: ["TCP", "UDP"] } satisfies IngressRule] : []),
      ],
      this,
      name,
    );

    this.url = pulumi.output(serviceUrl(SERVICES.alertmanager, ns, PORTS.alertmanager));
    this.registerOutputs({ url: this.url });
  }
}

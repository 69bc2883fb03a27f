import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import type { Resources } from "../config/shared";
import { ALERTMANAGER_DEFAULTS, type AlertmanagerSettings } from "./schema";
import {
  EgressRule,
  IngressRule,
  PlacementArgs,
  Workload,
  resolveContext,
  resolveSettings,
  antiAffinity,
  topologySpread,
  placementAnnotations,
  configReloader,
  containerSecurity,
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
} from "../common";
import { APPS, PORTS, podsOf, serviceHost, serviceUrl } from "../endpoints";
import { appVersion, image } from "../versions";

/** Alertmanager's settings and its defaults live in ./schema.ts, next to the stack config's `alertmanager.*` schema. */
export { ALERTMANAGER_DEFAULTS };
export type { AlertmanagerSettings };

/**
 * alertmanager.yml of an Alertmanager given none: every alert goes to one receiver without
 * integrations, so alerts are received, grouped and visible in the UI and API, and nothing is sent.
 */
export const DEFAULT_ALERTMANAGER_CONFIG = stringify({ route: { receiver: "none", group_by: ["alertname"] }, receivers: [{ name: "none" }] });

export interface AlertmanagerArgs extends PlacementArgs {
  /** Pods of the StatefulSet; more than one gossip as one cluster, with anti-affinity and a PodDisruptionBudget. @default 1 */
  replicas?: number;
  /** `--data.retention` of silences and notification state, in hours. @default 120 */
  retentionHours?: number;
  /** Size of each replica's claim, in GiB. @default 1 */
  storageGi?: number;
  /** Requests and limits of the Alertmanager container. @default 20m/32Mi requested, 100m/128Mi limit */
  resources?: Resources;
  /** All settings at once, as the stack's config holds them; the fields above win over it. */
  settings?: Partial<AlertmanagerSettings>;
  /**
   * alertmanager.yml. It carries receiver credentials, so it is stored in a Kubernetes Secret
   * (never a ConfigMap) and marked secret.
   * @default DEFAULT_ALERTMANAGER_CONFIG: one receiver without integrations, nothing is sent
   */
  configYaml?: pulumi.Input<string>;
  /**
   * Ports of the receivers it notifies (443 for Slack and PagerDuty, the SMTP relay's, a webhook's):
   * its only egress beyond DNS and its peers, to `network.receiverCidrs`. @default none: it sends nothing
   */
  receiverPorts?: pulumi.Input<number[]>;
}

export const ALERTMANAGER_PORT_NAME = "web";
const CONFIG_DIR = "/etc/alertmanager/config";
const CONFIG_FILE = "alertmanager.yml";

/**
 * Peer addresses of every replica of the StatefulSet `statefulSet`, through its headless peers
 * Service `<statefulSet>-peers`.
 */
export function peerAddresses(statefulSet: string, namespace: string, replicas: number): string[] {
  return Array.from(
    { length: replicas },
    (_, i) => `${statefulSet}-${i}.${serviceHost(`${statefulSet}-peers`, namespace)}:${PORTS.alertmanagerCluster}`,
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
  /** Its Service and port name, for a Prometheus's `alertmanager` and scrape targets. */
  public readonly service: { service: string; portName: string };

  /**
   * @param name Also the name of its Kubernetes objects: the StatefulSet and Service, `<name>-peers`
   *   (the headless Service the replicas gossip over) and `<name>-config` (the Secret).
   */
  constructor(name: string, args: AlertmanagerArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Alertmanager", name, {}, opts);
    const ctx = resolveContext(args);
    const s = resolveSettings(ALERTMANAGER_DEFAULTS, args.settings, args);
    const w: Workload = { name: APPS.alertmanager, instance: name, component: "alerting", version: appVersion("alertmanager") };
    this.workload = w;
    const ns = ctx.namespace;

    const secret = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: meta(ctx, w, `${name}-config`),
        type: "Opaque",
        stringData: { [CONFIG_FILE]: pulumi.secret(args.configYaml ?? DEFAULT_ALERTMANAGER_CONFIG) },
      },
      { parent: this },
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, name),
        spec: { selector: selector(w), ports: [{ name: ALERTMANAGER_PORT_NAME, port: PORTS.alertmanager, targetPort: ALERTMANAGER_PORT_NAME }] },
      },
      { parent: this },
    );
    const peers = new k8s.core.v1.Service(
      `${name}-peers`,
      {
        metadata: meta(ctx, w, `${name}-peers`),
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
          ...peerAddresses(name, ns, s.replicas).map((p) => `--cluster.peer=${p}`),
          "--cluster.reconnect-timeout=5m",
        ]
      : // An empty listen address turns gossip off for a single replica.
        ["--cluster.listen-address="];

    const data = dataVolume(ctx, w, { statefulSet: name, volume: "data", sizeGi: s.storageGi, replicas: s.replicas }, this, name);
    this.claims = data.claims;
    new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: meta(ctx, w, name, { annotations: { ...data.annotations, ...placementAnnotations(ctx, s.replicas) } }),
        spec: {
          serviceName: peers.metadata.name,
          replicas: s.replicas,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: selector(w) },
          persistentVolumeClaimRetentionPolicy: data.persistentVolumeClaimRetentionPolicy,
          volumeClaimTemplates: data.volumeClaimTemplates,
          template: {
            metadata: { labels: labels(ctx, w) },
            spec: withEphemeralStorage({
              automountServiceAccountToken: false,
              securityContext: podSecurity(65534),
              affinity: antiAffinity(ctx, w, s.replicas),
              topologySpreadConstraints: topologySpread(ctx, w, s.replicas),
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
            }),
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
      undefined,
      pulumi.output(args.receiverPorts ?? []).apply((ports): EgressRule[] => [
        ...(clustered ? [{ to: [podsOf(APPS.alertmanager)], ports: [PORTS.alertmanagerCluster], protocols: ["TCP", "UDP"] } satisfies EgressRule] : []),
        ...(ports.length ? [{ to: { cidrs: networkOf(ctx).receiverCidrs }, ports: [...new Set(ports)].sort((a, b) => a - b) }] : []),
      ]),
    );

    // From the Service's own name: whatever uses the URL waits for the Service.
    this.url = service.metadata.name.apply((svc) => serviceUrl(svc, ns, PORTS.alertmanager));
    this.service = { service: name, portName: ALERTMANAGER_PORT_NAME };
    this.registerOutputs({ url: this.url });
  }
}

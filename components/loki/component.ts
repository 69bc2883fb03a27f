import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import type { Resources } from "../config/shared";
import {
  EgressRule,
  PlacementArgs,
  Workload,
  agentPods,
  resolveContext,
  resolveSettings,
  checksum,
  containerSecurity,
  dataVolume,
  httpProbe,
  labels,
  meta,
  networkOf,
  networkPolicy,
  podSecurity,
  resources,
  selector,
  serviceAccount,
  withEphemeralStorage,
  governingServiceAnnotations,
} from "../common";
import { APPS, JOBS, PORTS, podsOf, serviceHost, serviceUrl } from "../endpoints";
import type { ServiceScrapeTarget } from "../prometheus/config-file";
import { appVersion, image } from "../versions";
import { CONFIG_DIR, CONFIG_FILE, DATA_DIR, LOKI_PUSH_PATH, buildLokiConfig, type LokiStorage } from "./config-file";
import { LOKI_DEFAULTS, type LokiSettings } from "./schema";

/** Loki's settings and its defaults live in ./schema.ts, next to the stack config's `loki.*` schema. */
export { LOKI_DEFAULTS };
export type { LokiSettings };

export interface LokiArgs extends PlacementArgs {
  /** `limits_config.retention_period`, in days, enforced by the compactor. @default 7 */
  retentionDays?: number;
  /** Size of the data claim (chunks, index and WAL on the filesystem store), in GiB. @default 10 */
  storageGi?: number;
  /** Ingestion rate per tenant, MB/s (the burst is twice that). @default 4 */
  ingestionRateMb?: number;
  /** Requests and limits of the Loki container. @default 100m/256Mi requested, 500m/512Mi limit */
  resources?: Resources;
  /** All settings at once, as the stack's config holds them; the fields above win over it. */
  settings?: Partial<LokiSettings>;
  /**
   * Keep chunks, index, delete requests and rules in these S3 buckets. Credentials come from IRSA
   * (serviceAccountAnnotations), never from here.
   * @default none: the data volume (filesystem store)
   */
  s3?: pulumi.Input<{ region: string; chunksBucket: string; rulerBucket: string }>;
  /** Annotations of Loki's ServiceAccount (e.g. the IRSA role ARN). @default none */
  serviceAccountAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Names of Loki's Service ports. Prometheus scrapes "http-metrics". */
export const LOKI_HTTP_PORT_NAME = "http-metrics";
export const LOKI_GRPC_PORT_NAME = "grpc";
/** Loki's image runs as this uid/gid (the "loki" user of the official image). */
export const LOKI_UID = 10001;

/**
 * Loki as a single monolithic process (-target=all) in a one-replica StatefulSet: chunks, TSDB index
 * and WAL on the data volume (or in S3 with IRSA), retention enforced by the compactor. One replica
 * because the filesystem store and the in-memory ring are per process; scaling out means the
 * simple-scalable deployment with object storage, which is a different component.
 *
 * The pods roll when loki.yaml changes (checksum/config annotation). Only Fluent Bit, Grafana and
 * Prometheus may reach port 3100.
 */
export class Loki extends pulumi.ComponentResource {
  /** The persistent claims of its data volume, one per replica (none without persistence). */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[];
  /** In-cluster base URL (http://<name>.<ns>.svc.cluster.local:3100): Grafana's datasource URL. */
  public readonly url: pulumi.Output<string>;
  /** URL of the push API, for clients that want the full endpoint. */
  public readonly pushUrl: pulumi.Output<string>;
  /** In-cluster DNS name of the Service; the log shipper's host. */
  public readonly host: pulumi.Output<string>;
  /** HTTP port of the Service (push, query, /metrics). */
  public readonly port: number;
  /** loki.yaml as serialised into the ConfigMap. */
  public readonly configYaml: pulumi.Output<string>;
  /** How Prometheus scrapes Loki: its Service, under the job "loki" whatever its name (the self-monitoring rules select on it). */
  public readonly scrapeTarget: ServiceScrapeTarget;
  public readonly workload: Workload;

  /**
   * @param name Also the name of its Kubernetes objects: the StatefulSet, Service and ServiceAccount,
   *   and `<name>-config`.
   */
  constructor(name: string, args: LokiArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Loki", name, {}, opts);
    const ctx = resolveContext(args);
    const s = resolveSettings(LOKI_DEFAULTS, args.settings, args);
    const ns = ctx.namespace;
    const w: Workload = { name: APPS.loki, instance: name, component: "logs", version: appVersion("loki") };
    this.workload = w;

    this.configYaml = pulumi.output(args.s3).apply((s3) => {
      const storage: LokiStorage = s3 ? { type: "s3", region: s3.region, chunksBucket: s3.chunksBucket, rulerBucket: s3.rulerBucket } : { type: "filesystem" };
      return stringify(buildLokiConfig(s, { storage }));
    });

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, w, `${name}-config`), data: { [CONFIG_FILE]: this.configYaml } },
      { parent: this },
    );

    const sa = serviceAccount(ctx, w, this, name, { automount: false, annotations: args.serviceAccountAnnotations });


    const data = dataVolume(ctx, w, { statefulSet: name, volume: "data", sizeGi: s.storageGi, replicas: 1 }, this, name);
    this.claims = data.claims;
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: meta(ctx, w, name, { annotations: data.annotations }),
        spec: {
          // Its governing Service (below) by name: a known value, so no dependency on the Service.
          serviceName: name,
          // Monolithic with a filesystem store and an in-memory ring: exactly one process.
          replicas: 1,
          selector: { matchLabels: selector(w) },
          updateStrategy: { type: "RollingUpdate" },
          persistentVolumeClaimRetentionPolicy: data.persistentVolumeClaimRetentionPolicy,
          volumeClaimTemplates: data.volumeClaimTemplates,
          template: {
            metadata: { labels: labels(ctx, w), annotations: { "checksum/config": this.configYaml.apply(checksum) } },
            spec: withEphemeralStorage({
              serviceAccountName: sa.metadata.name,
              // IRSA injects its own projected token; Loki never calls the Kubernetes API.
              automountServiceAccountToken: false,
              securityContext: podSecurity(LOKI_UID),
              // The ingester flushes and closes its WAL segment on SIGTERM.
              terminationGracePeriodSeconds: 120,
              containers: [
                {
                  name: "loki",
                  image: image("loki"),
                  args: [`-config.file=${CONFIG_DIR}/${CONFIG_FILE}`, "-target=all"],
                  ports: [
                    { name: LOKI_HTTP_PORT_NAME, containerPort: PORTS.lokiHttp },
                    { name: LOKI_GRPC_PORT_NAME, containerPort: PORTS.lokiGrpc },
                  ],
                  // /ready turns 200 once the ingester has joined the ring and replayed its WAL,
                  // which after a crash can take minutes: the startup probe allows 10.
                  startupProbe: { ...httpProbe("/ready", LOKI_HTTP_PORT_NAME, { initialDelaySeconds: 10 }), failureThreshold: 60 },
                  // Ready = /ready (ring joined, WAL replayed): out of the Service while it is not.
                  readinessProbe: httpProbe("/ready", LOKI_HTTP_PORT_NAME, { initialDelaySeconds: 0 }),
                  // Alive = its HTTP server answers a request that touches neither the ring nor the
                  // store: a ring problem makes it unready, never restarts it.
                  livenessProbe: httpProbe("/loki/api/v1/status/buildinfo", LOKI_HTTP_PORT_NAME, { initialDelaySeconds: 0, failureThreshold: 10 }),
                  resources: resources(s.resources),
                  securityContext: containerSecurity({ runAsUser: LOKI_UID }),
                  volumeMounts: [
                    { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "data", mountPath: DATA_DIR },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: configMap.metadata.name } },
                { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
                ...data.volumes,
              ],
            }),
          },
        },
      },
      data.options(),
    );

    // The StatefulSet's governing Service (its serviceName, which never changes): headless. Loki is
    // one replica, so its clients (Fluent Bit, Grafana) reach the same pod by its name as before.
    // Its clusterIP cannot change in place: an older stack's ClusterIP Service of the same name is
    // replaced, deleted first (the name stays). It is registered after the StatefulSet, which names
    // it as a known value and does not depend on it: the engine then does not replace the
    // StatefulSet with it (a dependent of a Service deleted first is replaced when an input of it
    // may change, and serviceName is immutable).
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, name, { annotations: governingServiceAnnotations(ctx, name) }),
        spec: {
          clusterIP: "None",
          selector: selector(w),
          ports: [
            { name: LOKI_HTTP_PORT_NAME, port: PORTS.lokiHttp, targetPort: LOKI_HTTP_PORT_NAME },
            { name: LOKI_GRPC_PORT_NAME, port: PORTS.lokiGrpc, targetPort: LOKI_GRPC_PORT_NAME },
          ],
        },
      },
      { parent: this, replaceOnChanges: ["spec.clusterIP"], deleteBeforeReplace: true, dependsOn: [statefulSet] },
    );

    networkPolicy(
      ctx,
      w,
      [{ from: [agentPods(ctx, podsOf(APPS.fluentBit)), podsOf(APPS.grafana), podsOf(APPS.prometheus)], ports: [PORTS.lokiHttp] }],
      this,
      name,
      undefined,
      // Object storage (S3 and its STS for IRSA) over HTTPS, when Loki keeps its data there.
      pulumi.output(args.s3).apply((s3): EgressRule[] => (s3 ? [{ to: { cidrs: networkOf(ctx).objectStorageCidrs ?? ["0.0.0.0/0"] }, ports: [443] }] : [])),
    );

    this.port = PORTS.lokiHttp;
    // From the Service's own name: whatever uses the host or URL waits for the Service.
    this.host = service.metadata.name.apply((svc) => serviceHost(svc, ns));
    this.url = service.metadata.name.apply((svc) => serviceUrl(svc, ns, PORTS.lokiHttp));
    this.pushUrl = this.url.apply((u) => `${u}${LOKI_PUSH_PATH}`);
    this.scrapeTarget = { job: JOBS.loki, namespace: ns, service: name, portName: LOKI_HTTP_PORT_NAME };
    this.registerOutputs({ url: this.url, pushUrl: this.pushUrl, host: this.host });
  }
}

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import type { Resources } from "../config/shared";
import {
  EgressRule,
  IngressRule,
  PlacementArgs,
  Workload,
  agentPods,
  antiAffinity,
  resolveContext,
  resolveSettings,
  checksum,
  containerSecurity,
  dataVolume,
  disruptionBudget,
  httpProbe,
  labels,
  meta,
  networkOf,
  networkPolicy,
  placementAnnotations,
  placementOf,
  podSecurity,
  resources,
  selector,
  serviceAccount,
  topologySpread,
  withEphemeralStorage,
  API_TOKEN_VOLUME,
  nodeZoneReader,
  governingService,
} from "../common";
import { APPS, JOBS, PORTS, podsOf, serviceHost, serviceUrl } from "../endpoints";
import type { ServiceScrapeTarget } from "../prometheus/config-file";
import { appVersion, image } from "../versions";
import { CONFIG_DIR, CONFIG_FILE, DATA_DIR, LOKI_PUSH_PATH, MEMBERLIST_PORT, buildLokiConfig, renderScript, type LokiStorage } from "./config-file";
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
export const LOKI_MEMBERLIST_PORT_NAME = "memberlist";
/** Loki's image runs as this uid/gid (the "loki" user of the official image). */
export const LOKI_UID = 10001;
/**
 * Pod label of every member of one scalable Loki's ring (value: the component's name): the
 * memberlist Service selects it, and each target's network policy admits its peers by it.
 */
export const LOKI_RING_LABEL = "observability-stack/loki-ring";
/** The scalable targets, in the order they are created. */
export const LOKI_TARGETS = ["write", "read", "backend"] as const;
export type LokiTarget = (typeof LOKI_TARGETS)[number];

/** Where each pod's own copy of loki.yaml is written (its zone filled in) in scalable mode. */
const RENDERED_DIR = "/etc/loki-rendered";

/**
 * Loki, in one of two modes (`settings.mode`).
 *
 * Monolithic: a single process (-target=all) in a one-replica StatefulSet: chunks, TSDB index and WAL
 * on the data volume (or in S3 with IRSA), retention enforced by the compactor. One replica, because
 * the filesystem store and the in-memory ring are per process.
 *
 * Scalable: the write, read and backend targets of one Loki on object storage (the S3 buckets with
 * IRSA, or `settings.objectStore`): their ring is kept by memberlist over a headless Service of all
 * their pods; each stream is written to `replicationFactor` write replicas in different zones (each
 * pod reads its node's zone at start); every target is replicated, spread over nodes and zones, and
 * has a PodDisruptionBudget, so a drain or an image update never stops ingestion or queries.
 * - write (distributor, ingester): the StatefulSet `<name>`, the monolithic one's, with its claims:
 *   an existing monolithic Loki becomes the write target in place, its WAL replayed by `<name>-0`.
 *   Pushes go to the Service `<name>-write`.
 * - read (query frontend, querier): the Deployment `<name>-read`; queries go to the Service `<name>-read`.
 * - backend (compactor, index gateway, query scheduler, ruler): the StatefulSet `<name>-backend`, its
 *   working directories on claims; the Service `<name>-backend` and the headless `<name>-backend-headless`.
 *
 * The pods roll when loki.yaml changes (checksum/config annotation). Only Fluent Bit (pushes),
 * Grafana (queries) and Prometheus (metrics) may reach port 3100 from outside Loki.
 */
export class Loki extends pulumi.ComponentResource {
  /** The persistent claims of its data volume (the monolithic process's, or the write replicas'); none without persistence. */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[];
  /** The backend target's claims (scalable mode with persistence); empty otherwise. */
  public readonly backendClaims: k8s.core.v1.PersistentVolumeClaim[] = [];
  /** In-cluster base URL of the query API (the read Service in scalable mode): Grafana's datasource URL. */
  public readonly url: pulumi.Output<string>;
  /** URL of the push API, for clients that want the full endpoint. */
  public readonly pushUrl: pulumi.Output<string>;
  /** In-cluster DNS name of the Service that takes pushes (the write Service in scalable mode); the log shipper's host. */
  public readonly host: pulumi.Output<string>;
  /** HTTP port of the Services (push, query, /metrics). */
  public readonly port: number;
  /** loki.yaml as serialised into the ConfigMap. */
  public readonly configYaml: pulumi.Output<string>;
  /** How Prometheus scrapes Loki: under the job "loki" whatever its name (the self-monitoring rules select on it); every pod of every target in scalable mode. */
  public readonly scrapeTarget: ServiceScrapeTarget;
  public readonly workload: Workload;
  /** The replicas of each workload it runs, by object name (the monolithic StatefulSet, or the three targets). */
  public readonly replicas: Record<string, number>;

  /**
   * @param name Also the name of its Kubernetes objects: the StatefulSet, Service and ServiceAccount,
   *   and `<name>-config`; in scalable mode also `<name>-write`, `<name>-read`, `<name>-backend`,
   *   `<name>-backend-headless` and `<name>-memberlist`.
   */
  constructor(name: string, args: LokiArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Loki", name, {}, opts);
    const ctx = resolveContext(args);
    const s = resolveSettings(LOKI_DEFAULTS, args.settings, args);
    const ns = ctx.namespace;
    const w: Workload = { name: APPS.loki, instance: name, component: "logs", version: appVersion("loki") };
    this.workload = w;
    const scalable = s.mode === "scalable";
    if (scalable && args.s3 === undefined && s.objectStore === undefined) {
      throw new Error(`Loki "${name}": the scalable mode needs object storage shared by its targets: the S3 buckets (s3) or settings.objectStore`);
    }
    const objectStore = s.objectStore;

    const memberlistName = `${name}-memberlist`;
    const backendName = `${name}-backend`;
    const backendHeadlessName = `${name}-backend-headless`;
    const storage = pulumi.output(args.s3).apply((s3): LokiStorage => {
      if (s3) return { type: "s3", region: s3.region, chunksBucket: s3.chunksBucket, rulerBucket: s3.rulerBucket };
      if (objectStore) return { type: "s3", ...objectStore };
      return { type: "filesystem" };
    });
    this.configYaml = storage.apply((st) =>
      stringify(
        buildLokiConfig(s, {
          storage: st,
          scalable: scalable
            ? {
                memberlistHost: serviceHost(memberlistName, ns),
                backendHeadlessHost: serviceHost(backendHeadlessName, ns),
                backendHost: serviceHost(backendName, ns),
                replicationFactor: s.replicationFactor,
                zoneAware: s.replicationFactor > 1,
              }
            : undefined,
        }),
      ),
    );

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta(ctx, w, `${name}-config`), data: { [CONFIG_FILE]: this.configYaml } },
      { parent: this },
    );

    const sa = serviceAccount(ctx, w, this, name, { automount: false, annotations: args.serviceAccountAnnotations });

    // The StatefulSet's governing Service: headless. The monolithic Loki is one replica, so its
    // clients (Fluent Bit, Grafana) reach the same pod by its name as before; in scalable mode it
    // governs the write target, whose clients use `<name>-write`.
    const lokiGoverningService = (statefulSet: k8s.apps.v1.StatefulSet) =>
      governingService(
        ctx,
        w,
        name,
        [
          { name: LOKI_HTTP_PORT_NAME, port: PORTS.lokiHttp, targetPort: LOKI_HTTP_PORT_NAME },
          { name: LOKI_GRPC_PORT_NAME, port: PORTS.lokiGrpc, targetPort: LOKI_GRPC_PORT_NAME },
        ],
        statefulSet,
        this,
      );

    const writeReplicas = scalable ? s.write.replicas : 1;
    const data = dataVolume(ctx, w, { statefulSet: name, volume: "data", sizeGi: s.storageGi, replicas: writeReplicas }, this, name);
    this.claims = data.claims;
    const objectStorageEgress = storage.apply((st): EgressRule[] =>
      st.type === "s3" ? [{ to: { cidrs: networkOf(ctx).objectStorageCidrs ?? ["0.0.0.0/0"] }, ports: [objectStorePort(st)] }] : [],
    );

    // The StatefulSet `name`: the monolithic process, or the scalable write target. One object either
    // way (same resource, selector, governing Service and claims), so an existing monolithic Loki
    // becomes the write target by an update in place.
    const mainStatefulSet = (annotations: Record<string, pulumi.Input<string>>, spec: k8s.types.input.apps.v1.StatefulSetSpec) =>
      new k8s.apps.v1.StatefulSet(`${name}-statefulset`, { metadata: meta(ctx, w, name, { annotations }), spec }, data.options());

    if (!scalable) {
      const statefulSet = mainStatefulSet(data.annotations, {
        // Its governing Service by name: a known value, so no dependency on the Service.
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
                ...lokiContainer({ target: "all", configDir: CONFIG_DIR, resources: s.resources, startup: true }),
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
      });

      networkPolicy(
        ctx,
        w,
        [{ from: [agentPods(ctx, podsOf(APPS.fluentBit)), podsOf(APPS.grafana), podsOf(APPS.prometheus)], ports: [PORTS.lokiHttp] }],
        this,
        name,
        undefined,
        // Object storage (S3 and its STS for IRSA) over HTTPS, when Loki keeps its data there.
        objectStorageEgress,
      );

      this.replicas = { [name]: 1 };
      this.port = PORTS.lokiHttp;
      // From the Service's own name: whatever uses the host or URL waits for the Service.
      const service = lokiGoverningService(statefulSet);
      this.host = service.metadata.name.apply((svc) => serviceHost(svc, ns));
      this.url = service.metadata.name.apply((svc) => serviceUrl(svc, ns, PORTS.lokiHttp));
      this.pushUrl = this.url.apply((u) => `${u}${LOKI_PUSH_PATH}`);
      this.scrapeTarget = { job: JOBS.loki, namespace: ns, service: name, portName: LOKI_HTTP_PORT_NAME };
      this.registerOutputs({ url: this.url, pushUrl: this.pushUrl, host: this.host });
      return;
    }

    // --- scalable: the ring and its zone ------------------------------------------------------
    const ring = { [LOKI_RING_LABEL]: name };
    const placement = placementOf(ctx);
    const zoneAware = s.replicationFactor > 1;
    const ringPeers = [{ ...podsOf(APPS.loki), ...ring }];
    // Memberlist gossips over TCP and UDP; the targets call each other over gRPC (ingesters, query
    // schedulers, index gateways) and HTTP (the compactor's delete API).
    const ringIngress: IngressRule[] = [
      { from: ringPeers, ports: [MEMBERLIST_PORT], protocols: ["TCP", "UDP"] },
      { from: ringPeers, ports: [PORTS.lokiGrpc, PORTS.lokiHttp] },
    ];
    const egress = objectStorageEgress.apply((os): EgressRule[] => [
      { to: ringPeers, ports: [MEMBERLIST_PORT], protocols: ["TCP", "UDP"] },
      { to: ringPeers, ports: [PORTS.lokiGrpc, PORTS.lokiHttp] },
      ...os,
    ]);

    const memberlist = new k8s.core.v1.Service(
      `${name}-memberlist`,
      {
        metadata: meta(ctx, w, memberlistName),
        spec: {
          clusterIP: "None",
          // A starting member joins the others before any is ready (readiness needs the ring).
          publishNotReadyAddresses: true,
          selector: { ...podsOf(APPS.loki), ...ring },
          ports: [
            { name: LOKI_MEMBERLIST_PORT_NAME, port: MEMBERLIST_PORT, targetPort: LOKI_MEMBERLIST_PORT_NAME, protocol: "TCP" },
            { name: LOKI_HTTP_PORT_NAME, port: PORTS.lokiHttp, targetPort: LOKI_HTTP_PORT_NAME },
            { name: LOKI_GRPC_PORT_NAME, port: PORTS.lokiGrpc, targetPort: LOKI_GRPC_PORT_NAME },
          ],
        },
      },
      { parent: this },
    );

    // The zone init containers read their node's labels: get on nodes, nothing else.
    if (zoneAware) nodeZoneReader(ctx, w, sa, this, name);

    /** The pod spec of one target: its own copy of the file (zone filled in), the container, its volumes. */
    const podSpec = (target: LokiTarget, tw: Workload, replicas: number, r: LokiSettings["resources"], dataVolumes: k8s.types.input.core.v1.Volume[]) =>
      withEphemeralStorage({
        serviceAccountName: sa.metadata.name,
        // IRSA injects its own projected token; only the zone init container calls the API, with its own.
        automountServiceAccountToken: false,
        securityContext: podSecurity(LOKI_UID),
        affinity: antiAffinity(ctx, tw, replicas),
        topologySpreadConstraints: topologySpread(ctx, tw, replicas),
        // The ingester closes its WAL segment, and every target leaves the ring, on SIGTERM.
        terminationGracePeriodSeconds: 120,
        initContainers: [renderContainer({ zoneAware, zoneLabel: placement.zoneLabel, zoneRequired: placement.zones.length > 0 })],
        containers: [
          {
            ...lokiContainer({ target, configDir: RENDERED_DIR, resources: r, startup: target !== "read" }),
            env: [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
            volumeMounts: [
              { name: "rendered", mountPath: RENDERED_DIR, readOnly: true },
              { name: "data", mountPath: DATA_DIR },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          { name: "config", configMap: { name: configMap.metadata.name } },
          { name: "rendered", emptyDir: { sizeLimit: "1Mi" } },
          { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
          ...(zoneAware ? [API_TOKEN_VOLUME] : []),
          ...dataVolumes,
        ],
      });
    const template = (tw: Workload, spec: ReturnType<typeof podSpec>) => ({
      metadata: { labels: { ...labels(ctx, tw), ...ring }, annotations: { "checksum/config": this.configYaml.apply(checksum) } },
      spec,
    });
    const clientIngress = (target: LokiTarget): IngressRule[] => {
      const from =
        target === "write"
          ? [agentPods(ctx, podsOf(APPS.fluentBit)), podsOf(APPS.prometheus)]
          : target === "read"
            ? [podsOf(APPS.grafana), podsOf(APPS.prometheus)]
            : [podsOf(APPS.prometheus)];
      return [{ from, ports: [PORTS.lokiHttp] }, ...ringIngress];
    };
    /** A ClusterIP Service in front of one target's ready pods. */
    const targetService = (tw: Workload, svcName: string) =>
      new k8s.core.v1.Service(
        `${svcName}-service`,
        {
          metadata: meta(ctx, tw, svcName),
          spec: {
            selector: selector(tw),
            ports: [
              { name: LOKI_HTTP_PORT_NAME, port: PORTS.lokiHttp, targetPort: LOKI_HTTP_PORT_NAME },
              { name: LOKI_GRPC_PORT_NAME, port: PORTS.lokiGrpc, targetPort: LOKI_GRPC_PORT_NAME },
            ],
          },
        },
        { parent: this },
      );

    // --- write: the monolithic StatefulSet's object, claims and governing Service -------------
    const writeService = targetService(w, `${name}-write`);
    const writeStatefulSet = mainStatefulSet(
      { ...data.annotations, ...placementAnnotations(ctx, writeReplicas) },
      {
        // Its governing Service by name: a known value, so no dependency on the Service.
        serviceName: name,
        replicas: writeReplicas,
        // podManagementPolicy stays the default (OrderedReady): it cannot change on the StatefulSet an
        // existing monolithic Loki already has.
        selector: { matchLabels: selector(w) },
        updateStrategy: { type: "RollingUpdate" },
        persistentVolumeClaimRetentionPolicy: data.persistentVolumeClaimRetentionPolicy,
        volumeClaimTemplates: data.volumeClaimTemplates,
        template: template(w, podSpec("write", w, writeReplicas, s.write.resources, data.volumes)),
      },
    );
    lokiGoverningService(writeStatefulSet);
    disruptionBudget(ctx, w, writeReplicas, this, name);
    networkPolicy(ctx, w, clientIngress("write"), this, name, undefined, egress);

    // --- read: stateless queriers -------------------------------------------------------------
    const readName = `${name}-read`;
    const rw: Workload = { ...w, instance: readName };
    const readService = targetService(rw, readName);
    new k8s.apps.v1.Deployment(
      `${readName}-deployment`,
      {
        metadata: meta(ctx, rw, readName, { annotations: placementAnnotations(ctx, s.read.replicas) }),
        spec: {
          replicas: s.read.replicas,
          selector: { matchLabels: selector(rw) },
          // One querier at a time: the others keep answering.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
          template: template(rw, podSpec("read", rw, s.read.replicas, s.read.resources, [{ name: "data", emptyDir: { sizeLimit: "2Gi" } }])),
        },
      },
      { parent: this, dependsOn: [memberlist] },
    );
    disruptionBudget(ctx, rw, s.read.replicas, this, readName);
    networkPolicy(ctx, rw, clientIngress("read"), this, readName, undefined, egress);

    // --- backend: compactor, index gateway, query scheduler, ruler ----------------------------
    const bw: Workload = { ...w, instance: backendName };
    const backendHeadless = new k8s.core.v1.Service(
      `${backendHeadlessName}-service`,
      {
        metadata: meta(ctx, bw, backendHeadlessName),
        spec: {
          clusterIP: "None",
          selector: selector(bw),
          ports: [
            { name: LOKI_HTTP_PORT_NAME, port: PORTS.lokiHttp, targetPort: LOKI_HTTP_PORT_NAME },
            { name: LOKI_GRPC_PORT_NAME, port: PORTS.lokiGrpc, targetPort: LOKI_GRPC_PORT_NAME },
          ],
        },
      },
      { parent: this },
    );
    targetService(bw, backendName);
    const backendData = dataVolume(ctx, bw, { statefulSet: backendName, volume: "data", sizeGi: s.backend.storageGi, replicas: s.backend.replicas }, this, backendName);
    this.backendClaims = backendData.claims;
    new k8s.apps.v1.StatefulSet(
      `${backendName}-statefulset`,
      {
        metadata: meta(ctx, bw, backendName, { annotations: { ...backendData.annotations, ...placementAnnotations(ctx, s.backend.replicas) } }),
        spec: {
          serviceName: backendHeadless.metadata.name,
          replicas: s.backend.replicas,
          // No ordering between backends: each finds its role (compactor, scheduler) through the ring.
          podManagementPolicy: "Parallel",
          selector: { matchLabels: selector(bw) },
          updateStrategy: { type: "RollingUpdate" },
          persistentVolumeClaimRetentionPolicy: backendData.persistentVolumeClaimRetentionPolicy,
          volumeClaimTemplates: backendData.volumeClaimTemplates,
          template: template(bw, podSpec("backend", bw, s.backend.replicas, s.backend.resources, backendData.volumes)),
        },
      },
      backendData.options({ dependsOn: [memberlist, backendHeadless] }),
    );
    disruptionBudget(ctx, bw, s.backend.replicas, this, backendName);
    networkPolicy(ctx, bw, clientIngress("backend"), this, backendName, undefined, egress);

    this.replicas = { [name]: writeReplicas, [readName]: s.read.replicas, [backendName]: s.backend.replicas };
    this.port = PORTS.lokiHttp;
    this.host = writeService.metadata.name.apply((svc) => serviceHost(svc, ns));
    this.pushUrl = writeService.metadata.name.apply((svc) => `${serviceUrl(svc, ns, PORTS.lokiHttp)}${LOKI_PUSH_PATH}`);
    this.url = readService.metadata.name.apply((svc) => serviceUrl(svc, ns, PORTS.lokiHttp));
    // Every pod of every target, through the memberlist Service: one job, as the monolithic one.
    this.scrapeTarget = { job: JOBS.loki, namespace: ns, service: memberlistName, portName: LOKI_HTTP_PORT_NAME };
    this.registerOutputs({ url: this.url, pushUrl: this.pushUrl, host: this.host });
  }
}

/** The port of an object store: its endpoint's, else HTTPS (or HTTP with `insecure`). */
function objectStorePort(st: Extract<LokiStorage, { type: "s3" }>): number {
  const m = st.endpoint?.match(/:(\d+)$/);
  return m ? Number(m[1]) : st.insecure ? 80 : 443;
}

/** The Loki container of one target: its arguments, ports and probes. */
function lokiContainer(o: { target: LokiTarget | "all"; configDir: string; resources: LokiSettings["resources"]; startup: boolean }): k8s.types.input.core.v1.Container {
  const scalable = o.target !== "all";
  return {
    name: "loki",
    image: image("loki"),
    // The scalable file reads the pod's IP from the environment.
    args: [`-config.file=${o.configDir}/${CONFIG_FILE}`, `-target=${o.target}`, ...(scalable ? ["-config.expand-env=true"] : [])],
    ports: [
      { name: LOKI_HTTP_PORT_NAME, containerPort: PORTS.lokiHttp },
      { name: LOKI_GRPC_PORT_NAME, containerPort: PORTS.lokiGrpc },
      ...(scalable ? [{ name: LOKI_MEMBERLIST_PORT_NAME, containerPort: MEMBERLIST_PORT }] : []),
    ],
    // /ready turns 200 once the ingester has joined the ring and replayed its WAL (the backend's
    // compactor and index gateway, once they have theirs), which after a crash can take minutes:
    // the startup probe allows 10.
    ...(o.startup ? { startupProbe: { ...httpProbe("/ready", LOKI_HTTP_PORT_NAME, { initialDelaySeconds: 10 }), failureThreshold: 60 } } : {}),
    // Ready = /ready (ring joined, WAL replayed): out of the Service while it is not.
    readinessProbe: httpProbe("/ready", LOKI_HTTP_PORT_NAME, { initialDelaySeconds: o.startup ? 0 : 10 }),
    // Alive = its HTTP server answers a request that touches neither the ring nor the store: a ring
    // problem makes it unready, never restarts it.
    livenessProbe: httpProbe("/loki/api/v1/status/buildinfo", LOKI_HTTP_PORT_NAME, { initialDelaySeconds: o.startup ? 0 : 10, failureThreshold: 10 }),
    resources: resources(o.resources),
    securityContext: containerSecurity({ runAsUser: LOKI_UID }),
  };
}

/** The init container that writes the pod's own copy of loki.yaml, its zone filled in (./config.ts renderScript). */
function renderContainer(o: { zoneAware: boolean; zoneLabel: string; zoneRequired: boolean }): k8s.types.input.core.v1.Container {
  return {
    name: "render-config",
    image: image("elasticsearch"),
    command: ["bash", "-c", renderScript({ zoneAware: o.zoneAware, zoneLabel: o.zoneLabel, zoneRequired: o.zoneRequired })],
    env: [
      { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      // The zone beside the file it went into (the same volume, which the Loki container mounts).
      { name: "OUT", value: `${RENDERED_DIR}/zone` },
      { name: "CONFIG_IN", value: `/mnt/config/${CONFIG_FILE}` },
      { name: "CONFIG_OUT", value: `${RENDERED_DIR}/${CONFIG_FILE}` },
    ],
    resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    securityContext: containerSecurity({ runAsUser: LOKI_UID }),
    volumeMounts: [
      { name: "config", mountPath: "/mnt/config", readOnly: true },
      { name: "rendered", mountPath: RENDERED_DIR },
      ...(o.zoneAware ? [{ name: "api-token", mountPath: "/mnt/api-token", readOnly: true }] : []),
    ],
  };
}

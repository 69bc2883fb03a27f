import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import {
  EgressRule,
  PlacementArgs,
  StackContext,
  Workload,
  antiAffinity,
  checksum,
  containerSecurity,
  dataVolume,
  disruptionBudget,
  httpProbe,
  labels,
  mainPods,
  meta,
  networkOf,
  networkPolicy,
  placementAnnotations,
  podSecurity,
  resolveContext,
  resources,
  selector,
  serviceAccount,
  tcpProbe,
  topologySpread,
  withEphemeralStorage,
} from "../common";
import { APPS, JOBS, PORTS, SERVICES, podsOf, serviceHost, serviceUrl } from "../endpoints";
import type { ServiceScrapeTarget } from "../prometheus/config-file";
import { appVersion, image } from "../versions";
import { OBJSTORE_DIR, OBJSTORE_FILE, ObjectStorage, compactArgs, endpointPort, objstoreConfig, queryArgs, storeArgs } from "./config-file";
import { THANOS_DEFAULTS, type ThanosSettings } from "./schema";

export { THANOS_DEFAULTS };
export type { ThanosSettings };

export interface ThanosArgs extends PlacementArgs {
  /** All settings, as the stack's config holds them (`thanos.*` without `enabled`). @default THANOS_DEFAULTS */
  settings?: Partial<Omit<ThanosSettings, "enabled">>;
  /** The bucket the sidecars upload to and the Store Gateway and Compactor read. */
  objectStorage: pulumi.Input<ObjectStorage>;
  /** The Prometheus StatefulSet's governing (headless) Service, whose pods run the sidecars. @default "prometheus" */
  prometheusService?: string;
  /** Annotations of the Store Gateway's and Compactor's ServiceAccount (the IRSA role). @default none */
  serviceAccountAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Port names of the Thanos Services (Prometheus scrapes "http"). */
export const THANOS_GRPC_PORT_NAME = "grpc";
export const THANOS_HTTP_PORT_NAME = "http";
/** The thanos image runs as this uid/gid (nobody). */
export const THANOS_UID = 65534;
/** Where the Store Gateway and Compactor keep their caches. */
const DATA_DIR = "/var/thanos";

/** What the Prometheus pods need for their sidecars. */
export interface SidecarWiring {
  /** Name of the objstore Secret to mount at OBJSTORE_DIR. */
  objstoreSecret: pulumi.Output<string>;
  /** sha256 of the objstore config, for the pod template (a new bucket rolls the sidecars). */
  objstoreChecksum: pulumi.Output<string>;
  /** The sidecars' egress to object storage. */
  objectStorageEgress: pulumi.Output<EgressRule>;
}

/**
 * Thanos around the stack's Prometheus: Query (a Deployment: the PromQL API Grafana uses, merging the
 * replicas by REPLICA_LABEL), the Store Gateway (a StatefulSet serving the bucket's blocks), the
 * Compactor (one replica: compaction, downsampling, retention per resolution) and the objstore
 * Secret (bucket, endpoint, region; never credentials, which come from the pods' role). The sidecars
 * live in the Prometheus pods (components/prometheus), wired through `sidecar`.
 *
 * Alerting does not go through Thanos: every Prometheus evaluates its rules and sends its alerts
 * itself, so paging keeps working while Thanos is down.
 */
export class Thanos extends pulumi.ComponentResource {
  /** In-cluster URL of Query's HTTP API (Prometheus-compatible): Grafana's Prometheus datasource. */
  public readonly queryUrl: pulumi.Output<string>;
  /** The sidecars' wiring, for the Prometheus component. */
  public readonly sidecar: SidecarWiring;
  /** How Prometheus scrapes Query, the Store Gateway and the Compactor. */
  public readonly scrapeTargets: ServiceScrapeTarget[];
  /** The Store Gateway's and Compactor's claims. */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[];
  /** The Store Gateway's claims, one per replica (none without persistence). */
  public readonly storeClaims: k8s.core.v1.PersistentVolumeClaim[];
  /** The Compactor's claim (none without persistence). */
  public readonly compactClaims: k8s.core.v1.PersistentVolumeClaim[];
  /** objstore.yaml as serialised into the Secret (secret: it names the bucket). */
  public readonly objstoreYaml: pulumi.Output<string>;

  constructor(name: string, args: ThanosArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Thanos", name, {}, opts);
    const ctx = resolveContext(args);
    const s = { ...THANOS_DEFAULTS, ...(args.settings ?? {}) };
    const ns = ctx.namespace;
    const version = appVersion("thanos");
    const prometheusService = args.prometheusService ?? SERVICES.prometheus;
    const storage = pulumi.output(args.objectStorage);

    const wStorage: Workload = { name: "thanos", instance: name, component: "metrics-storage", version };
    this.objstoreYaml = pulumi.secret(storage.apply((o) => stringify(objstoreConfig(o))));
    const objstoreChecksum = storage.apply((o) => checksum(stringify(objstoreConfig(o))));
    const secret = new k8s.core.v1.Secret(
      `${name}-objstore`,
      { metadata: meta(ctx, wStorage, `${name}-objstore`), type: "Opaque", stringData: { [OBJSTORE_FILE]: this.objstoreYaml } },
      { parent: this },
    );
    const objectStorageEgress = storage.apply((o): EgressRule => ({ to: { cidrs: networkOf(ctx).objectStorageCidrs ?? ["0.0.0.0/0"] }, ports: [endpointPort(o.endpoint)] }));
    const objstoreVolume = { name: "objstore", secret: { secretName: secret.metadata.name } };
    const objstoreMount = { name: "objstore", mountPath: OBJSTORE_DIR, readOnly: true };
    const objstoreFile = `${OBJSTORE_DIR}/${OBJSTORE_FILE}`;

    // The Store Gateway and the Compactor read (and the Compactor rewrites) the bucket: one
    // ServiceAccount, the one the IRSA role trusts.
    const storageSa = serviceAccount(ctx, { ...wStorage, instance: name }, this, name, { automount: false, annotations: args.serviceAccountAnnotations });

    const probes = (portName: string) => ({
      // Ready = /-/ready (its stores found, its blocks loaded); alive = the HTTP server answers.
      readinessProbe: httpProbe("/-/ready", portName, { initialDelaySeconds: 5 }),
      livenessProbe: httpProbe("/-/healthy", portName, { initialDelaySeconds: 30, failureThreshold: 10 }),
    });
    const container = (
      cname: string,
      args: string[],
      r: ThanosSettings["query"]["resources"],
      ports: { name: string; containerPort: number }[],
      mounts: k8s.types.input.core.v1.VolumeMount[],
    ): k8s.types.input.core.v1.Container => ({
      name: cname,
      image: image("thanos"),
      args,
      ports,
      ...probes(THANOS_HTTP_PORT_NAME),
      resources: resources(r),
      securityContext: containerSecurity(),
      volumeMounts: mounts,
    });
    const grpcPort = { name: THANOS_GRPC_PORT_NAME, containerPort: PORTS.thanosGrpc };
    const httpPort = { name: THANOS_HTTP_PORT_NAME, containerPort: PORTS.thanosHttp };
    const scrapedBy = { from: [podsOf(APPS.prometheus)], ports: [PORTS.thanosHttp] };

    // ---- Store Gateway ----
    const storeName = `${name}-store`;
    const wStore: Workload = { name: APPS.thanosStore, instance: storeName, component: "metrics-store", version };
    const storeService = new k8s.core.v1.Service(
      `${storeName}-service`,
      {
        metadata: meta(ctx, wStore, storeName),
        spec: {
          // Headless: Query finds each replica by DNS (dns+), and the StatefulSet is governed by it.
          clusterIP: "None",
          selector: selector(wStore),
          ports: [
            { name: THANOS_GRPC_PORT_NAME, port: PORTS.thanosGrpc, targetPort: THANOS_GRPC_PORT_NAME },
            { name: THANOS_HTTP_PORT_NAME, port: PORTS.thanosHttp, targetPort: THANOS_HTTP_PORT_NAME },
          ],
        },
      },
      { parent: this },
    );
    const storeData = dataVolume(ctx, wStore, { statefulSet: storeName, volume: "data", sizeGi: s.storeGateway.storageGi, replicas: s.storeGateway.replicas }, this, storeName);
    const storeClaims = storeData.claims;
    new k8s.apps.v1.StatefulSet(
      `${storeName}-statefulset`,
      {
        metadata: meta(ctx, wStore, storeName, { annotations: { ...storeData.annotations, ...placementAnnotations(ctx, s.storeGateway.replicas) } }),
        spec: {
          serviceName: storeService.metadata.name,
          replicas: s.storeGateway.replicas,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: selector(wStore) },
          persistentVolumeClaimRetentionPolicy: storeData.persistentVolumeClaimRetentionPolicy,
          volumeClaimTemplates: storeData.volumeClaimTemplates,
          template: {
            metadata: { labels: labels(ctx, wStore), annotations: { "checksum/objstore": objstoreChecksum } },
            spec: withEphemeralStorage({
              serviceAccountName: storageSa.metadata.name,
              automountServiceAccountToken: false,
              securityContext: podSecurity(THANOS_UID),
              affinity: antiAffinity(ctx, wStore, s.storeGateway.replicas),
              topologySpreadConstraints: topologySpread(ctx, wStore, s.storeGateway.replicas),
              containers: [
                container("thanos", storeArgs({ dataDir: DATA_DIR, objstoreFile }), s.storeGateway.resources, [grpcPort, httpPort], [
                  objstoreMount,
                  { name: "data", mountPath: DATA_DIR },
                ]),
              ],
              volumes: [objstoreVolume, ...storeData.volumes],
            }),
          },
        },
      },
      storeData.options(),
    );
    disruptionBudget(ctx, wStore, s.storeGateway.replicas, this, storeName);
    networkPolicy(ctx, wStore, [{ from: [podsOf(APPS.thanosQuery)], ports: [PORTS.thanosGrpc] }, scrapedBy], this, storeName, undefined, objectStorageEgress.apply((e) => [e]));

    // ---- Compactor ----
    const compactName = `${name}-compact`;
    const wCompact: Workload = { name: APPS.thanosCompact, instance: compactName, component: "metrics-compactor", version };
    const compactService = new k8s.core.v1.Service(
      `${compactName}-service`,
      {
        metadata: meta(ctx, wCompact, compactName),
        spec: { clusterIP: "None", selector: selector(wCompact), ports: [{ name: THANOS_HTTP_PORT_NAME, port: PORTS.thanosHttp, targetPort: THANOS_HTTP_PORT_NAME }] },
      },
      { parent: this },
    );
    const compactData = dataVolume(ctx, wCompact, { statefulSet: compactName, volume: "data", sizeGi: s.compactor.storageGi, replicas: 1 }, this, compactName);
    new k8s.apps.v1.StatefulSet(
      `${compactName}-statefulset`,
      {
        metadata: meta(ctx, wCompact, compactName, { annotations: compactData.annotations }),
        spec: {
          serviceName: compactService.metadata.name,
          // Exactly one: two Compactors on one bucket would compact the same blocks twice.
          replicas: 1,
          selector: { matchLabels: selector(wCompact) },
          persistentVolumeClaimRetentionPolicy: compactData.persistentVolumeClaimRetentionPolicy,
          volumeClaimTemplates: compactData.volumeClaimTemplates,
          template: {
            metadata: { labels: labels(ctx, wCompact), annotations: { "checksum/objstore": objstoreChecksum } },
            spec: withEphemeralStorage({
              serviceAccountName: storageSa.metadata.name,
              automountServiceAccountToken: false,
              securityContext: podSecurity(THANOS_UID),
              containers: [
                container("thanos", compactArgs({ dataDir: DATA_DIR, objstoreFile, retention: s.retention }), s.compactor.resources, [httpPort], [
                  objstoreMount,
                  { name: "data", mountPath: DATA_DIR },
                ]),
              ],
              volumes: [objstoreVolume, ...compactData.volumes],
            }),
          },
        },
      },
      compactData.options(),
    );
    networkPolicy(ctx, wCompact, [scrapedBy], this, compactName, undefined, objectStorageEgress.apply((e) => [e]));

    // ---- Query ----
    const queryName = `${name}-query`;
    const wQuery: Workload = { name: APPS.thanosQuery, instance: queryName, component: "metrics-query", version };
    const querySa = serviceAccount(ctx, wQuery, this, queryName, { automount: false });
    const endpoints = [
      `dns+${serviceHost(prometheusService, ns)}:${PORTS.thanosGrpc}`,
      storeService.metadata.name.apply((svc) => `dns+${serviceHost(svc, ns)}:${PORTS.thanosGrpc}`),
    ];
    new k8s.apps.v1.Deployment(
      `${queryName}-deployment`,
      {
        metadata: meta(ctx, wQuery, queryName, { annotations: placementAnnotations(ctx, s.query.replicas) }),
        spec: {
          replicas: s.query.replicas,
          selector: { matchLabels: selector(wQuery) },
          template: {
            metadata: { labels: labels(ctx, wQuery) },
            spec: withEphemeralStorage({
              serviceAccountName: querySa.metadata.name,
              automountServiceAccountToken: false,
              securityContext: podSecurity(THANOS_UID),
              affinity: antiAffinity(ctx, wQuery, s.query.replicas),
              topologySpreadConstraints: topologySpread(ctx, wQuery, s.query.replicas),
              containers: [
                {
                  ...container("thanos", [] as string[], s.query.resources, [grpcPort, httpPort], []),
                  args: pulumi.all(endpoints).apply((e) => queryArgs({ endpoints: e })),
                  // Alive = its HTTP server accepts connections: a store that is down makes Query
                  // partial, never restarts it.
                  livenessProbe: tcpProbe(THANOS_HTTP_PORT_NAME, { initialDelaySeconds: 10 }),
                },
              ],
            }),
          },
        },
      },
      { parent: this },
    );
    const queryService = new k8s.core.v1.Service(
      `${queryName}-service`,
      {
        metadata: meta(ctx, wQuery, queryName),
        spec: { selector: selector(wQuery), ports: [{ name: THANOS_HTTP_PORT_NAME, port: PORTS.thanosHttp, targetPort: THANOS_HTTP_PORT_NAME }] },
      },
      { parent: this },
    );
    disruptionBudget(ctx, wQuery, s.query.replicas, this, queryName);
    networkPolicy(
      ctx,
      wQuery,
      [{ from: [podsOf(APPS.grafana)], ports: [PORTS.thanosHttp] }, scrapedBy],
      this,
      queryName,
      undefined,
      [
        { to: [mainPods(ctx, podsOf(APPS.prometheus))], ports: [PORTS.thanosGrpc] },
        { to: [podsOf(APPS.thanosStore)], ports: [PORTS.thanosGrpc] },
      ],
    );

    this.storeClaims = storeClaims;
    this.compactClaims = compactData.claims;
    this.claims = [...storeClaims, ...compactData.claims];
    this.sidecar = { objstoreSecret: secret.metadata.name, objstoreChecksum, objectStorageEgress };
    this.queryUrl = queryService.metadata.name.apply((svc) => serviceUrl(svc, ns, PORTS.thanosHttp));
    this.scrapeTargets = [
      { job: JOBS.thanosQuery, namespace: ns, service: queryName, portName: THANOS_HTTP_PORT_NAME },
      { job: JOBS.thanosStore, namespace: ns, service: storeName, portName: THANOS_HTTP_PORT_NAME },
      { job: JOBS.thanosCompact, namespace: ns, service: compactName, portName: THANOS_HTTP_PORT_NAME },
    ];
    this.registerOutputs({ queryUrl: this.queryUrl });
  }
}

/** The context type, re-exported for the stack. */
export type { StackContext };

/**
 * The whole observability stack of one environment: every component, wired through each other's
 * outputs. index.ts builds it from the validated config; tests and the benchmark build it the same way.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { PROJECT, SecretKey, StackConfig, agentsNamespaceOf } from "./config";
import { NetworkContext, StackContext, Workload, dataOptions, defaultDenyPolicy, labels } from "./common";
import { APPS, JOBS, PORTS, SERVICES, podsOf } from "./endpoints";
import { buildRuleFiles } from "./alerting/rules";
import { buildAlertmanagerConfig } from "./alerting/alertmanager";
import { buildSloRuleFiles } from "./slo/rules";
import { emailSettings } from "./alerting/schema";
import { awsStorageFor } from "./aws/component";
import { Alertmanager } from "./alertmanager/component";
import { Elasticsearch } from "./elasticsearch/component";
import { SNAPSHOT_REPOSITORY } from "./elasticsearch/config-file";
import { LogShipper } from "./log-shipper/component";
import { GRAFANA_PORT_NAME, Grafana } from "./grafana/component";
import { GrafanaContent, grafanaProvider } from "./grafana/content";
import { buildDatasources } from "./grafana/datasources";
import { allDashboards } from "../dashboards";
import { Jaeger } from "./jaeger/component";
import { Loki } from "./loki/component";
import { NodeExporter, NODE_EXPORTER_PORT_NAME } from "./node-exporter/component";
import { KubeStateMetrics } from "./kube-state-metrics/component";
import { Prometheus, SIDECAR_HTTP_PORT_NAME } from "./prometheus/component";
import { Thanos } from "./thanos/component";
import { IMAGES } from "./versions";
import { awsS3Endpoint, type ObjectStorage } from "./thanos/config-file";
import { STACK_DATASOURCE_EGRESS } from "./grafana/component";
import type { ServiceScrapeTarget } from "./prometheus/config-file";
import { DataVolumes, LOKI_BACKEND, governingServiceChanges, persistenceChanges, plannedDataVolumes } from "./data-volumes";

export interface ObservabilityStackArgs {
  /** The validated stack configuration (loadConfig). */
  config: StackConfig;
  /** Secret config values (receiver credentials, external Grafana token), as secret Outputs. */
  secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
  /**
   * The data volumes of the last update (its `dataVolumes` output), when there was one: a StatefulSet
   * whose persistence changes is previewed as a replacement. Changes that would lose data are refused
   * before the stack is built (components/data-volumes.ts).
   */
  previous?: DataVolumes;
}

/** In-cluster endpoints of every component: the stack's outputs. */
export interface StackEndpoints {
  prometheus: pulumi.Output<string>;
  alertmanager: pulumi.Output<string>;
  loki: pulumi.Output<string>;
  elasticsearch: pulumi.Output<string>;
  kibana?: pulumi.Output<string>;
  jaegerQuery: pulumi.Output<string>;
  otlpGrpc: pulumi.Output<string>;
  otlpHttp: pulumi.Output<string>;
  grafana: pulumi.Output<string>;
  /** Thanos Query (Prometheus-compatible, deduplicated, with the bucket's history); unset without Thanos. */
  thanosQuery?: pulumi.Output<string>;
}

/** The Thanos component's name: its objects are `thanos-query`, `thanos-store`, `thanos-compact`, `thanos-objstore`, and its ServiceAccount `thanos`. */
export const THANOS_NAME = "thanos";

/** The namespace labels of a Pod Security level: enforced, and warned and audited at the same level. */
export function podSecurityLabels(level: "restricted" | "baseline" | "privileged"): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/warn": level,
    "pod-security.kubernetes.io/audit": level,
  };
}

/**
 * The ports of the alert receivers the config enables, for Alertmanager's and Grafana's egress: 443
 * for PagerDuty's Events API, the SMTP relay's port, and the port of each receiver URL (Slack,
 * dead man's switch, webhook; 443 unless the URL names one). The URLs are secrets, their ports are
 * not: a port says nothing of the token in a URL's path, and the policies that hold them stay
 * readable (and comparable) in the state.
 */
export function receiverPorts(cfg: StackConfig, secrets: Partial<Record<SecretKey, pulumi.Output<string>>>): pulumi.Output<number[]> {
  const r = cfg.alerting.receivers;
  const plain: number[] = [];
  if (r.pagerduty.enabled) plain.push(443);
  if (r.email.enabled && r.email.smarthost) plain.push(Number(r.email.smarthost.slice(r.email.smarthost.lastIndexOf(":") + 1)));
  const urls: pulumi.Output<string>[] = [];
  const urlOf = (enabled: boolean, key: SecretKey) => {
    if (enabled && secrets[key] !== undefined) urls.push(secrets[key]!);
  };
  urlOf(r.slack.enabled, "slackWebhookUrl");
  urlOf(r.deadMansSwitch.enabled, "deadMansSwitchUrl");
  urlOf(r.webhook.enabled, "webhookUrl");
  const portOf = (u: string): number => {
    const url = new URL(u);
    return url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
  };
  return pulumi.unsecret(pulumi.all(urls).apply((us) => [...new Set([...plain, ...us.map(portOf)])].sort((a, b) => a - b)));
}

/** Make every resource of a subtree wait for a resource (the namespace its objects live in). */
function waitFor(dep: pulumi.Resource): pulumi.ResourceTransformation {
  return (a) => (a.type.startsWith("kubernetes:") ? { props: a.props, opts: pulumi.mergeOptions(a.opts, { dependsOn: [dep] }) } : undefined);
}

/**
 * The Server-Side Apply field manager of every Kubernetes object of the stack (the provider's
 * `pulumi.com/patchFieldManager` annotation). The provider's default is a random name per resource
 * kept in the state: after a destroy that kept the data (retainOnDelete), a new `up` applied the
 * retained objects under a new name and failed on field conflicts with the old one. One stable name
 * lets the next `up` take the retained objects back as their owner.
 */
export const FIELD_MANAGER = "observability-stack";
export const FIELD_MANAGER_ANNOTATION = "pulumi.com/patchFieldManager";

/** Set the stable field manager on a Kubernetes object's metadata (plain or Output annotations). */
function stableFieldManager(): pulumi.ResourceTransformation {
  return (a) => {
    if (!a.type.startsWith("kubernetes:") || a.type.startsWith("pulumi:providers:")) return undefined;
    const metadata = (a.props.metadata ?? {}) as Record<string, unknown>;
    if (pulumi.Output.isInstance(metadata)) return undefined;
    const add = (ann: Record<string, string> | undefined) => ({ ...(ann ?? {}), [FIELD_MANAGER_ANNOTATION]: FIELD_MANAGER });
    const annotations = metadata.annotations as pulumi.Input<Record<string, string>> | undefined;
    return {
      props: { ...a.props, metadata: { ...metadata, annotations: pulumi.Output.isInstance(annotations) ? annotations.apply(add) : add(annotations as Record<string, string> | undefined) } },
      opts: a.opts,
    };
  };
}

export class ObservabilityStack extends pulumi.ComponentResource {
  public readonly endpoints: StackEndpoints;
  /** Grafana admin user and generated password (secret); undefined for an external Grafana. */
  public readonly grafanaAdminUser?: pulumi.Output<string>;
  public readonly grafanaAdminPassword?: pulumi.Output<string>;
  /**
   * What each workload's claims are: persistence, size, names and the StorageClass the API server
   * gave them. Exported as a stack output, the next update compares the config against it.
   */
  public readonly dataVolumes: pulumi.Output<DataVolumes>;

  constructor(name: string, args: ObservabilityStackArgs, opts?: pulumi.ComponentResourceOptions) {
    // Inherited by every descendant: one stable field manager for every Kubernetes object.
    // `transformations`, not the newer engine-side `transforms`: Pulumi's mocks (setMocks) do not
    // support `transforms` and refuse to register a resource that has them, so every unit test of a
    // program that composes the stack, ours and its importers', would fail. Both apply to every
    // descendant registered by this program, which is all the stack needs.
    super("observability:index:ObservabilityStack", name, {}, { ...opts, transformations: [...(opts?.transformations ?? []), stableFieldManager()] });
    const cfg = args.config;
    const ns = cfg.namespace;
    const agentsNs = agentsNamespaceOf(cfg);
    const network: NetworkContext = {
      mainNamespace: ns,
      agentsNamespace: agentsNs,
      apiServer: cfg.network.apiServer,
      nodeCidrs: cfg.network.nodeCidrs,
      objectStorageCidrs: cfg.aws.enabled || cfg.thanos.enabled || cfg.loki.objectStore ? cfg.network.objectStorageCidrs : undefined,
      receiverCidrs: cfg.network.receiverCidrs,
    };
    const ctx: StackContext = {
      namespace: ns,
      environment: cfg.environment,
      team: cfg.team,
      storageClassName: cfg.storageClassName,
      persistence: cfg.persistence,
      placement: cfg.placement,
      persistenceChanges: (statefulSet, persistent) => persistenceChanges(args.previous, statefulSet, persistent),
      governingServiceChanges: (statefulSet) => governingServiceChanges(args.previous, statefulSet),
      network,
    };
    // The node agents (node exporter, Fluent Bit) hold no data: their namespace is never protected.
    const agentsCtx: StackContext = { ...ctx, namespace: agentsNs };

    const nsWorkload: Workload = { name: PROJECT, instance: name, component: "namespace", version: "1" };
    // Deleting a namespace deletes every claim in it: in prod it is protected and kept like the data.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: ns,
          // Every pod here meets the restricted profile (dev may relax it to baseline, podSecurity):
          // the node agents, which need host access, live in a namespace of their own.
          labels: { ...labels(ctx, nsWorkload), ...podSecurityLabels(cfg.podSecurity) },
        },
      },
      dataOptions(ctx, this),
    );
    const child: pulumi.ComponentResourceOptions = { parent: this, transformations: [waitFor(namespace)] };
    const agentsNsWorkload: Workload = { name: PROJECT, instance: name, component: "agents-namespace", version: "1" };
    const agentsNamespace = new k8s.core.v1.Namespace(
      `${name}-agents-namespace`,
      // Host access (host network and PID, hostPath volumes) is admitted here, and only here.
      { metadata: { name: agentsNs, labels: { ...labels(agentsCtx, agentsNsWorkload), ...podSecurityLabels("privileged") } } },
      { parent: this },
    );
    const agentsChild: pulumi.ComponentResourceOptions = { parent: this, transformations: [waitFor(agentsNamespace)] };
    if (cfg.network.defaultDeny) {
      // Nothing in or out but what a component's own policy allows (DNS included).
      defaultDenyPolicy(ns, labels(ctx, { ...nsWorkload, component: "network-policy" }), this, `${name}-default-deny`, { dependsOn: [namespace] });
      defaultDenyPolicy(agentsNs, labels(agentsCtx, { ...agentsNsWorkload, component: "network-policy" }), this, `${name}-agents-default-deny`, { dependsOn: [agentsNamespace] });
    }

    const aws = awsStorageFor(
      `${name}-aws`,
      {
        config: cfg,
        serviceAccounts: {
          loki: { namespace: ns, name: SERVICES.loki },
          elasticsearch: { namespace: ns, name: SERVICES.elasticsearch },
          ...(cfg.thanos.enabled ? { thanosSidecar: { namespace: ns, name: SERVICES.prometheus }, thanos: { namespace: ns, name: THANOS_NAME } } : {}),
        },
      },
      { parent: this },
    );

    const nodeExporter = cfg.nodeExporter.enabled ? new NodeExporter(APPS.nodeExporter, { context: agentsCtx, settings: cfg.nodeExporter }, agentsChild) : undefined;

    // Kubernetes itself: object state for the Kubernetes alerts and dashboards.
    const kubeStateMetrics = new KubeStateMetrics(APPS.kubeStateMetrics, { context: ctx }, child);

    const elasticsearch = new Elasticsearch(
      APPS.elasticsearch,
      {
        context: ctx,
        settings: cfg.elasticsearch,
        snapshot: aws ? aws.elasticsearchSnapshot(SNAPSHOT_REPOSITORY) : undefined,
        // Kibana's objects kept their name when it became a child component.
        kibanaName: SERVICES.kibana,
      },
      child,
    );

    const loki = new Loki(
      APPS.loki,
      {
        context: ctx,
        settings: cfg.loki,
        s3: aws ? pulumi.all([aws.region, aws.lokiBucketName, aws.lokiRulerBucketName]).apply(([region, chunksBucket, rulerBucket]) => ({ region, chunksBucket, rulerBucket })) : undefined,
        serviceAccountAnnotations: aws ? aws.lokiServiceAccountAnnotations : undefined,
      },
      child,
    );

    const jaeger = new Jaeger(
      APPS.jaeger,
      {
        context: ctx,
        settings: cfg.jaeger,
        ...(cfg.jaeger.storage === "elasticsearch"
          ? { elasticsearchUrl: elasticsearch.url, elasticsearchNodes: cfg.elasticsearch.replicas, elasticsearchAuth: elasticsearch.clients?.jaeger, indexCleanerAuth: elasticsearch.clients?.jaegerIndexCleaner }
          : {}),
      },
      child,
    );

    const logShipper = new LogShipper(
      APPS.fluentBit,
      {
        context: agentsCtx,
        settings: cfg.logShipper,
        lokiHost: loki.host,
        lokiPort: loki.port,
        elasticsearchHost: elasticsearch.host,
        elasticsearchPort: elasticsearch.port,
        logAliases: elasticsearch.logAliases,
        elasticsearchAuth: elasticsearch.clients?.fluentBit,
      },
      agentsChild,
    );

    const secretValues = pulumi.all(args.secrets);
    const receivers = receiverPorts(cfg, args.secrets);
    const alertmanager = new Alertmanager(
      APPS.alertmanager,
      {
        context: ctx,
        settings: cfg.alertmanager,
        configYaml: pulumi.secret(secretValues.apply((values) => stringify(buildAlertmanagerConfig(cfg, values)))),
        receiverPorts: receivers,
      },
      child,
    );

    const serviceTargets: ServiceScrapeTarget[] = [
      // Behind its authenticating proxy: HTTPS with Prometheus' token.
      ...(nodeExporter ? [{ job: JOBS.nodeExporter, namespace: agentsNs, service: SERVICES.nodeExporter, portName: NODE_EXPORTER_PORT_NAME, authenticated: true }] : []),
      { job: JOBS.alertmanager, namespace: ns, ...alertmanager.service },
      loki.scrapeTarget,
      { job: JOBS.elasticsearch, namespace: ns, ...elasticsearch.exporterService },
      { job: JOBS.jaeger, namespace: ns, ...jaeger.metricsService },
      logShipper.scrapeTarget,
      ...(cfg.grafana.deploy ? [{ job: JOBS.grafana, namespace: ns, service: SERVICES.grafana, portName: GRAFANA_PORT_NAME }] : []),
    ];
    // Thanos: the bucket (the stack's own with AWS, else the configured S3-compatible one), then
    // Query, Store Gateway and Compactor; the sidecars go into the Prometheus pods.
    let thanos: Thanos | undefined;
    if (cfg.thanos.enabled) {
      const { enabled: _enabled, ...thanosSettings } = cfg.thanos;
      const objectStorage: pulumi.Input<ObjectStorage> = aws?.thanosBucketName
        ? aws.thanosBucketName.apply((bucket) => ({ bucket, endpoint: awsS3Endpoint(cfg.aws.region), region: cfg.aws.region, awsSdkAuth: true }))
        : { bucket: cfg.thanos.objectStorage.bucket!, endpoint: cfg.thanos.objectStorage.endpoint!, region: cfg.aws.region, awsSdkAuth: false };
      thanos = new Thanos(
        THANOS_NAME,
        { context: ctx, settings: thanosSettings, objectStorage, prometheusService: SERVICES.prometheus, serviceAccountAnnotations: aws?.thanosServiceAccountAnnotations },
        child,
      );
      serviceTargets.push(...thanos.scrapeTargets, { job: JOBS.thanosSidecar, namespace: ns, service: SERVICES.prometheus, portName: SIDECAR_HTTP_PORT_NAME });
    }

    const prometheus = new Prometheus(
      APPS.prometheus,
      {
        context: ctx,
        settings: cfg.prometheus,
        clusterName: cfg.clusterName,
        serviceTargets,
        kubernetes: { kubeStateMetrics: kubeStateMetrics.scrapeService },
        alertmanager: alertmanager.service,
        ruleFiles: { ...buildRuleFiles(cfg), ...buildSloRuleFiles(cfg) },
        thanos: thanos ? { ...thanos.sidecar, resources: cfg.thanos.sidecar.resources } : undefined,
        serviceAccountAnnotations: aws?.thanosSidecarServiceAccountAnnotations,
      },
      child,
    );
    // Dashboards read Query when there is one: both replicas as one, and the bucket's history.
    const metricsUrl = thanos ? thanos.queryUrl : prometheus.url;

    const datasources = pulumi
      .all([metricsUrl, loki.url, elasticsearch.url, jaeger.queryUrl, elasticsearch.logIndexPattern])
      .apply(([prometheusUrl, lokiUrl, elasticsearchUrl, jaegerUrl, elasticsearchIndex]) =>
        buildDatasources({
          prometheusUrl,
          prometheusServer: thanos ? { type: "Thanos", version: IMAGES.thanos.tag.replace(/^v/, "") } : { type: "Prometheus" },
          lokiRulerElsewhere: cfg.loki.mode === "scalable",
          lokiUrl,
          elasticsearchUrl,
          jaegerUrl,
          elasticsearchIndex,
          elasticsearchAuth: elasticsearch.clients ? { username: elasticsearch.clients.grafana.username } : undefined,
        }),
      );

    let grafanaUrl: pulumi.Output<string>;
    let grafanaClaims: k8s.core.v1.PersistentVolumeClaim[] = [];
    if (cfg.grafana.deploy) {
      const email = emailSettings(cfg.alerting.receivers.email);
      const smtp = email
        ? { host: email.smarthost, from: email.from, user: email.smtpAuthUsername, password: email.smtpAuthUsername ? args.secrets.smtpPassword : undefined, requireTls: email.requireTls }
        : undefined;
      // Everything Grafana shows is provisioned from files it mounts: `pulumi up` needs only the
      // Kubernetes API, never a network path to Grafana itself.
      const grafana = new Grafana(
        APPS.grafana,
        {
          context: ctx,
          settings: cfg.grafana,
          datasources,
          elasticsearchAuth: elasticsearch.clients?.grafana,
          smtp,
          rootUrl: cfg.grafana.url,
          dashboards: allDashboards({ httpStatusLabel: cfg.alerting.httpStatusLabel }),
          alerting: { environment: cfg.environment, alerting: cfg.alerting, secrets: args.secrets },
          receiverPorts: receivers,
          datasourceEgress: thanos
            ? [
                { to: [podsOf(APPS.thanosQuery)], ports: [PORTS.thanosHttp] },
                ...STACK_DATASOURCE_EGRESS.filter((e) => JSON.stringify(e.to) !== JSON.stringify([podsOf(APPS.prometheus)])),
              ]
            : undefined,
        },
        child,
      );
      grafanaUrl = cfg.grafana.url ? pulumi.output(cfg.grafana.url) : grafana.url;
      this.grafanaAdminUser = grafana.adminUser;
      this.grafanaAdminPassword = grafana.adminPassword;
      grafanaClaims = grafana.claims;
    } else {
      // An external Grafana: its content goes through its HTTP API, with a service-account token.
      grafanaUrl = pulumi.output(cfg.grafana.url as string);
      const provider = grafanaProvider(`${name}-grafana`, { url: grafanaUrl, auth: args.secrets.grafanaToken as pulumi.Output<string> }, { parent: this });
      new GrafanaContent(
        `${name}-grafana-content`,
        { environment: cfg.environment, alerting: cfg.alerting, secrets: args.secrets, datasources },
        { parent: this, providers: { grafana: provider } },
      );
    }

    const claimsOf: Record<string, k8s.core.v1.PersistentVolumeClaim[]> = {
      [SERVICES.prometheus]: prometheus.claims,
      [SERVICES.alertmanager]: alertmanager.claims,
      [SERVICES.loki]: loki.claims,
      [LOKI_BACKEND]: loki.backendClaims,
      [SERVICES.elasticsearch]: elasticsearch.claims,
      [SERVICES.jaeger]: jaeger.claims,
      [SERVICES.grafana]: grafanaClaims,
      [SERVICES.thanosStore]: thanos?.storeClaims ?? [],
      [SERVICES.thanosCompact]: thanos?.compactClaims ?? [],
    };
    this.dataVolumes = pulumi.output(
      Object.fromEntries(
        Object.entries(plannedDataVolumes(cfg)).map(([workload, planned]) => {
          const claim = claimsOf[workload]?.[0];
          return [workload, { ...planned, storageClassName: claim ? claim.spec.storageClassName : planned.storageClassName }];
        }),
      ),
    ) as pulumi.Output<DataVolumes>;

    this.endpoints = {
      prometheus: prometheus.url,
      alertmanager: alertmanager.url,
      loki: loki.url,
      elasticsearch: elasticsearch.url,
      kibana: elasticsearch.kibanaUrl,
      jaegerQuery: jaeger.queryUrl,
      otlpGrpc: jaeger.otlpGrpcEndpoint,
      otlpHttp: jaeger.otlpHttpEndpoint,
      grafana: grafanaUrl,
      ...(thanos ? { thanosQuery: thanos.queryUrl } : {}),
    };
    this.registerOutputs({ endpoints: this.endpoints, grafanaAdminPassword: this.grafanaAdminPassword, dataVolumes: this.dataVolumes });
  }
}

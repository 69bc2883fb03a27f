import { createHmac } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { stringify } from "yaml";
import type { Resources } from "../config/shared";
import {
  EgressRule,
  PlacementArgs,
  Workload,
  resolveContext,
  resolveSettings,
  checksum,
  containerSecurity,
  dataOptions,
  httpProbe,
  labels,
  meta,
  networkOf,
  networkPolicy,
  podSecurity,
  resources,
  selector,
  tcpProbe,
  withEphemeralStorage,
} from "../common";
import { APPS, PORTS, podsOf, serviceUrl } from "../endpoints";
import { appVersion, image } from "../versions";
import { DatasourceDef, ELASTICSEARCH_DATASOURCE_CA_DIR, ELASTICSEARCH_DATASOURCE_PASSWORD_ENV, datasourceProvisioningFile } from "./datasources";
import { caGenerationAnnotations, caVolume, passwordEnvVar, resolveClientAuth, type ElasticsearchClientAuth } from "../elasticsearch/security";
import { allDashboards, FOLDERS, type DashboardSpec } from "../../dashboards";
import type { SecretKey } from "../config/secrets";
import { GRAFANA_DEFAULTS, type GrafanaSettings } from "./schema";
import {
  alertingProvisioning,
  dashboardFiles,
  dashboardFolderPath,
  dashboardProviders,
  PROVISIONING_DIR,
  type AlertingProvisioningArgs,
  type Folders,
} from "./provisioning";

/** Grafana's settings and its defaults live in ./schema.ts, next to the stack config's `grafana.*` schema. */
export { GRAFANA_DEFAULTS };
export type { GrafanaSettings };

export interface GrafanaArgs extends PlacementArgs {
  /** Size of the data claim (SQLite database, plugins), in GiB. @default 1 */
  storageGi?: number;
  /** Requests and limits of the Grafana container. @default 50m/128Mi requested, 500m/256Mi limit */
  resources?: Resources;
  /** The settings as the stack's config holds them (`grafana.*`); the fields above win over them. */
  settings?: Partial<GrafanaSettings>;
  /**
   * Datasources to provision (build them from the other components' URLs, e.g. with
   * `prometheusDatasource(prometheus.url)` or `buildDatasources`).
   * @default [] (none)
   */
  datasources?: pulumi.Input<DatasourceDef[]>;
  /**
   * A secured Elasticsearch behind the Elasticsearch datasource (built with `elasticsearchAuth`): its
   * user's password Secret and the CA Secret (the Elasticsearch component's `clients.grafana`), which
   * reach Grafana as an environment variable and a mounted file. @default none
   */
  elasticsearchAuth?: ElasticsearchClientAuth;
  /**
   * SMTP for Grafana's e-mail contact points; unset = e-mail off. The password (a secret Output) is
   * stored in a Kubernetes Secret and read by reference.
   */
  smtp?: { host: string; from: string; user?: string; password?: pulumi.Input<string>; requireTls: boolean };
  /** The public URL Grafana is served at (root_url, for links in notifications); unset = its Service URL. */
  rootUrl?: string;
  /**
   * Dashboards provisioned from files, one ConfigMap per folder. Grafana rescans them every 30 s, so
   * a change is live after the next `up` without a restart.
   * @default allDashboards()
   */
  dashboards?: DashboardSpec[];
  /** Folders the dashboards go in, by key. @default FOLDERS */
  folders?: Folders;
  /**
   * Grafana alerting provisioned from a file: message template, mute timing, and the contact points
   * and notification policy tree of the enabled receivers. Unset = none.
   */
  /**
   * Where the datasources are: Grafana's egress besides DNS and the receivers.
   * @default the stack's Prometheus, Loki, Elasticsearch and Jaeger pods in its namespace, on their ports
   */
  datasourceEgress?: EgressRule[];
  /** Ports of the alert receivers its contact points notify (to `network.receiverCidrs`). @default none */
  receiverPorts?: pulumi.Input<number[]>;
  alerting?: AlertingProvisioningArgs & {
    /** Secret config values as secret Outputs; only those the enabled receivers reference are read. */
    secrets: Partial<Record<SecretKey, pulumi.Input<string>>>;
  };
}

export const GRAFANA_PORT_NAME = "http";
/** Where the admin Secret is mounted: Grafana reads the password from the file (GF_SECURITY_ADMIN_PASSWORD__FILE). */
export const ADMIN_SECRET_DIR = "/etc/grafana-admin";

/** Grafana's egress to the stack's datasources: their pods, on their ports. */
export const STACK_DATASOURCE_EGRESS: EgressRule[] = [
  { to: [podsOf(APPS.prometheus)], ports: [PORTS.prometheus] },
  { to: [podsOf(APPS.loki)], ports: [PORTS.lokiHttp] },
  { to: [podsOf(APPS.elasticsearch)], ports: [PORTS.elasticsearchHttp] },
  { to: [podsOf(APPS.jaeger)], ports: [PORTS.jaegerQuery] },
];
/** On each dashboards ConfigMap: the uid of the Grafana folder its dashboards are provisioned into. */
export const DASHBOARD_FOLDER_ANNOTATION = "observability-stack/grafana-folder-uid";
const ADMIN_USER = "admin";

/**
 * Grafana as a Deployment with a persistent volume. The admin password is generated, kept in a
 * Kubernetes Secret and exposed only as a secret output; anonymous access, sign-up and phone-home
 * are off. Datasources, folders, dashboards and alerting are provisioned from mounted files, so
 * nothing has to reach Grafana's API from where `pulumi up` runs; contact-point credentials reach the
 * alerting file as environment variables from a Secret, never through a ConfigMap.
 */
export class Grafana extends pulumi.ComponentResource {
  /** The persistent claim of its data volume (none without persistence). */
  public readonly claims: k8s.core.v1.PersistentVolumeClaim[] = [];
  /** In-cluster URL of Grafana. */
  public readonly url: pulumi.Output<string>;
  public readonly adminUser: pulumi.Output<string>;
  /** The generated admin password (secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /** The Deployment: resources that talk to Grafana's API wait for it. */
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly workload: Workload;
  /** Its Service and the port Prometheus scrapes (/metrics). */
  public readonly scrapeService: { service: string; portName: string };

  /**
   * @param name Also the name of its Kubernetes objects: the Deployment and Service, and `<name>-admin`,
   *   `<name>-data`, `<name>-datasources`, `<name>-dashboard-providers`, `<name>-dashboards-<folder>`,
   *   `<name>-alerting`, `<name>-contact-points`, `<name>-smtp`.
   */
  constructor(name: string, args: GrafanaArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Grafana", name, {}, opts);
    const ctx = resolveContext(args);
    const s = resolveSettings(GRAFANA_DEFAULTS, args.settings, args);
    const w: Workload = { name: APPS.grafana, instance: name, component: "visualization", version: appVersion("grafana") };
    this.workload = w;
    const ns = ctx.namespace;

    const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
    const adminSecret = new k8s.core.v1.Secret(
      `${name}-admin`,
      {
        metadata: meta(ctx, w, `${name}-admin`),
        type: "Opaque",
        stringData: { "admin-user": ADMIN_USER, "admin-password": password.result },
      },
      { parent: this },
    );

    const provisioning = pulumi.output(args.datasources ?? []).apply((defs) => stringify(datasourceProvisioningFile(defs)));
    const datasources = new k8s.core.v1.ConfigMap(
      `${name}-datasources`,
      { metadata: meta(ctx, w, `${name}-datasources`), data: { "datasources.yaml": provisioning } },
      { parent: this },
    );

    const volumes: k8s.types.input.core.v1.Volume[] = [
      { name: "datasources", configMap: { name: datasources.metadata.name } },
      { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
    ];
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [
      { name: "datasources", mountPath: `${PROVISIONING_DIR}/datasources`, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ];
    // Read at start-up only: a change of these restarts Grafana (checksum annotations below).
    const startupChecksums: Record<string, pulumi.Input<string>> = { "checksum/datasources": provisioning.apply(checksum), ...caGenerationAnnotations(args.elasticsearchAuth) };
    const esEnv: k8s.types.input.core.v1.EnvVar[] = [];
    if (args.elasticsearchAuth) {
      const auth = resolveClientAuth(args.elasticsearchAuth, ctx, name, this);
      volumes.push(caVolume("elasticsearch-ca", auth.caSecretName));
      mounts.push({ name: "elasticsearch-ca", mountPath: ELASTICSEARCH_DATASOURCE_CA_DIR, readOnly: true });
      esEnv.push(passwordEnvVar(ELASTICSEARCH_DATASOURCE_PASSWORD_ENV, auth.passwordSecretName));
    }

    // Dashboards: the providers file, and the dashboard JSON of each folder in a ConfigMap of its own.
    const folders = args.folders ?? FOLDERS;
    const providersYaml = stringify(dashboardProviders(folders));
    const providers = new k8s.core.v1.ConfigMap(
      `${name}-dashboard-providers`,
      { metadata: meta(ctx, w, `${name}-dashboard-providers`), data: { "dashboards.yaml": providersYaml } },
      { parent: this },
    );
    volumes.push({ name: "dashboard-providers", configMap: { name: providers.metadata.name } });
    mounts.push({ name: "dashboard-providers", mountPath: `${PROVISIONING_DIR}/dashboards`, readOnly: true });
    startupChecksums["checksum/dashboard-providers"] = checksum(providersYaml);
    const files = dashboardFiles(args.dashboards ?? allDashboards(), folders);
    for (const [key, data] of Object.entries(files)) {
      const folder = folders[key as keyof Folders];
      const cm = new k8s.core.v1.ConfigMap(
        `${name}-dashboards-${key}`,
        {
          metadata: {
            ...meta(ctx, w, `${name}-dashboards-${key}`),
            // What the policy pack reads to check dashboards wherever they live.
            annotations: { [DASHBOARD_FOLDER_ANNOTATION]: folder.uid },
          },
          data,
        },
        { parent: this },
      );
      volumes.push({ name: `dashboards-${key}`, configMap: { name: cm.metadata.name } });
      mounts.push({ name: `dashboards-${key}`, mountPath: dashboardFolderPath(key), readOnly: true });
    }

    // Alerting: the file in a ConfigMap, its credentials from a Secret as environment variables.
    const credentialEnv: k8s.types.input.core.v1.EnvVar[] = [];
    if (args.alerting) {
      const { file, credentials } = alertingProvisioning(args.alerting);
      const alertingYaml = stringify(file);
      const alertingCm = new k8s.core.v1.ConfigMap(
        `${name}-alerting`,
        { metadata: meta(ctx, w, `${name}-alerting`), data: { "alerting.yaml": alertingYaml } },
        { parent: this },
      );
      volumes.push({ name: "alerting", configMap: { name: alertingCm.metadata.name } });
      mounts.push({ name: "alerting", mountPath: `${PROVISIONING_DIR}/alerting`, readOnly: true });
      startupChecksums["checksum/alerting"] = checksum(alertingYaml);
      const envNames = Object.keys(credentials).sort();
      if (envNames.length) {
        const secrets = args.alerting.secrets;
        const stringData: Record<string, pulumi.Output<string>> = {};
        for (const env of envNames) {
          const value = secrets[credentials[env]];
          if (value === undefined) throw new Error(`Grafana: the alerting contact points need the secret ${credentials[env]}, which is not set`);
          stringData[env] = pulumi.secret(value);
        }
        const credentialSecret = new k8s.core.v1.Secret(
          `${name}-contact-points`,
          { metadata: meta(ctx, w, `${name}-contact-points`), type: "Opaque", stringData },
          { parent: this },
        );
        for (const env of envNames) credentialEnv.push({ name: env, valueFrom: { secretKeyRef: { name: credentialSecret.metadata.name, key: env } } });
        // A rotated credential restarts Grafana, which reads it at start-up. The annotation is an
        // HMAC keyed with the generated admin password: it changes with any credential but cannot be
        // brute-forced back to one, so it may be stored in plain text.
        startupChecksums["checksum/contact-point-credentials"] = pulumi.unsecret(
          pulumi.all([password.result, ...envNames.map((e) => stringData[e])]).apply(([key, ...values]) => createHmac("sha256", key).update(values.join("\n")).digest("hex")),
        );
      }
    }
    if (ctx.persistence.enabled) {
      const claim = new k8s.core.v1.PersistentVolumeClaim(
        `${name}-data`,
        {
          metadata: meta(ctx, w, `${name}-data`),
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(ctx.storageClassName ? { storageClassName: ctx.storageClassName } : {}),
            resources: { requests: { storage: `${s.storageGi}Gi` } },
          },
        },
        // Kept when Pulumi deletes it (persistence turned off, a destroy that keeps the data), like
        // the StatefulSets' claims; protected where the stack protects its data.
        dataOptions(ctx, this, { retainOnDelete: true }),
      );
      this.claims.push(claim);
      volumes.push({ name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } });
    } else {
      volumes.push({ name: "data", emptyDir: { sizeLimit: `${s.storageGi}Gi` } });
    }

    const smtpEnv: k8s.types.input.core.v1.EnvVar[] = [];
    if (args.smtp) {
      const smtp = args.smtp;
      smtpEnv.push(
        { name: "GF_SMTP_ENABLED", value: "true" },
        { name: "GF_SMTP_HOST", value: smtp.host },
        { name: "GF_SMTP_FROM_ADDRESS", value: smtp.from },
        { name: "GF_SMTP_STARTTLS_POLICY", value: smtp.requireTls ? "MandatoryStartTLS" : "OpportunisticStartTLS" },
      );
      if (smtp.user) smtpEnv.push({ name: "GF_SMTP_USER", value: smtp.user });
      if (smtp.password !== undefined) {
        const smtpSecret = new k8s.core.v1.Secret(
          `${name}-smtp`,
          { metadata: meta(ctx, w, `${name}-smtp`), type: "Opaque", stringData: { password: pulumi.secret(smtp.password) } },
          { parent: this },
        );
        smtpEnv.push({ name: "GF_SMTP_PASSWORD", valueFrom: { secretKeyRef: { name: smtpSecret.metadata.name, key: "password" } } });
      }
    }
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: meta(ctx, w, name),
        spec: {
          replicas: 1,
          // One writer of the SQLite database on a ReadWriteOnce volume: never two pods at once.
          strategy: { type: "Recreate" },
          selector: { matchLabels: selector(w) },
          template: {
            metadata: {
              labels: labels(ctx, w),
              // Provisioning is read at start-up: a datasource change restarts Grafana.
              annotations: startupChecksums,
            },
            spec: withEphemeralStorage({
              automountServiceAccountToken: false,
              securityContext: podSecurity(472),
              containers: [
                {
                  name: "grafana",
                  image: image("grafana"),
                  ports: [{ name: GRAFANA_PORT_NAME, containerPort: PORTS.grafana }],
                  env: [
                    // From the mounted Secret's files, never the environment (which a process
                    // listing, a crash dump or a child process would show).
                    { name: "GF_SECURITY_ADMIN_USER__FILE", value: `${ADMIN_SECRET_DIR}/admin-user` },
                    { name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: `${ADMIN_SECRET_DIR}/admin-password` },
                    { name: "GF_AUTH_ANONYMOUS_ENABLED", value: "false" },
                    { name: "GF_USERS_ALLOW_SIGN_UP", value: "false" },
                    { name: "GF_ANALYTICS_REPORTING_ENABLED", value: "false" },
                    { name: "GF_ANALYTICS_CHECK_FOR_UPDATES", value: "false" },
                    { name: "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", value: "false" },
                    { name: "GF_SERVER_HTTP_PORT", value: String(PORTS.grafana) },
                    { name: "GF_PATHS_DATA", value: "/var/lib/grafana" },
                    { name: "GF_PATHS_PROVISIONING", value: PROVISIONING_DIR },
                    { name: "GF_LOG_MODE", value: "console" },
                    { name: "GF_METRICS_ENABLED", value: "true" },
                    ...(args.rootUrl ? [{ name: "GF_SERVER_ROOT_URL", value: args.rootUrl }] : []),
                    ...smtpEnv,
                    ...credentialEnv,
                    ...esEnv,
                  ],
                  // Ready = /api/health (its database answers); alive = it accepts connections, so a
                  // slow database makes it unready, never restarts it.
                  readinessProbe: httpProbe("/api/health", GRAFANA_PORT_NAME, { initialDelaySeconds: 5 }),
                  livenessProbe: tcpProbe(GRAFANA_PORT_NAME, { initialDelaySeconds: 30 }),
                  resources: resources(s.resources),
                  securityContext: containerSecurity(),
                  volumeMounts: [
                    { name: "data", mountPath: "/var/lib/grafana" },
                    { name: "admin", mountPath: ADMIN_SECRET_DIR, readOnly: true },
                    ...mounts,
                  ],
                },
              ],
              // Readable by Grafana's group (fsGroup) only.
              volumes: [{ name: "admin", secret: { secretName: adminSecret.metadata.name, defaultMode: 0o440 } }, ...volumes],
            }),
          },
        },
      },
      { parent: this },
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(ctx, w, name),
        spec: { selector: selector(w), ports: [{ name: GRAFANA_PORT_NAME, port: PORTS.grafana, targetPort: GRAFANA_PORT_NAME }] },
      },
      { parent: this },
    );

    // The UI is for people: reachable from any namespace (ingress controllers), scraped by Prometheus.
    // Its egress: the datasources, and the receivers of its contact points.
    networkPolicy(
      ctx,
      w,
      [{ from: "cluster", ports: [PORTS.grafana] }, { from: [podsOf(APPS.prometheus)], ports: [PORTS.grafana] }],
      this,
      name,
      undefined,
      pulumi.output(args.receiverPorts ?? []).apply((ports): EgressRule[] => [
        ...(args.datasourceEgress ?? STACK_DATASOURCE_EGRESS),
        ...(ports.length ? [{ to: { cidrs: networkOf(ctx).receiverCidrs }, ports: [...new Set(ports)].sort((a, b) => a - b) }] : []),
      ]),
    );

    // From the Service's own name: whatever uses the URL waits for the Service.
    this.url = service.metadata.name.apply((svc) => serviceUrl(svc, ns, PORTS.grafana));
    this.scrapeService = { service: name, portName: GRAFANA_PORT_NAME };
    this.adminUser = pulumi.output(ADMIN_USER);
    this.adminPassword = pulumi.secret(password.result);
    this.registerOutputs({ url: this.url, adminUser: this.adminUser, adminPassword: this.adminPassword });
  }
}

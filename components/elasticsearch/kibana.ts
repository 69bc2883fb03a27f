import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Resources } from "../config/shared";
import { PlacementArgs, Workload, containerSecurity, httpProbe, labels, meta, networkPolicy, podSecurity, resolveContext, resources, selector, withEphemeralStorage } from "../common";
import { APPS, PORTS, podsOf, serviceUrl } from "../endpoints";
import { appVersion, image } from "../versions";
import { formerParentOptions } from "./children";
import { CA_CERT_KEY, KIBANA_SYSTEM_USER, caGenerationAnnotations, caVolume, passwordEnvVar, resolveClientAuth } from "./security";

const CA_DIR = "/usr/share/kibana/config/elasticsearch-ca";

export const KIBANA_PORT_NAME = "http";

export interface KibanaArgs extends PlacementArgs {
  /** URL of the Elasticsearch HTTP API (the Elasticsearch component's `url`). */
  elasticsearchUrl: pulumi.Input<string>;
  /** Requests and limits of the Kibana container. @default 100m/512Mi requested, 500m/1Gi limit */
  resources?: Resources;
  /** Name of its Deployment and Service (and its server.name). @default the component's name */
  objectName?: string;
  /**
   * A secured Elasticsearch: the Secret of kibana_system's password and the CA Secret. Kibana then
   * asks everyone for a login (users an operator creates; the elastic user's Secret is the
   * break-glass). @default none: plain HTTP, no login
   */
  auth?: { passwordSecretName: pulumi.Input<string>; caSecretName: pulumi.Input<string>; caGeneration?: string };
}

/**
 * Kibana for an Elasticsearch cluster: a Deployment and its Service, reachable from any namespace (it
 * is a UI). With a secured Elasticsearch it connects as kibana_system over TLS and requires a login.
 */
export class Kibana extends pulumi.ComponentResource {
  /** In-cluster URL of Kibana, from its Service. */
  public readonly url: pulumi.Output<string>;
  public readonly workload: Workload;

  constructor(name: string, args: KibanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:Kibana", name, {}, opts);
    const ctx = resolveContext(args);
    const child = formerParentOptions(this, opts);
    const objectName = args.objectName ?? name;
    const w: Workload = { name: APPS.kibana, instance: name, component: "logs", version: appVersion("kibana") };
    this.workload = w;
    const auth = args.auth ? resolveClientAuth({ username: KIBANA_SYSTEM_USER, ...args.auth }, ctx, name, this) : undefined;
    // Without a login /api/status answers 401 to the kubelet: the login page says Kibana is up.
    const statusPath = auth ? "/login" : "/api/status";
    new k8s.apps.v1.Deployment(
      name,
      {
        metadata: meta(ctx, w, objectName),
        spec: {
          replicas: 1,
          selector: { matchLabels: selector(w) },
          template: {
            metadata: { labels: labels(ctx, w), annotations: caGenerationAnnotations(args.auth ? { username: KIBANA_SYSTEM_USER, ...args.auth } : undefined) },
            spec: withEphemeralStorage({
              automountServiceAccountToken: false,
              securityContext: podSecurity(1000),
              containers: [
                {
                  name: "kibana",
                  image: image("kibana"),
                  env: [
                    { name: "ELASTICSEARCH_HOSTS", value: pulumi.output(args.elasticsearchUrl).apply((u) => JSON.stringify([u])) },
                    { name: "SERVER_HOST", value: "0.0.0.0" },
                    { name: "SERVER_PORT", value: String(PORTS.kibana) },
                    { name: "SERVER_NAME", value: objectName },
                    { name: "TELEMETRY_OPTIN", value: "false" },
                    { name: "TELEMETRY_ALLOWCHANGINGOPTINSTATUS", value: "false" },
                    ...(auth
                      ? [
                          { name: "ELASTICSEARCH_USERNAME", value: auth.username },
                          passwordEnvVar("ELASTICSEARCH_PASSWORD", auth.passwordSecretName),
                          { name: "ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES", value: `${CA_DIR}/${CA_CERT_KEY}` },
                          { name: "ELASTICSEARCH_SSL_VERIFICATIONMODE", value: "full" },
                        ]
                      : []),
                  ],
                  ports: [{ name: KIBANA_PORT_NAME, containerPort: PORTS.kibana }],
                  readinessProbe: httpProbe(statusPath, KIBANA_PORT_NAME, { initialDelaySeconds: 10, failureThreshold: 3 }),
                  startupProbe: { ...httpProbe(statusPath, KIBANA_PORT_NAME, { initialDelaySeconds: 10 }), failureThreshold: 60 },
                  // /api/status turns 503 while Elasticsearch is down; that must not restart Kibana.
                  livenessProbe: { tcpSocket: { port: KIBANA_PORT_NAME }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                  resources: resources(args.resources ?? { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "1Gi" } }),
                  // Read-only root: Kibana writes its uuid to data/, touches plugins/ at start
                  // (the volumes Elastic's own operator gives it), logs/ and /tmp.
                  securityContext: containerSecurity({ runAsUser: 1000 }),
                  volumeMounts: [
                    { name: "data", mountPath: "/usr/share/kibana/data" },
                    { name: "plugins", mountPath: "/usr/share/kibana/plugins" },
                    { name: "logs", mountPath: "/usr/share/kibana/logs" },
                    { name: "tmp", mountPath: "/tmp" },
                    ...(auth ? [{ name: "elasticsearch-ca", mountPath: CA_DIR, readOnly: true }] : []),
                  ],
                },
              ],
              volumes: [
                { name: "data", emptyDir: { sizeLimit: "1Gi" } },
                { name: "plugins", emptyDir: { sizeLimit: "64Mi" } },
                { name: "logs", emptyDir: { sizeLimit: "256Mi" } },
                { name: "tmp", emptyDir: { sizeLimit: "512Mi" } },
                ...(auth ? [caVolume("elasticsearch-ca", auth.caSecretName)] : []),
              ],
            }),
          },
        },
      },
      child,
    );
    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: meta(ctx, w, objectName),
        spec: { selector: selector(w), ports: [{ name: KIBANA_PORT_NAME, port: PORTS.kibana, targetPort: KIBANA_PORT_NAME }] },
      },
      child,
    );
    // Kibana is a UI for people, like Grafana: reachable from any namespace (ingress controllers).
    networkPolicy(ctx, w, [{ from: "cluster", ports: [PORTS.kibana] }], this, name, child.aliases, [{ to: [podsOf(APPS.elasticsearch)], ports: [PORTS.elasticsearchHttp] }]);
    this.url = service.metadata.name.apply((svc) => serviceUrl(svc, ctx.namespace, PORTS.kibana));
    this.registerOutputs({ url: this.url });
  }
}

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { PlacementArgs, Workload, containerSecurity, httpProbe, labels, meta, networkPolicy, podSecurity, resolveContext, selector, tcpProbe, withEphemeralStorage } from "../common";
import { APPS, PORTS, podsOf } from "../endpoints";
import { appVersion, image } from "../versions";
import { formerParentOptions } from "./children";
import { CA_CERT_KEY, caGenerationAnnotations, caVolume, passwordEnvVar, resolveClientAuth, type ElasticsearchClientAuth } from "./security";

const CA_DIR = "/etc/elasticsearch-ca";

/** The exporter's Service port, which Prometheus scrapes. */
export const ELASTICSEARCH_EXPORTER_PORT_NAME = "metrics";

export interface ElasticsearchExporterArgs extends PlacementArgs {
  /** URL of the Elasticsearch HTTP API to read (the Elasticsearch component's `url`). */
  url: pulumi.Input<string>;
  /** Its user, password Secret and CA Secret, for a secured Elasticsearch. @default none: plain HTTP, no credentials */
  auth?: ElasticsearchClientAuth;
}

/** The Prometheus exporter of an Elasticsearch cluster: a Deployment and its Service, reachable from Prometheus only. */
export class ElasticsearchExporter extends pulumi.ComponentResource {
  /** Its Service and the port Prometheus scrapes. */
  public readonly scrapeService: { service: string; portName: string };
  public readonly workload: Workload;

  /** @param name Also the name of its Deployment and Service. */
  constructor(name: string, args: ElasticsearchExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:ElasticsearchExporter", name, {}, opts);
    const ctx = resolveContext(args);
    const child = formerParentOptions(this, opts);
    const w: Workload = { name: APPS.elasticsearchExporter, instance: name, component: "logs", version: appVersion("elasticsearchExporter") };
    this.workload = w;
    const auth = args.auth ? resolveClientAuth(args.auth, ctx, name, this) : undefined;
    new k8s.apps.v1.Deployment(
      name,
      {
        metadata: meta(ctx, w, name),
        spec: {
          replicas: 1,
          selector: { matchLabels: selector(w) },
          template: {
            metadata: { labels: labels(ctx, w), annotations: caGenerationAnnotations(args.auth) },
            spec: withEphemeralStorage({
              automountServiceAccountToken: false,
              securityContext: podSecurity(65534),
              containers: [
                {
                  name: "exporter",
                  image: image("elasticsearchExporter"),
                  // The URL carries no credentials: ES_USERNAME and ES_PASSWORD come from the environment.
                  args: [
                    pulumi.interpolate`--es.uri=${args.url}`,
                    ...(auth ? [`--es.ca=${CA_DIR}/${CA_CERT_KEY}`] : []),
                    "--es.all",
                    "--es.indices",
                    "--es.timeout=20s",
                    `--web.listen-address=:${PORTS.elasticsearchExporter}`,
                  ],
                  ...(auth
                    ? {
                        env: [{ name: "ES_USERNAME", value: auth.username }, passwordEnvVar("ES_PASSWORD", auth.passwordSecretName)],
                        volumeMounts: [{ name: "elasticsearch-ca", mountPath: CA_DIR, readOnly: true }],
                      }
                    : {}),
                  ports: [{ name: ELASTICSEARCH_EXPORTER_PORT_NAME, containerPort: PORTS.elasticsearchExporter }],
                  readinessProbe: httpProbe("/healthz", ELASTICSEARCH_EXPORTER_PORT_NAME, { initialDelaySeconds: 5 }),
                  // Alive = it accepts connections (readiness asks its HTTP handler).
                  livenessProbe: tcpProbe(ELASTICSEARCH_EXPORTER_PORT_NAME),
                  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                  securityContext: containerSecurity(),
                },
              ],
              ...(auth ? { volumes: [caVolume("elasticsearch-ca", auth.caSecretName)] } : {}),
            }),
          },
        },
      },
      child,
    );
    new k8s.core.v1.Service(
      name,
      {
        metadata: meta(ctx, w, name),
        spec: {
          selector: selector(w),
          ports: [{ name: ELASTICSEARCH_EXPORTER_PORT_NAME, port: PORTS.elasticsearchExporter, targetPort: ELASTICSEARCH_EXPORTER_PORT_NAME }],
        },
      },
      child,
    );
    networkPolicy(ctx, w, [{ from: [podsOf(APPS.prometheus)], ports: [PORTS.elasticsearchExporter] }], this, name, child.aliases, [
      { to: [podsOf(APPS.elasticsearch)], ports: [PORTS.elasticsearchHttp] },
    ]);
    this.scrapeService = { service: name, portName: ELASTICSEARCH_EXPORTER_PORT_NAME };
    this.registerOutputs({});
  }
}

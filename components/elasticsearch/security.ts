/**
 * Elasticsearch security (`elasticsearch.security.enabled`): TLS on HTTP and transport from a CA
 * generated in the cluster, generated passwords of the built-in users and of one user per client of
 * the stack, least-privilege roles, and what a client needs to connect (its username, the Secret of
 * its password, the Secret of the CA certificate).
 *
 * Pure builders (roles, users, the certificate Job's script) and the ElasticsearchSecurity component
 * that creates the Secrets and the certificate Job.
 */
import { createHmac } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { PlacementArgs, Workload, apiServerEgress, checksum, containerSecurity, labels, meta, networkPolicy, podSecurity, resolveContext, withEphemeralStorage, type StackContext } from "../common";
import { APPS } from "../endpoints";
import { ES_INDEX_PREFIX } from "../jaeger/config-file";
import { image } from "../versions";

/** Key of a user's password in its Secret (type kubernetes.io/basic-auth: `username`, `password`). */
export const PASSWORD_KEY = "password";
export const USERNAME_KEY = "username";
/** Key of the CA certificate (bundle) in the CA Secret, the only key clients mount. */
export const CA_CERT_KEY = "ca.crt";
/** Keys of the node certificate Secret Elasticsearch mounts. */
export const NODE_CERT_KEY = "tls.crt";
export const NODE_KEY_KEY = "tls.key";
/** Annotation on the certificate Secrets: the `elasticsearch.security.certificateGeneration` they hold. */
export const CERTIFICATE_GENERATION_ANNOTATION = "observability-stack/certificate-generation";
/** Validity of the generated CA and node certificates, in days (rotate before: raise the generation). */
export const CERTIFICATE_DAYS = 1095;

/** Index pattern of Jaeger's trace indices (`traces-jaeger-span-2024-01-01`, ...). */
export const JAEGER_INDEX_PATTERN = `${ES_INDEX_PREFIX}-jaeger-*`;

/** The stack's clients of Elasticsearch: each its own user and role. */
export const ELASTICSEARCH_CLIENTS = {
  fluentBit: { username: "fluent-bit", role: "log-writer" },
  jaeger: { username: "jaeger", role: "jaeger-writer" },
  jaegerIndexCleaner: { username: "jaeger-index-cleaner", role: "jaeger-index-cleaner" },
  grafana: { username: "grafana", role: "log-and-trace-reader" },
  exporter: { username: "elasticsearch-exporter", role: "cluster-monitor" },
} as const;
export type ElasticsearchClient = keyof typeof ELASTICSEARCH_CLIENTS;
export const ELASTICSEARCH_CLIENT_NAMES = Object.keys(ELASTICSEARCH_CLIENTS) as ElasticsearchClient[];

/** The built-in users whose passwords the stack sets: elastic (break-glass superuser) and Kibana's. */
export const ELASTIC_USER = "elastic";
export const KIBANA_SYSTEM_USER = "kibana_system";

/** A role body (`PUT _security/role/<name>`). */
export interface RoleBody {
  cluster: string[];
  indices: { names: string[]; privileges: string[] }[];
}

/**
 * The least-privilege roles of the stack's clients (Elasticsearch 8 privilege names):
 *  - log-writer (Fluent Bit): create_doc (the bulk API's `create`, Fluent Bit's write operation) and
 *    auto_configure (mapping updates for new fields) on the log indices. No create_index: the
 *    bootstrap creates every write index, and `action.auto_create_index` refuses logs-* anyway.
 *  - jaeger-writer (Jaeger): its own trace indices only: create its daily indices, index and read
 *    spans, read their metadata; its index templates (manage_index_templates); cluster monitor for
 *    the version and health checks of its client.
 *  - jaeger-index-cleaner: list and delete the trace indices, nothing else.
 *  - log-and-trace-reader (Grafana): read and view_index_metadata on logs and traces; cluster
 *    monitor for the datasource's version check.
 *  - cluster-monitor (the exporter): cluster monitor and indices monitor (stats), no document access.
 */
export function securityRoles(logPattern: string): Record<string, RoleBody> {
  return {
    "log-writer": { cluster: [], indices: [{ names: [logPattern], privileges: ["create_doc", "auto_configure"] }] },
    "jaeger-writer": {
      cluster: ["monitor", "manage_index_templates"],
      indices: [{ names: [JAEGER_INDEX_PATTERN], privileges: ["create_index", "index", "read", "view_index_metadata"] }],
    },
    "jaeger-index-cleaner": { cluster: [], indices: [{ names: [JAEGER_INDEX_PATTERN], privileges: ["view_index_metadata", "delete_index"] }] },
    "log-and-trace-reader": { cluster: ["monitor"], indices: [{ names: [logPattern, JAEGER_INDEX_PATTERN], privileges: ["read", "view_index_metadata"] }] },
    "cluster-monitor": { cluster: ["monitor"], indices: [{ names: ["*"], privileges: ["monitor"] }] },
  };
}

/** ConfigMap key of a role's body. */
export const roleKey = (role: string) => `role-${role}.json`;

/** Environment variable that carries a user's password into the bootstrap Job (from its Secret). */
export function passwordEnv(username: string): string {
  return `PASSWORD_${username.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`;
}

/** Secret names of the certificates: the node certificates (Elasticsearch only) and the CA alone (clients). */
export function certificateSecretNames(elasticsearch: string): { certs: string; ca: string } {
  return { certs: `${elasticsearch}-certs`, ca: `${elasticsearch}-ca` };
}

/** Name of the Secret of one user's credentials. */
export function userSecretName(elasticsearch: string, username: string): string {
  return `${elasticsearch}-user-${username.replace(/_/g, "-")}`;
}

/**
 * DNS names the node certificate is valid for: every pod of the StatefulSet under its governing
 * (headless) Service, a wildcard under it (so a scaled-up pod needs no new certificate), both
 * Services in their short, namespaced and cluster-local forms, and localhost (the probes).
 */
export function nodeDnsNames(opts: { statefulSet: string; service: string; headlessService: string; namespace: string; replicas: number }): string[] {
  const forms = (svc: string) => [svc, `${svc}.${opts.namespace}`, `${svc}.${opts.namespace}.svc`, `${svc}.${opts.namespace}.svc.cluster.local`];
  const pods = Array.from({ length: opts.replicas }, (_, i) => `${opts.statefulSet}-${i}`);
  return [
    ...pods.flatMap((p) => [`${p}.${opts.headlessService}`, `${p}.${opts.headlessService}.${opts.namespace}.svc`, `${p}.${opts.headlessService}.${opts.namespace}.svc.cluster.local`]),
    `*.${opts.headlessService}.${opts.namespace}.svc.cluster.local`,
    ...forms(opts.service),
    ...forms(opts.headlessService),
    "localhost",
  ];
}

/**
 * The certificate Job's script (bash, curl, unzip and elasticsearch-certutil from the Elasticsearch
 * image). Idempotent: when the node certificate Secret already holds this generation it changes
 * nothing. Otherwise it generates a new CA and a node certificate signed by it (PEM), and writes
 * (creates or replaces) two Secrets through the Kubernetes API: the CA Secret (`ca.crt` only: the new
 * CA, followed by the CA it replaces, so clients trust both while the nodes reload), then the node
 * Secret (`ca.crt`, `tls.crt`, `tls.key`), annotated with the generation last, so an interrupted
 * run is redone. The CA key is never stored: it exists only in this pod's memory-backed /tmp, and
 * no one can sign another certificate with it.
 */
export function certificateScript(): string {
  return `#!/usr/bin/env bash
# Generates the CA and the node certificates of Elasticsearch and stores them in Secrets.
set -euo pipefail
: "\${NAMESPACE:?NAMESPACE must be set}"
: "\${NODE_CERTS_NAME:?NODE_CERTS_NAME must be set}"
: "\${CA_CERTS_NAME:?CA_CERTS_NAME must be set}"
: "\${GENERATION:?GENERATION must be set}"
: "\${DNS_NAMES:?DNS_NAMES must be set}"
SA=/var/run/secrets/kubernetes.io/serviceaccount
KUBE_API=\${KUBE_API:-https://kubernetes.default.svc}
KUBE_CA_FILE=\${KUBE_CA_FILE:-$SA/ca.crt}
KUBE_TOKEN_FILE=\${KUBE_TOKEN_FILE:-$SA/token}
CERTUTIL=\${CERTUTIL:-/usr/share/elasticsearch/bin/elasticsearch-certutil}
DAYS=\${DAYS:-${CERTIFICATE_DAYS}}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The token goes to curl in a header file, never on a command line.
printf 'Authorization: Bearer %s\\n' "$(cat "$KUBE_TOKEN_FILE")" >"$WORK/auth"

# kube METHOD PATH [BODY_FILE]: sets CODE, leaves the response in $WORK/resp.
kube() {
  local args=(-sS -o "$WORK/resp" -w '%{http_code}' -X "$1" --cacert "$KUBE_CA_FILE" -H "@$WORK/auth")
  if [ -n "\${3:-}" ]; then args+=(-H 'Content-Type: application/json' --data-binary "@$3"); fi
  CODE=$(curl "\${args[@]}" "$KUBE_API$2") || CODE=000
}

# The base64 value of a data key in the Secret JSON in $WORK/resp (empty if absent).
data_of() {
  tr -d '\\n' <"$WORK/resp" | grep -o "\\"$1\\": *\\"[^\\"]*\\"" | head -n 1 | sed 's/.*: *"\\(.*\\)"/\\1/' || true
}

# put_secret NAME BODY_FILE: creates the Secret, or replaces it when it exists.
put_secret() {
  kube GET "/api/v1/namespaces/$NAMESPACE/secrets/$1"
  case "$CODE" in
    200) kube PUT "/api/v1/namespaces/$NAMESPACE/secrets/$1" "$2" ;;
    404) kube POST "/api/v1/namespaces/$NAMESPACE/secrets" "$2" ;;
    *) echo "GET secret $1: HTTP $CODE: $(cat "$WORK/resp")" >&2; exit 1 ;;
  esac
  case "$CODE" in
    200 | 201) echo "secret $1 written (generation $GENERATION)" ;;
    *) echo "writing secret $1: HTTP $CODE: $(cat "$WORK/resp")" >&2; exit 1 ;;
  esac
}

kube GET "/api/v1/namespaces/$NAMESPACE/secrets/$NODE_CERTS_NAME"
if [ "$CODE" = 200 ]; then
  current=$(tr -d '\\n' <"$WORK/resp" | grep -o '"${CERTIFICATE_GENERATION_ANNOTATION}": *"[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"' || true)
  if [ "$current" = "$GENERATION" ]; then
    echo "secret $NODE_CERTS_NAME holds generation $GENERATION already; nothing to do"
    exit 0
  fi
  echo "secret $NODE_CERTS_NAME holds generation \${current:-none}; rotating to $GENERATION"
elif [ "$CODE" != 404 ]; then
  echo "GET secret $NODE_CERTS_NAME: HTTP $CODE: $(cat "$WORK/resp")" >&2
  exit 1
fi

# The CA being replaced (the first certificate of the current bundle) stays trusted for one generation.
: >"$WORK/previous-ca.crt"
kube GET "/api/v1/namespaces/$NAMESPACE/secrets/$CA_CERTS_NAME"
if [ "$CODE" = 200 ]; then
  data_of '${CA_CERT_KEY}' | base64 -d | awk '{ print } /-----END CERTIFICATE-----/ { exit }' >"$WORK/previous-ca.crt"
fi

cd "$WORK"
"$CERTUTIL" ca --silent --pem --days "$DAYS" --out "$WORK/ca.zip"
unzip -q "$WORK/ca.zip" -d "$WORK"
"$CERTUTIL" cert --silent --pem --days "$DAYS" --ca-cert "$WORK/ca/ca.crt" --ca-key "$WORK/ca/ca.key" \\
  --name node --dns "$DNS_NAMES" --ip 127.0.0.1 --out "$WORK/node.zip"
unzip -q "$WORK/node.zip" -d "$WORK"
cat "$WORK/ca/ca.crt" "$WORK/previous-ca.crt" >"$WORK/bundle.crt"

b64() { base64 -w0 <"$1"; }
secret_json() { # NAME DATA_JSON
  printf '{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"%s","namespace":"%s","labels":{"app.kubernetes.io/name":"${APPS.elasticsearch}","app.kubernetes.io/managed-by":"%s"},"annotations":{"${CERTIFICATE_GENERATION_ANNOTATION}":"%s"}},"data":{%s}}' \\
    "$1" "$NAMESPACE" "\${MANAGED_BY:-elasticsearch-certificates}" "$GENERATION" "$2"
}
secret_json "$CA_CERTS_NAME" "\\"${CA_CERT_KEY}\\":\\"$(b64 "$WORK/bundle.crt")\\"" >"$WORK/ca-secret.json"
secret_json "$NODE_CERTS_NAME" "\\"${CA_CERT_KEY}\\":\\"$(b64 "$WORK/bundle.crt")\\",\\"${NODE_CERT_KEY}\\":\\"$(b64 "$WORK/node/node.crt")\\",\\"${NODE_KEY_KEY}\\":\\"$(b64 "$WORK/node/node.key")\\"" >"$WORK/certs-secret.json"
put_secret "$CA_CERTS_NAME" "$WORK/ca-secret.json"
put_secret "$NODE_CERTS_NAME" "$WORK/certs-secret.json"
echo "certificates of generation $GENERATION in place"
`;
}

/** What a client needs to reach a secured Elasticsearch. */
export interface ElasticsearchClientAuth {
  /** Its Elasticsearch user. */
  username: string;
  /**
   * Secret holding its password under key `password`. An Output (a Secret of this program) orders the
   * client after it; a plain name is an existing Secret, read at preview (a missing one fails there).
   */
  passwordSecretName: pulumi.Input<string>;
  /** Secret holding the CA certificate under key `ca.crt` (nothing else of it is mounted). Same rules. */
  caSecretName: pulumi.Input<string>;
  /**
   * Changes when the CA does (`elasticsearch.security.certificateGeneration`): a pod-template
   * annotation of the client, so it restarts and reads the new CA. @default none
   */
  caGeneration?: string;
}

/** The pod-template annotation that restarts a client when the CA changes. */
export const CA_GENERATION_ANNOTATION = "observability-stack/elasticsearch-ca-generation";
export function caGenerationAnnotations(auth: ElasticsearchClientAuth | undefined): Record<string, string> {
  return auth?.caGeneration ? { [CA_GENERATION_ANNOTATION]: auth.caGeneration } : {};
}

/**
 * The Secret names a client uses, each as an Output: one of this program's own (an Output) is taken
 * as it is, which orders the client after it; a plain name is read with Secret.get, so a Secret that
 * does not exist fails the preview, naming it and the component, rather than leaving a pod that
 * never starts.
 */
export function resolveClientAuth(
  auth: ElasticsearchClientAuth,
  ctx: StackContext,
  owner: string,
  parent: pulumi.Resource,
): { username: string; passwordSecretName: pulumi.Output<string>; caSecretName: pulumi.Output<string> } {
  const existing = (what: string, name: pulumi.Input<string>): pulumi.Output<string> => {
    if (pulumi.Output.isInstance(name) || typeof name !== "string") return pulumi.output(name);
    const secret = k8s.core.v1.Secret.get(`${owner}-elasticsearch-${what}`, `${ctx.namespace}/${name}`, { parent });
    // The name asked for, known once the read succeeded: the pod waits for it.
    return secret.metadata.apply(() => name);
  };
  return { username: auth.username, passwordSecretName: existing("password", auth.passwordSecretName), caSecretName: existing("ca", auth.caSecretName) };
}

/** A volume with only the CA certificate of a CA Secret. */
export function caVolume(volume: string, caSecretName: pulumi.Input<string>): k8s.types.input.core.v1.Volume {
  return { name: volume, secret: { secretName: caSecretName, items: [{ key: CA_CERT_KEY, path: CA_CERT_KEY }] } };
}

/** An environment variable holding a user's password, from its Secret. */
export function passwordEnvVar(env: string, passwordSecretName: pulumi.Input<string>): k8s.types.input.core.v1.EnvVar {
  return { name: env, valueFrom: { secretKeyRef: { name: passwordSecretName, key: PASSWORD_KEY } } };
}

export interface ElasticsearchSecurityArgs extends PlacementArgs {
  /** The Elasticsearch workload secured: the Secrets and the Job carry its name. */
  elasticsearch: Workload;
  /** Its StatefulSet, Service and headless Service names, and its replicas: the certificate's names. */
  statefulSet: string;
  service: string;
  headlessService: string;
  replicas: number;
  /** `elasticsearch.security.certificateGeneration`: a new one rotates the CA and the certificates. */
  certificateGeneration: number;
}

/**
 * The Secrets and the certificate Job of a secured Elasticsearch:
 *  - one Secret per user (`<elasticsearch>-user-<username>`, kubernetes.io/basic-auth) with a
 *    generated password: elastic (the break-glass superuser and the bootstrap's), kibana_system and
 *    each client of ELASTICSEARCH_CLIENTS;
 *  - the certificate Job (`<elasticsearch>-certs-g<generation>-<checksum>`) with its own
 *    ServiceAccount and a Role that may read and replace only the two certificate Secrets
 *    (`<elasticsearch>-certs`, `<elasticsearch>-ca`) and create Secrets (Kubernetes cannot limit a
 *    create to a name: it is authorized before the name is known).
 * The certificate Secrets belong to the cluster, not to the program: the CA is never in the state.
 */
export class ElasticsearchSecurity extends pulumi.ComponentResource {
  /** Secret name of each user (an Output of the Secret: using it orders after the Secret). */
  public readonly userSecrets: Record<string, pulumi.Output<string>>;
  /** What each client of the stack needs. */
  public readonly clients: Record<ElasticsearchClient, ElasticsearchClientAuth>;
  /** The node certificate Secret and the CA Secret, each known once the certificate Job completed. */
  public readonly certsSecretName: pulumi.Output<string>;
  public readonly caSecretName: pulumi.Output<string>;
  /** The Job's name. */
  public readonly certificateJobName: string;
  /**
   * An HMAC of every user's password keyed with elastic's: changes with any password, cannot be
   * brute-forced back to one, so it may name a Job (the bootstrap re-runs when a password changes).
   */
  public readonly passwordsDigest: pulumi.Output<string>;

  constructor(name: string, args: ElasticsearchSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:ElasticsearchSecurity", name, {}, opts);
    const ctx = resolveContext(args);
    const es = args.elasticsearch.instance;
    const w = args.elasticsearch;

    this.userSecrets = {};
    const passwords: pulumi.Output<string>[] = [];
    for (const username of [ELASTIC_USER, KIBANA_SYSTEM_USER, ...ELASTICSEARCH_CLIENT_NAMES.map((c) => ELASTICSEARCH_CLIENTS[c].username)]) {
      const secretName = userSecretName(es, username);
      const password = new random.RandomPassword(`${secretName}-password`, { length: 32, special: false }, { parent: this });
      const secret = new k8s.core.v1.Secret(
        secretName,
        { metadata: meta(ctx, w, secretName), type: "kubernetes.io/basic-auth", stringData: { [USERNAME_KEY]: username, [PASSWORD_KEY]: password.result } },
        { parent: this },
      );
      this.userSecrets[username] = secret.metadata.name;
      passwords.push(password.result);
    }
    this.passwordsDigest = pulumi.unsecret(pulumi.all(passwords).apply(([key, ...rest]) => createHmac("sha256", key).update(rest.join("\n")).digest("hex")));

    // --- the certificate Job, its ServiceAccount and Role --------------------------------------
    const names = certificateSecretNames(es);
    const jobW: Workload = { name: APPS.elasticsearchCertificates, instance: `${es}-certificates`, component: "logs", version: w.version };
    const saName = `${es}-certificates`;
    const sa = new k8s.core.v1.ServiceAccount(saName, { metadata: meta(ctx, jobW, saName), automountServiceAccountToken: false }, { parent: this });
    const role = new k8s.rbac.v1.Role(
      saName,
      {
        metadata: meta(ctx, jobW, saName),
        rules: [
          { apiGroups: [""], resources: ["secrets"], resourceNames: [names.certs, names.ca], verbs: ["get", "update"] },
          // A create cannot be limited by name (RBAC authorizes it before the name is known).
          { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
        ],
      },
      { parent: this },
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      saName,
      {
        metadata: meta(ctx, jobW, saName),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ctx.namespace }],
      },
      { parent: this },
    );
    const script = certificateScript();
    const dnsNames = nodeDnsNames({ statefulSet: args.statefulSet, service: args.service, headlessService: args.headlessService, namespace: ctx.namespace, replicas: args.replicas });
    const env: Record<string, string> = {
      NAMESPACE: ctx.namespace,
      NODE_CERTS_NAME: names.certs,
      CA_CERTS_NAME: names.ca,
      GENERATION: String(args.certificateGeneration),
      DNS_NAMES: dnsNames.join(","),
      MANAGED_BY: saName,
      ES_JAVA_OPTS: "-Xms64m -Xmx192m",
      HOME: "/tmp",
    };
    // A Job's pod template is immutable and a finished Job never runs again: the name carries the
    // generation and a checksum of the script and its inputs, so a change runs a new Job.
    this.certificateJobName = `${es}-certs-g${args.certificateGeneration}-${checksum(JSON.stringify([script, env, image("elasticsearch")])).slice(0, 8)}`;
    const job = new k8s.batch.v1.Job(
      `${es}-certificates`,
      {
        metadata: meta(ctx, jobW, this.certificateJobName),
        spec: {
          backoffLimit: 6,
          activeDeadlineSeconds: 900,
          template: {
            metadata: { labels: labels(ctx, jobW) },
            spec: withEphemeralStorage({
              restartPolicy: "Never",
              serviceAccountName: sa.metadata.name,
              // The one pod of the stack's Elasticsearch that talks to the Kubernetes API.
              automountServiceAccountToken: true,
              securityContext: podSecurity(1000),
              containers: [
                {
                  name: "certificates",
                  image: image("elasticsearch"),
                  command: ["bash", "-c", script],
                  env: Object.entries(env).map(([k, value]) => ({ name: k, value })),
                  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                  securityContext: containerSecurity({ runAsUser: 1000 }),
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              // Memory-backed: the CA key never touches a disk.
              volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }],
            }),
          },
        },
      },
      { parent: this, dependsOn: [binding] },
    );
    // It talks to the API server only (it writes the two Secrets); nothing talks to it.
    networkPolicy(ctx, jobW, [], this, `${es}-certificates`, undefined, [apiServerEgress(ctx)]);
    // Known once the Job completed (the provider waits for it): whatever mounts them waits too.
    this.certsSecretName = job.metadata.name.apply(() => names.certs);
    this.caSecretName = job.metadata.name.apply(() => names.ca);

    this.clients = Object.fromEntries(
      ELASTICSEARCH_CLIENT_NAMES.map((c): [ElasticsearchClient, ElasticsearchClientAuth] => {
        const username: string = ELASTICSEARCH_CLIENTS[c].username;
        return [c, { username, passwordSecretName: this.userSecrets[username], caSecretName: this.caSecretName }];
      }),
    ) as Record<ElasticsearchClient, ElasticsearchClientAuth>;
    this.registerOutputs({ certsSecretName: this.certsSecretName, caSecretName: this.caSecretName });
  }
}

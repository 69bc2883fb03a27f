/**
 * Pure builders for Elasticsearch: elasticsearch.yml, the per-class ILM policies and index
 * templates, and the idempotent bootstrap script. Plain objects and strings in, plain objects and
 * strings out: tested without mocks, serialised by the component.
 */
import { LOG_CLASSES, type ElasticsearchSettings, type LogClassName } from "./schema";
import { PORTS, SERVICES } from "../endpoints";

export type { ElasticsearchSettings };

/**
 * The write alias of each log class. Fluent Bit (and anything else that ships logs) writes to
 * these aliases, never to a concrete index: ILM rolls the index behind the alias over.
 */
export const LOG_ALIASES: Readonly<Record<LogClassName, string>> = Object.freeze({
  application: "logs-application",
  audit: "logs-audit",
  security: "logs-security",
});

/** Write alias of one log class, e.g. "logs-audit". */
export function logAlias(cls: LogClassName): string {
  return LOG_ALIASES[cls];
}

/** Name of the ILM policy of one log class. */
export function ilmPolicyName(cls: LogClassName): string {
  return `${logAlias(cls)}-policy`;
}

/** Name of the composable index template of one log class (same as its alias). */
export function indexTemplateName(cls: LogClassName): string {
  return logAlias(cls);
}

/** The first index behind a class's alias; rollover continues with -000002, ... */
export function firstIndexName(cls: LogClassName): string {
  return `${logAlias(cls)}-000001`;
}

/** ConfigMap keys (a policy checks these exact names). */
export const ilmKey = (cls: LogClassName) => `ilm-${cls}.json`;
export const indexTemplateKey = (cls: LogClassName) => `index-template-${cls}.json`;
export const BOOTSTRAP_SCRIPT_KEY = "bootstrap.sh";
export const SNAPSHOT_REPOSITORY_KEY = "snapshot-repository.json";
export const SLM_POLICY_KEY = "slm-policy.json";

/** Names of the snapshot repository and SLM policy the bootstrap registers when snapshots are on. */
export const SNAPSHOT_REPOSITORY = "snapshots";
export const SLM_POLICY = "nightly-snapshots";

/**
 * Priority of our index templates. Elasticsearch 8 ships a built-in `logs` template for
 * `logs-*-*` (priority 100, data streams) and Fleet integrations use up to 200; Elastic's
 * guidance for an overlapping pattern is a priority above 500, so `logs-<class>-NNNNNN` are plain
 * rollover indices under our ILM policy, not data streams.
 */
export const INDEX_TEMPLATE_PRIORITY = 501;

/**
 * Replicas per shard: 0 on a single node (dev; a replica could never be assigned and the cluster
 * would stay yellow), 1 on a multi-node cluster (prod).
 */
export function indexReplicas(settings: Pick<ElasticsearchSettings, "replicas">): number {
  return settings.replicas > 1 ? 1 : 0;
}

/**
 * The ILM policy of one log class (body of `PUT _ilm/policy/<name>`).
 * hot: rollover at the class's rolloverMaxAgeDays or rolloverMaxPrimaryShardGi per primary shard;
 * warm after warmAfterDays (force-merged to one segment, lower recovery priority);
 * cold after coldAfterDays; deleted after deleteAfterDays. Phase ages count from rollover.
 */
export function ilmPolicy(cls: LogClassName, settings: ElasticsearchSettings) {
  const c = settings.logClasses[cls];
  return {
    policy: {
      _meta: { managed_by: "pulumi", log_class: cls },
      phases: {
        hot: {
          min_age: "0ms",
          actions: {
            rollover: { max_age: `${c.rolloverMaxAgeDays}d`, max_primary_shard_size: `${settings.rolloverMaxPrimaryShardGi}gb` },
            set_priority: { priority: 100 },
          },
        },
        warm: {
          min_age: `${c.warmAfterDays}d`,
          actions: { set_priority: { priority: 50 }, forcemerge: { max_num_segments: 1 } },
        },
        cold: {
          min_age: `${c.coldAfterDays}d`,
          actions: { set_priority: { priority: 0 } },
        },
        delete: {
          min_age: `${c.deleteAfterDays}d`,
          actions: { delete: {} },
        },
      },
    },
  };
}

/** The composable index template of one log class (body of `PUT _index_template/<name>`). */
export function indexTemplate(cls: LogClassName, settings: ElasticsearchSettings) {
  return {
    index_patterns: [`${logAlias(cls)}-*`],
    priority: INDEX_TEMPLATE_PRIORITY,
    template: {
      settings: {
        "index.lifecycle.name": ilmPolicyName(cls),
        "index.lifecycle.rollover_alias": logAlias(cls),
        // One primary per index: rollover by size keeps shards at a healthy size instead.
        "index.number_of_shards": 1,
        "index.number_of_replicas": indexReplicas(settings),
      },
      mappings: {
        properties: {
          "@timestamp": { type: "date" },
        },
      },
    },
    _meta: { managed_by: "pulumi", log_class: cls, max_primary_shard_size_gb: settings.rolloverMaxPrimaryShardGi },
  };
}

/** Mount point of the data volume in the Elasticsearch container. */
export const DATA_DIR = "/usr/share/elasticsearch/data";

/** Names of the pods of the StatefulSet `statefulSet` (what cluster.initial_master_nodes lists). */
export function podNames(replicas: number, statefulSet: string = SERVICES.elasticsearch): string[] {
  return Array.from({ length: replicas }, (_, i) => `${statefulSet}-${i}`);
}

/**
 * The index pattern that matches every log class's indices and nothing else of theirs: the aliases'
 * common prefix, then "*" ("logs-*" for logs-application, logs-audit, logs-security).
 */
export function logIndexPattern(aliases: Record<LogClassName, string>): string {
  const names = Object.values(aliases);
  let prefix = names[0] ?? "";
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  if (!prefix) throw new Error(`log aliases ${JSON.stringify(names)} share no prefix: no one index pattern matches them all`);
  return `${prefix}*`;
}

/**
 * elasticsearch.yml. Dev: one node, `discovery.type: single-node`. Prod (replicas > 1): every
 * node master-eligible and data, discovering its peers through the headless Service; the initial
 * master nodes are the pod names (only read when the cluster forms for the first time).
 */
export function elasticsearchYml(
  settings: ElasticsearchSettings,
  /**
   * `statefulSet`: the StatefulSet's name (default "elasticsearch"); its headless Service is `<statefulSet>-nodes`.
   * `zones`: the zones of forced awareness (default none: plain awareness).
   */
  opts: { namespace: string; clusterName: string; statefulSet?: string; zones?: readonly string[] },
): Record<string, unknown> {
  const statefulSet = opts.statefulSet ?? SERVICES.elasticsearch;
  const single = settings.replicas === 1;
  const zones = opts.zones ?? [];
  return {
    "cluster.name": opts.clusterName,
    // The pod name (env NODE_NAME from the downward API): stable per StatefulSet ordinal.
    "node.name": "${NODE_NAME}",
    // "data" holds every tier (hot/warm/cold), so ILM's implicit migrate action finds a node.
    "node.roles": ["master", "data", "ingest"],
    "network.host": "0.0.0.0",
    "http.port": PORTS.elasticsearchHttp,
    "transport.port": PORTS.elasticsearchTransport,
    "path.data": DATA_DIR,
    // No privileged init container for vm.max_map_count: use NIO instead of mmap for the store.
    "node.store.allow_mmap": false,
    ...securityYml(settings.security.enabled),
    "xpack.ml.enabled": false,
    // A shipper that writes before the bootstrap ran must not auto-create a plain index named like
    // an alias (logs-application), which would block the alias forever; everything else may.
    "action.auto_create_index": "-logs-*,+*",
    ...(single
      ? { "discovery.type": "single-node" }
      : {
          "discovery.seed_hosts": [`${statefulSet}-nodes.${opts.namespace}.svc.cluster.local`],
          "cluster.initial_master_nodes": podNames(settings.replicas, statefulSet),
          // Allocation awareness: the two copies of a shard go to nodes of different zones. The
          // zone is the node's label, read at pod start (zoneScript) and exported as ZONE.
          [`node.attr.${ZONE_ATTRIBUTE}`]: "${ZONE}",
          "cluster.routing.allocation.awareness.attributes": [ZONE_ATTRIBUTE],
          // Forced awareness: with a zone lost, its copies wait for it instead of filling the others.
          ...(zones.length ? { [`cluster.routing.allocation.awareness.force.${ZONE_ATTRIBUTE}.values`]: [...zones] } : {}),
        }),
  };
}

/** The node attribute allocation awareness uses. */
export const ZONE_ATTRIBUTE = "zone";

/** Where the zone init container leaves the node's zone for the Elasticsearch container. */
export const ZONE_FILE = "/mnt/zone/zone";

/** The readiness probe's marker: this container has been ready once (removed when it starts). */
export const READY_MARKER = "/tmp/.es-ready-once";

/**
 * The Elasticsearch container's command, run by the image's entrypoint (which runs any command other
 * than its own `eswrapper`): a new container is not yet "ready once" (a restarted node waits for
 * the cluster's health again), the zone goes into the environment (elasticsearch.yml reads
 * ${ZONE}), then the image's own start.
 */
export function startCommand(opts: { zone: boolean }): string[] {
  return ["bash", "-c", `rm -f ${READY_MARKER}${opts.zone ? ` && ZONE="$(cat ${ZONE_FILE})" && export ZONE` : ""} && exec /usr/local/bin/docker-entrypoint.sh eswrapper`];
}

/**
 * The zone init container's script (bash and curl of the Elasticsearch image): reads the label
 * `zoneLabel` of its node (NODE_NAME) from the Kubernetes API with the pod's projected token in
 * TOKEN_DIR, and writes it to ZONE_FILE (or OUT). A node without the label is a zone of its own
 * (its name) unless `required` (forced awareness names the zones, so every node must have one).
 * KUBE_API defaults to the in-cluster API server.
 */
export function zoneScript(opts: { zoneLabel: string; required: boolean }): string {
  const key = opts.zoneLabel.replace(/[.*^$[\]\\]/g, "\\$&");
  const missing = opts.required
    ? `  echo "node $NODE_NAME has no label ${opts.zoneLabel}; placement.zones names the zones, so every node needs it" >&2
  exit 1`
    : `  echo "node $NODE_NAME has no label ${opts.zoneLabel}: it is a zone of its own"
  zone=$NODE_NAME`;
  return `set -euo pipefail
: "\${NODE_NAME:?NODE_NAME must be set}"
API=\${KUBE_API:-https://\${KUBERNETES_SERVICE_HOST}:\${KUBERNETES_SERVICE_PORT}}
TOKEN_DIR=\${TOKEN_DIR:-/mnt/api-token}
OUT=\${OUT:-${ZONE_FILE}}
# The token goes through curl's config on stdin, never on a command line.
node=$(printf 'header = "Authorization: Bearer %s"\\n' "$(cat "$TOKEN_DIR/token")" |
  curl -sS --fail --max-time 10 --retry 5 --retry-delay 2 --cacert "$TOKEN_DIR/ca.crt" -K - "$API/api/v1/nodes/$NODE_NAME")
zone=$(printf '%s' "$node" | tr -d '\\n' | sed -n 's|.*"${key}": *"\\([^"]*\\)".*|\\1|p')
if [ -z "$zone" ]; then
${missing}
fi
echo "node $NODE_NAME: zone $zone"
printf '%s' "$zone" >"$OUT"
`;
}

/**
 * The readiness script of an Elasticsearch node, after Elastic's own Helm chart. Until the
 * container has once been ready (READY_MARKER), the node is ready only when the cluster's health is
 * \`startStatus\`: a node restarted by a rolling update becomes Ready only when the cluster has
 * recovered its shard copies, and the StatefulSet takes the next node down only then. Once ready,
 * only the node itself must answer (local health): a yellow or red cluster does not take every
 * node out of its Services.
 *
 * Parameters from the environment, for a cluster with security on: ES_PROBE_SCHEME (http or https;
 * default http), ES_PROBE_CACERT (the CA of an https certificate; default curl's CAs),
 * ES_PROBE_USERNAME and ES_PROBE_PASSWORD or ES_PROBE_PASSWORD_FILE (basic auth; default none), ES_PROBE_HOST (default
 * 127.0.0.1) and ES_PROBE_PORT (default the HTTP port). READY_MARKER may be overridden by ES_PROBE_MARKER.
 */
export function readinessScript(opts: { startStatus: "green" | "yellow" }): string {
  return `set -uo pipefail
MARKER=\${ES_PROBE_MARKER:-${READY_MARKER}}
BASE="\${ES_PROBE_SCHEME:-http}://\${ES_PROBE_HOST:-127.0.0.1}:\${ES_PROBE_PORT:-${PORTS.elasticsearchHttp}}"
ARGS=(-sS --fail --max-time 4 -o /dev/null)
if [ -n "\${ES_PROBE_CACERT:-}" ]; then ARGS+=(--cacert "$ES_PROBE_CACERT"); fi
if [ -n "\${ES_PROBE_PASSWORD_FILE:-}" ]; then ES_PROBE_PASSWORD=$(cat "$ES_PROBE_PASSWORD_FILE") || exit 1; fi
http() {
  if [ -n "\${ES_PROBE_USERNAME:-}" ]; then
    # Credentials through curl's config on stdin, never on a command line; \\ and " escaped.
    local u="$ES_PROBE_USERNAME:\${ES_PROBE_PASSWORD:-}"
    u=\${u//\\\\/\\\\\\\\}
    u=\${u//\\"/\\\\\\"}
    printf 'user = "%s"\\n' "$u" | curl "\${ARGS[@]}" -K - "$BASE$1"
  else
    curl "\${ARGS[@]}" "$BASE$1"
  fi
}
if [ -f "$MARKER" ]; then
  http "/_cluster/health?local=true" && exit 0
  echo "the node does not answer at $BASE"
  exit 1
fi
if http "/_cluster/health?wait_for_status=${opts.startStatus}&timeout=1s"; then
  touch "$MARKER"
  exit 0
fi
echo "the cluster is not ${opts.startStatus} yet: this node is ready once it is"
exit 1
`;
}

/**
 * The cluster health a starting node waits for: green with more than one node (every replica
 * assigned again), yellow on a single node (its primaries; replicas of an index that asks for one
 * could never be assigned).
 */
export function startStatus(settings: Pick<ElasticsearchSettings, "replicas">): "green" | "yellow" {
  return settings.replicas > 1 ? "green" : "yellow";
}

/** Where the node certificate Secret is mounted, relative to the config directory (where Elasticsearch reads them). */
export const CERTS_DIR = "certs";

/**
 * The security settings of elasticsearch.yml. On: authentication, TLS on HTTP (clients verify the
 * node's name against the certificate: full) and on transport (verification_mode certificate: nodes
 * connect to each other by IP address, which no certificate names; the CA still has to have signed
 * the peer's). Off (dev only, `elasticsearch.security.enabled: false`): no TLS, no users.
 */
export function securityYml(enabled: boolean): Record<string, unknown> {
  if (!enabled) return { "xpack.security.enabled": false };
  const files = {
    key: `${CERTS_DIR}/tls.key`,
    certificate: `${CERTS_DIR}/tls.crt`,
    certificate_authorities: [`${CERTS_DIR}/ca.crt`],
  };
  const ssl = (prefix: string, verificationMode: string) =>
    Object.fromEntries([
      [`${prefix}.enabled`, true],
      [`${prefix}.verification_mode`, verificationMode],
      ...Object.entries(files).map(([k, v]) => [`${prefix}.${k}`, v]),
    ]);
  return {
    "xpack.security.enabled": true,
    ...ssl("xpack.security.http.ssl", "full"),
    ...ssl("xpack.security.transport.ssl", "certificate"),
    // No self-enrolment tokens: the users and certificates are the stack's.
    "xpack.security.enrollment.enabled": false,
  };
}

/** JVM heap options: -Xms = -Xmx = heapMi. */
export function heapOptions(settings: ElasticsearchSettings): string {
  return `-Xms${settings.heapMi}m -Xmx${settings.heapMi}m`;
}

/**
 * The bootstrap script run by the bootstrap Job (bash + curl from the Elasticsearch image).
 * Idempotent: PUT of a policy or template replaces it; the first index of a class is created only
 * when its alias does not exist. Waits for the cluster to be at least yellow, retries transient errors.
 */
export function bootstrapScript(opts: {
  configDir: string;
  snapshot: boolean;
  /**
   * Security on: roles (their bodies in `role-<name>.json`) and users to put, each user's password in
   * the named environment variable; kibana_system's password in `kibanaSystemEnv`. The script then
   * authenticates as elastic (ELASTIC_PASSWORD) and verifies the node against ES_CA_FILE.
   */
  security?: { roles: string[]; users: { username: string; role: string; env: string }[]; kibanaSystemEnv: string };
}): string {
  const classes = LOG_CLASSES.map((c) => `${c}:${logAlias(c)}:${ilmPolicyName(c)}:${indexTemplateName(c)}:${firstIndexName(c)}`).join(" ");
  const sec = opts.security;
  return `#!/usr/bin/env bash
# Installs the ILM policies, index templates and first write indices of the log classes${sec ? ", and the\n# roles and users of the stack's clients" : ""}.
# Safe to run any number of times. Only bash and curl (any version) are needed.
set -euo pipefail
: "\${ES_URL:?ES_URL must be set}"
CONFIG_DIR=${opts.configDir}
DELAY=\${RETRY_DELAY_SECONDS:-5}
RESP=$(mktemp)
trap 'rm -f "$RESP" "$RESP.body"' EXIT

# curl's own config on stdin: the credentials never appear on a command line.
curl_config() {
  if [ -n "\${ELASTIC_PASSWORD:-}" ]; then printf 'user = "elastic:%s"\\n' "$ELASTIC_PASSWORD"; fi
  if [ -n "\${ES_CA_FILE:-}" ]; then printf 'cacert = "%s"\\n' "$ES_CA_FILE"; fi
  return 0
}

# call METHOD PATH [BODY_FILE]: sets CODE, leaves the response body in $RESP.
# Connection errors and 5xx are retried (10 times, DELAY s apart); any other status is returned.
call() {
  local method=$1 path=$2 file=\${3:-} attempt
  local args=(-sS -o "$RESP" -w '%{http_code}' -X "$method")
  if [ -n "$file" ]; then args+=(-H 'Content-Type: application/json' --data-binary "@$file"); fi
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    CODE=$(curl_config | curl -K - "\${args[@]}" "$ES_URL$path") || CODE=000
    case "$CODE" in
      000 | 5??) echo "$method $path: HTTP $CODE, retry $attempt in \${DELAY}s" >&2; sleep "$DELAY" ;;
      *) return 0 ;;
    esac
  done
}

# req METHOD PATH [BODY_FILE]: like call, but anything but 2xx ends the script.
req() {
  call "$@"
  case "$CODE" in
    2??) echo "$1 $2: HTTP $CODE" ;;
    *) echo "$1 $2: HTTP $CODE: $(cat "$RESP")" >&2; exit 1 ;;
  esac
}

echo "waiting for cluster health yellow at $ES_URL"
until call GET "/_cluster/health?wait_for_status=yellow&timeout=30s" && [ "$CODE" = 200 ]; do
  case "$CODE" in
    401 | 403) echo "Elasticsearch refused the credentials (HTTP $CODE): is ELASTIC_PASSWORD the elastic user's password?" >&2; exit 1 ;;
  esac
  echo "cluster not yellow yet (HTTP $CODE); retrying in \${DELAY}s"
  sleep "$DELAY"
done

${
  sec
    ? `
echo "roles and users of the stack's clients"
for role in ${sec.roles.join(" ")}; do
  req PUT "/_security/role/$role" "$CONFIG_DIR/role-$role.json"
done
# PUT of a user sets its roles and password: the same PUT again changes nothing.
for entry in ${sec.users.map((u) => `${u.username}:${u.role}:${u.env}`).join(" ")}; do
  IFS=: read -r user role env <<<"$entry"
  pw=\${!env:?the password of $user must be set in $env}
  printf '{"password":"%s","roles":["%s"],"metadata":{"managed_by":"pulumi"}}' "$pw" "$role" >"$RESP.body"
  req PUT "/_security/user/$user" "$RESP.body"
done
pw=\${${sec.kibanaSystemEnv}:?the password of kibana_system must be set in ${sec.kibanaSystemEnv}}
printf '{"password":"%s"}' "$pw" >"$RESP.body"
req POST "/_security/user/kibana_system/_password" "$RESP.body"
rm -f "$RESP.body"
`
    : ""
}
for entry in ${classes}; do
  IFS=: read -r cls alias policy template first <<<"$entry"
  echo "log class $cls: policy $policy, template $template, alias $alias"
  req PUT "/_ilm/policy/$policy" "$CONFIG_DIR/ilm-$cls.json"
  req PUT "/_index_template/$template" "$CONFIG_DIR/index-template-$cls.json"
  call GET "/_alias/$alias"
  if [ "$CODE" = 200 ]; then
    echo "alias $alias exists; its write index is left alone"
    continue
  elif [ "$CODE" != 404 ]; then
    echo "GET /_alias/$alias: unexpected HTTP $CODE: $(cat "$RESP")" >&2
    exit 1
  fi
  call GET "/$alias"
  if [ "$CODE" = 200 ]; then
    echo "a concrete index named $alias exists (written before this bootstrap); reindex and delete it, then re-run" >&2
    exit 1
  fi
  printf '{"aliases":{"%s":{"is_write_index":true}}}' "$alias" >"$RESP.body"
  call PUT "/$first" "$RESP.body"
  if [ "$CODE" = 200 ]; then
    echo "created $first as the write index of $alias"
  elif grep -q resource_already_exists_exception "$RESP"; then
    echo "$first exists already (created by a concurrent run)"
  else
    echo "PUT /$first: HTTP $CODE: $(cat "$RESP")" >&2
    exit 1
  fi
done
${
  opts.snapshot
    ? `
echo "snapshot repository ${SNAPSHOT_REPOSITORY} and SLM policy ${SLM_POLICY}"
req PUT "/_snapshot/${SNAPSHOT_REPOSITORY}" "$CONFIG_DIR/${SNAPSHOT_REPOSITORY_KEY}"
req PUT "/_slm/policy/${SLM_POLICY}" "$CONFIG_DIR/${SLM_POLICY_KEY}"
`
    : ""
}echo "bootstrap complete"
`;
}

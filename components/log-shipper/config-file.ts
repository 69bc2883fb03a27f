/**
 * Fluent Bit's config file (fluent-bit.yaml, Fluent Bit 4.1's YAML format) as a pure builder.
 *
 * Pipeline: every container log on the node (CRI or Docker format, multi-line records joined) →
 * Kubernetes metadata, with JSON log lines merged into the record → a log class per record, from
 * the pod label `observability.io/log-class` (audit | security, anything else is application) →
 *  - Loki, with a small fixed label set (namespace, pod, container, app, level, log_class) and the
 *    trace id as structured metadata, never as a label;
 *  - Elasticsearch, each class into its own rollover alias (logs-application, logs-audit,
 *    logs-security), whose ILM policies keep the classes for different times.
 *
 * Routing by class uses tags: rewrite_tag re-emits audit and security records as `logs.audit` /
 * `logs.security`; application records keep their `kube.*` tag. Every property is single-valued (one
 * modify operation per filter) so the file means the same to every YAML reader, Fluent Bit's included.
 * Keys and semantics were checked against Fluent Bit 4.1's documentation and plugin sources (no
 * Fluent Bit binary is available to the tests: no Debian package and no Go module).
 */
import { stringify } from "yaml";
import { quantityMi } from "../config/quantities";
import type { LogClassName } from "../elasticsearch/schema";
import { PORTS } from "../endpoints";
import { LOKI_PUSH_PATH } from "../loki/config-file";

/** Pod label that puts a pod's logs into the audit or security class. */
export const LOG_CLASS_LABEL = "observability.io/log-class";
/** Classes a pod can choose with LOG_CLASS_LABEL; every other pod's logs are application logs. */
export const LABELLED_LOG_CLASSES = ["audit", "security"] as const satisfies readonly LogClassName[];

/** Where the config is mounted, and its file name (the ConfigMap's data key). */
export const CONFIG_DIR = "/fluent-bit/etc/conf";
export const CONFIG_FILE = "fluent-bit.yaml";
/** Parsers shipped in the official image (for pods that pick one with the fluentbit.io/parser annotation). */
export const IMAGE_PARSERS_FILE = "/fluent-bit/etc/parsers.conf";
/** Host directory (hostPath) with the tail offsets database and the filesystem buffer: survives restarts. */
export const STATE_DIR = "/var/fluent-bit/state";
/** Container logs on the node; kubelet's symlinks into /var/log/pods. */
export const CONTAINER_LOG_GLOB = "/var/log/containers/*.log";
/** Name of the shipper's container: its own log file is excluded, so it never ships its own errors in a loop. */
export const CONTAINER_NAME = "fluent-bit";

/** Tags: the tail input's prefix (application records keep it) and one per labelled class. */
export const TAGS = {
  input: "kube.*",
  application: "kube.*",
  audit: "logs.audit",
  security: "logs.security",
} as const satisfies Record<LogClassName | "input", string>;

/**
 * The Loki stream labels and where each comes from. Bounded values only: no pod uid, no trace or
 * request id, no user id, no raw URL. Missing values are left out of the stream by Fluent Bit.
 */
export const LOKI_LABELS: Record<string, string> = {
  namespace: "$kubernetes['namespace_name']",
  pod: "$kubernetes['pod_name']",
  container: "$kubernetes['container_name']",
  app: "$kubernetes['labels']['app.kubernetes.io/name']",
  level: "$level",
  log_class: "$log_class",
};

/**
 * Record key the trace id is copied into for Loki's structured metadata. A copy, because Fluent Bit's
 * loki output removes every key it turns into labels or metadata from the line, and Grafana's derived
 * field finds the trace id in the line itself. Spellings copied, first found wins.
 */
export const TRACE_ID_COPY_KEY = "loki_trace_id";
export const TRACE_ID_KEYS = ["trace_id", "traceId", "traceID"] as const;

/** Keys left out of the Loki line: the Kubernetes metadata (now labels), the CRI partial flag and stream. */
export const LOKI_REMOVE_KEYS = ["kubernetes", "_p", "stream"] as const;

export interface FluentBitConfigOptions {
  /** Namespace of the shipper's own pods (their log files are excluded). */
  namespace: string;
  /** Loki Service host and HTTP port. */
  loki: { host: string; port: number };
  /**
   * Elasticsearch Service host and HTTP port; for a secured one, its user, the environment variable
   * holding the password (a `${VAR}` reference in the file, never the value) and the CA file.
   */
  elasticsearch: { host: string; port: number; auth?: { user: string; passwordEnv: string; caFile: string } };
  /** Rollover alias per log class (written to with the bulk API's create). */
  logAliases: Record<LogClassName, string>;
  /** The container's memory limit ("128Mi"): the in-memory buffers are sized to a quarter of it. */
  memoryLimit: string;
  /** The Loki output's filesystem buffer on the node, in MB (it retries without limit). Default 512. */
  lokiBufferMb?: number;
}

/**
 * Bounded retries per Elasticsearch output: audit and security logs are retried longer (their loss is
 * a compliance gap). The Loki output never gives up: it holds its chunks in the node's filesystem
 * buffer (lokiBufferMb) until Loki takes them.
 */
export const RETRY_LIMITS: Record<LogClassName, number> = { application: 5, audit: 10, security: 10 };
/** Fluent Bit's retry_limit value for "retry until the chunk is delivered". */
export const NO_RETRY_LIMIT = "no_limits";
/** Cap of each output's share of the filesystem buffer on the node. */
export const OUTPUT_BUFFER_LIMIT = "512M";

/** MiB in a Kubernetes memory quantity: the config's own parser (components/config/quantities.ts). */
export { quantityMi };

/**
 * In-memory buffering derived from the memory limit: a quarter of it for the tail input's buffer,
 * and as many 2 MB chunks "up" in memory as fit in that quarter (Fluent Bit's default of 128 chunks
 * is 256 MB, more than the whole limit of a small node agent).
 */
export function memoryBudget(memoryLimit: string): { memBufLimitMb: number; maxChunksUp: number; emitterMemBufLimitMb: number } {
  const quarter = Math.floor(quantityMi(memoryLimit) / 4);
  if (quarter < 8) throw new Error(`logShipper memory limit ${memoryLimit} is too small for Fluent Bit; give it at least 32Mi`);
  return { memBufLimitMb: quarter, maxChunksUp: Math.max(4, Math.floor(quarter / 2)), emitterMemBufLimitMb: Math.max(4, Math.floor(quarter / 4)) };
}

const on = "on";
const off = "off";

/** The config as a plain object (what buildFluentBitConfig serialises). */
export function fluentBitConfigObject(opts: FluentBitConfigOptions): Record<string, unknown> {
  const budget = memoryBudget(opts.memoryLimit);
  const classRule = `$kubernetes['labels']['${LOG_CLASS_LABEL}'] ^(${LABELLED_LOG_CLASSES.join("|")})$ logs.$1 false`;

  const setClass = (cls: LogClassName) => ({ name: "modify", alias: `log-class-${cls}`, match: TAGS[cls], set: `log_class ${cls}` });
  const copyTraceId = (key: string) => ({ name: "modify", alias: `trace-id-${key}`, match: "*", copy: `${key} ${TRACE_ID_COPY_KEY}` });

  const es = (cls: LogClassName) => ({
    name: "es",
    alias: `es-${cls}`,
    match: TAGS[cls],
    host: opts.elasticsearch.host,
    port: opts.elasticsearch.port,
    // The alias of the class's rollover write index; its ILM policy decides how long the class is kept.
    index: opts.logAliases[cls],
    ...(opts.elasticsearch.auth
      ? {
          // TLS verified against the stack's CA (the host name too), and the shipper's own user.
          tls: on,
          "tls.verify": on,
          "tls.ca_file": opts.elasticsearch.auth.caFile,
          http_user: opts.elasticsearch.auth.user,
          http_passwd: `\${${opts.elasticsearch.auth.passwordEnv}}`,
        }
      : {}),
    suppress_type_name: on,
    replace_dots: on,
    trace_error: on,
    // Large enough to read the bulk response, so trace_error can show which documents failed.
    buffer_size: "1M",
    retry_limit: RETRY_LIMITS[cls],
    "storage.total_limit_size": OUTPUT_BUFFER_LIMIT,
  });

  return {
    service: {
      flush: 1,
      grace: 5,
      log_level: "info",
      parsers_file: IMAGE_PARSERS_FILE,
      http_server: on,
      http_listen: "0.0.0.0",
      http_port: PORTS.fluentBitHttp,
      // /api/v1/health turns 500 when outputs keep failing (5 errors or 5 exhausted retries a minute).
      health_check: on,
      hc_errors_count: 5,
      hc_retry_failure_count: 5,
      hc_period: 60,
      "storage.path": `${STATE_DIR}/buffer/`,
      "storage.sync": "normal",
      "storage.checksum": off,
      "storage.max_chunks_up": budget.maxChunksUp,
      "storage.backlog.mem_limit": `${Math.max(4, Math.floor(budget.memBufLimitMb / 4))}M`,
      "storage.metrics": on,
    },
    pipeline: {
      inputs: [
        {
          name: "tail",
          alias: "containers",
          tag: TAGS.input,
          path: CONTAINER_LOG_GLOB,
          exclude_path: `/var/log/containers/*_${opts.namespace}_${CONTAINER_NAME}-*.log`,
          "multiline.parser": "cri, docker",
          db: `${STATE_DIR}/tail-containers.db`,
          "db.locking": true,
          mem_buf_limit: `${budget.memBufLimitMb}MB`,
          buffer_chunk_size: "32k",
          buffer_max_size: "256k",
          skip_long_lines: on,
          refresh_interval: 10,
          "storage.type": "filesystem",
        },
      ],
      filters: [
        {
          name: "kubernetes",
          match: TAGS.input,
          kube_tag_prefix: "kube.var.log.containers.",
          merge_log: on,
          keep_log: off,
          "k8s-logging.parser": on,
          "k8s-logging.exclude": on,
          labels: on,
          annotations: off,
          // Pods with many labels exceed the 32k default response buffer and lose their metadata.
          buffer_size: "256k",
        },
        {
          name: "rewrite_tag",
          alias: "log-class-router",
          match: TAGS.input,
          rule: classRule,
          emitter_name: "log-class-emitter",
          "emitter_storage.type": "filesystem",
          emitter_mem_buf_limit: `${budget.emitterMemBufLimitMb}M`,
        },
        // `set` overwrites: a log line's own "log_class" field can neither spoof a class nor add a label value.
        setClass("application"),
        setClass("audit"),
        setClass("security"),
        ...TRACE_ID_KEYS.map(copyTraceId),
      ],
      outputs: [
        {
          name: "loki",
          alias: "loki",
          match: "*",
          host: opts.loki.host,
          port: opts.loki.port,
          uri: LOKI_PUSH_PATH,
          labels: Object.entries(LOKI_LABELS)
            .map(([k, v]) => `${k}=${v}`)
            .join(", "),
          structured_metadata: `trace_id=$${TRACE_ID_COPY_KEY}`,
          remove_keys: LOKI_REMOVE_KEYS.join(", "),
          line_format: "json",
          // A line that was not JSON is left with only its `log` key: send it as the plain text it was.
          drop_single_key: "raw",
          retry_limit: NO_RETRY_LIMIT,
          "storage.total_limit_size": `${opts.lokiBufferMb ?? 512}M`,
        },
        es("application"),
        es("audit"),
        es("security"),
      ],
    },
  };
}

/** fluent-bit.yaml for the given endpoints and aliases. */
export function buildFluentBitConfig(opts: FluentBitConfigOptions): string {
  return stringify(fluentBitConfigObject(opts), { lineWidth: 0 });
}

/**
 * Pure builders for Jaeger v2 (an OpenTelemetry Collector distribution): the collector config
 * (config.yaml) and the remote-sampling strategies file. Keys checked against Jaeger v2.13.0
 * (module v1.76.0: cmd/jaeger/config-*.yaml and the extensions' config structs) and otelcol v0.140.
 */
import { quantityMi } from "../config/quantities";
import type { JaegerSettings } from "./schema";
import { PORTS } from "../endpoints";

export type { JaegerSettings };

/** Where the ConfigMap is mounted, and its keys. */
export const CONFIG_DIR = "/etc/jaeger";
export const CONFIG_FILE = "config.yaml";
export const SAMPLING_FILE = "sampling-strategies.json";
/** Mount point of the data volume (badger). */
export const DATA_DIR = "/var/lib/jaeger";
/** Name of the trace store in jaeger_storage. */
export const TRACE_STORE = "traces";
/**
 * Index prefix of the Elasticsearch trace indices: `jaeger-span-YYYY-MM-DD` becomes
 * `traces-jaeger-span-YYYY-MM-DD`, clear of the `logs-*` patterns of the log classes.
 */
export const ES_INDEX_PREFIX = "traces";

export interface JaegerConfigOptions {
  /** Elasticsearch URL; required when storage is elasticsearch. */
  elasticsearchUrl?: string;
  /**
   * A secured Elasticsearch: Jaeger's user, the file its password is mounted at (read from the file,
   * never written into the config) and the CA file its TLS verifies the server with.
   */
  elasticsearchAuth?: { username: string; passwordFile: string; caFile: string };
  namespace: string;
  /**
   * Data nodes of the Elasticsearch cluster (elasticsearch.replicas): the span indices get 3 primary
   * shards from 3 nodes on (1 below), and every index a replica from 2 nodes on (none on one node,
   * where a replica could never be assigned). Default 1.
   */
  elasticsearchNodes?: number;
}

/** The sampling strategies SDKs receive from remote_sampling: probabilistic at samplingRate. */
export function buildSamplingStrategies(settings: Pick<JaegerSettings, "samplingRate">) {
  return {
    default_strategy: { type: "probabilistic", param: settings.samplingRate },
    service_strategies: [] as unknown[],
  };
}

/** memory_limiter sized from the container memory limit: hard limit 80 %, spike allowance 20 % of that. */
export function memoryLimits(settings: Pick<JaegerSettings, "resources">): { limitMib: number; spikeLimitMib: number } {
  const limitMib = Math.floor(quantityMi(settings.resources.limits.memory) * 0.8);
  return { limitMib, spikeLimitMib: Math.floor(limitMib * 0.2) };
}

/** Badger TTL / Elasticsearch search horizon: retentionDays as a Go duration in hours. */
export function retentionDuration(settings: Pick<JaegerSettings, "retentionDays">): string {
  return `${settings.retentionDays * 24}h`;
}

function storageBackend(settings: JaegerSettings, opts: JaegerConfigOptions): Record<string, unknown> {
  switch (settings.storage) {
    case "memory":
      // ~1 KiB per span, tens of spans per trace: bounded well under the memory limit.
      return { memory: { max_traces: Math.max(10_000, Math.floor(quantityMi(settings.resources.limits.memory) * 50)) } };
    case "badger":
      return {
        badger: {
          directories: { keys: `${DATA_DIR}/badger/keys`, values: `${DATA_DIR}/badger/values` },
          ephemeral: false,
          ttl: { spans: retentionDuration(settings) },
        },
      };
    case "elasticsearch": {
      if (!opts.elasticsearchUrl) throw new Error('jaeger.storage "elasticsearch" needs elasticsearchUrl (the Elasticsearch component\'s url)');
      const nodes = opts.elasticsearchNodes ?? 1;
      const index = (shards: number) => ({ shards, replicas: nodes > 1 ? 1 : 0 });
      return {
        elasticsearch: {
          server_urls: [opts.elasticsearchUrl],
          ...(opts.elasticsearchAuth
            ? {
                auth: { basic: { username: opts.elasticsearchAuth.username, password_file: opts.elasticsearchAuth.passwordFile } },
                tls: { insecure: false, ca_file: opts.elasticsearchAuth.caFile },
              }
            : {}),
          indices: {
            index_prefix: ES_INDEX_PREFIX,
            spans: index(nodes >= 3 ? 3 : 1),
            services: index(1),
            dependencies: index(1),
            sampling: index(1),
          },
          // Search the whole retention (the default would be 72h).
          max_span_age: retentionDuration(settings),
        },
      };
    }
  }
}

/** config.yaml of the jaeger v2 binary. */
export function buildJaegerConfig(settings: JaegerSettings, opts: JaegerConfigOptions) {
  const { limitMib, spikeLimitMib } = memoryLimits(settings);
  return {
    extensions: {
      healthcheckv2: {
        use_v2: true,
        http: { endpoint: `0.0.0.0:${PORTS.jaegerHealth}`, status: { enabled: true, path: "/status" } },
      },
      jaeger_storage: { backends: { [TRACE_STORE]: storageBackend(settings, opts) } },
      jaeger_query: {
        storage: { traces: TRACE_STORE },
        http: { endpoint: `0.0.0.0:${PORTS.jaegerQuery}` },
      },
      remote_sampling: {
        file: {
          path: `${CONFIG_DIR}/${SAMPLING_FILE}`,
          // Used if the file has no default strategy; kept equal to it.
          default_sampling_probability: settings.samplingRate,
          reload_interval: "1m",
        },
        http: { endpoint: `0.0.0.0:${PORTS.jaegerSampling}` },
      },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${PORTS.jaegerOtlpGrpc}` },
          http: { endpoint: `0.0.0.0:${PORTS.jaegerOtlpHttp}` },
        },
      },
      // Applications still on Jaeger clients or Zipkin (as in the seeds) keep their ports.
      jaeger: {
        protocols: {
          thrift_http: { endpoint: `0.0.0.0:${PORTS.jaegerThriftHttp}` },
          thrift_compact: { endpoint: `0.0.0.0:${PORTS.jaegerThriftCompact}` },
          thrift_binary: { endpoint: `0.0.0.0:${PORTS.jaegerThriftBinary}` },
        },
      },
      zipkin: { endpoint: `0.0.0.0:${PORTS.zipkin}` },
    },
    processors: {
      memory_limiter: { check_interval: "1s", limit_mib: limitMib, spike_limit_mib: spikeLimitMib },
      batch: {},
    },
    exporters: {
      jaeger_storage_exporter: { trace_storage: TRACE_STORE },
    },
    service: {
      extensions: ["jaeger_storage", "jaeger_query", "remote_sampling", "healthcheckv2"],
      pipelines: {
        traces: { receivers: ["otlp", "jaeger", "zipkin"], processors: ["memory_limiter", "batch"], exporters: ["jaeger_storage_exporter"] },
      },
      telemetry: {
        resource: { "service.name": "jaeger", "service.namespace": opts.namespace },
        metrics: {
          level: "detailed",
          readers: [{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: PORTS.jaegerMetrics } } } }],
        },
        logs: { level: "info" },
      },
    },
  };
}

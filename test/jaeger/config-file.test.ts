import { DEFAULTS } from "../../components/config";
import { PORTS } from "../../components/endpoints";
import { ES_INDEX_PREFIX, TRACE_STORE, buildJaegerConfig, buildSamplingStrategies, memoryLimits } from "../../components/jaeger/config-file";

const dev = DEFAULTS.dev.jaeger;
const prod = DEFAULTS.prod.jaeger;
const esUrl = "http://elasticsearch.observability.svc.cluster.local:9200";

describe("sampling strategies", () => {
  test("prod defaults sample 10 % of traces (the seeds' JAEGER_SAMPLING_RATE=0.1), dev everything", () => {
    expect(buildSamplingStrategies(prod)).toEqual({ default_strategy: { type: "probabilistic", param: 0.1 }, service_strategies: [] });
    expect(buildSamplingStrategies(dev).default_strategy).toEqual({ type: "probabilistic", param: 1 });
  });

  test("remote_sampling serves the file, with the same default probability", () => {
    const c = buildJaegerConfig(prod, { elasticsearchUrl: esUrl, namespace: "observability", elasticsearchNodes: 3 });
    expect(c.extensions.remote_sampling.file).toEqual({ path: "/etc/jaeger/sampling-strategies.json", default_sampling_probability: 0.1, reload_interval: "1m" });
    expect(c.extensions.remote_sampling.http.endpoint).toBe(`0.0.0.0:${PORTS.jaegerSampling}`);
  });
});

describe("storage per environment", () => {
  test("dev: badger on the data volume, persistent, TTL = retentionDays", () => {
    const c = buildJaegerConfig(dev, { namespace: "observability" });
    expect(c.extensions.jaeger_storage.backends[TRACE_STORE]).toEqual({
      badger: { directories: { keys: "/var/lib/jaeger/badger/keys", values: "/var/lib/jaeger/badger/values" }, ephemeral: false, ttl: { spans: "48h" } },
    });
  });

  test("prod: Elasticsearch with prefixed daily indices, 3 shards x 1 replica for spans, search over the retention", () => {
    const c = buildJaegerConfig(prod, { elasticsearchUrl: esUrl, namespace: "observability", elasticsearchNodes: 3 });
    const es = (c.extensions.jaeger_storage.backends[TRACE_STORE] as any).elasticsearch;
    expect(es.server_urls).toEqual([esUrl]);
    expect(es.indices.index_prefix).toBe(ES_INDEX_PREFIX);
    expect(es.indices.spans).toEqual({ shards: 3, replicas: 1 });
    expect(es.indices.services).toEqual({ shards: 1, replicas: 1 });
    expect(es.max_span_age).toBe("168h");
  });

  test("elasticsearch on a single node (dev's size): no replicas", () => {
    const c = buildJaegerConfig({ ...dev, storage: "elasticsearch" }, { elasticsearchUrl: esUrl, namespace: "observability", elasticsearchNodes: 1 });
    expect((c.extensions.jaeger_storage.backends[TRACE_STORE] as any).elasticsearch.indices.spans).toEqual({ shards: 1, replicas: 0 });
  });

  test("shards and replicas follow the Elasticsearch cluster's size, not the environment's name", () => {
    const spans = (nodes: number | undefined) =>
      (buildJaegerConfig(prod, { elasticsearchUrl: esUrl, namespace: "observability", elasticsearchNodes: nodes }).extensions.jaeger_storage.backends[TRACE_STORE] as any).elasticsearch.indices.spans;
    expect([undefined, 1, 2, 3, 5].map(spans)).toEqual([
      { shards: 1, replicas: 0 },
      { shards: 1, replicas: 0 },
      { shards: 1, replicas: 1 },
      { shards: 3, replicas: 1 },
      { shards: 3, replicas: 1 },
    ]);
  });

  test("memory: bounded number of traces", () => {
    const c = buildJaegerConfig({ ...dev, storage: "memory" }, { namespace: "observability" });
    expect(c.extensions.jaeger_storage.backends[TRACE_STORE]).toEqual({ memory: { max_traces: 25600 } });
  });

  test("elasticsearch without a URL is refused", () => {
    expect(() => buildJaegerConfig(prod, { namespace: "observability", elasticsearchNodes: 3 })).toThrow(/needs elasticsearchUrl/);
  });

  test("the TTL follows retentionDays", () => {
    const c = buildJaegerConfig({ ...dev, retentionDays: 14 }, { namespace: "observability" });
    expect((c.extensions.jaeger_storage.backends[TRACE_STORE] as any).badger.ttl.spans).toBe("336h");
  });
});

describe("pipeline, endpoints and telemetry", () => {
  const c = buildJaegerConfig(prod, { elasticsearchUrl: esUrl, namespace: "observability", elasticsearchNodes: 3 });

  test("OTLP on all interfaces, memory_limiter before batch, into the trace store", () => {
    expect(c.receivers.otlp.protocols).toEqual({ grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } });
    expect(c.receivers.jaeger.protocols).toEqual({
      thrift_http: { endpoint: "0.0.0.0:14268" },
      thrift_compact: { endpoint: "0.0.0.0:6831" },
      thrift_binary: { endpoint: "0.0.0.0:6832" },
    });
    expect(c.receivers.zipkin).toEqual({ endpoint: "0.0.0.0:9411" });
    expect(c.service.pipelines.traces).toEqual({ receivers: ["otlp", "jaeger", "zipkin"], processors: ["memory_limiter", "batch"], exporters: ["jaeger_storage_exporter"] });
    expect(c.exporters.jaeger_storage_exporter.trace_storage).toBe(TRACE_STORE);
    expect(c.extensions.jaeger_query.storage.traces).toBe(TRACE_STORE);
  });

  test("memory_limiter sized from the memory limit (prod 1Gi: 819 MiB, spike 163 MiB)", () => {
    expect(memoryLimits(prod)).toEqual({ limitMib: 819, spikeLimitMib: 163 });
    expect(c.processors.memory_limiter).toEqual({ check_interval: "1s", limit_mib: 819, spike_limit_mib: 163 });
  });

  test("health check v2 and Prometheus metrics on the shared ports", () => {
    expect(c.extensions.healthcheckv2).toEqual({ use_v2: true, http: { endpoint: `0.0.0.0:${PORTS.jaegerHealth}`, status: { enabled: true, path: "/status" } } });
    expect(c.service.telemetry.metrics.readers).toEqual([{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: PORTS.jaegerMetrics } } } }]);
    expect(c.service.extensions).toEqual(["jaeger_storage", "jaeger_query", "remote_sampling", "healthcheckv2"]);
  });
});

import YAML from "yaml";
import { DEFAULTS, LOG_CLASSES } from "../../components/config";
import { LOG_ALIASES } from "../../components/elasticsearch/config-file";
import { PORTS } from "../../components/endpoints";
import {
  LOG_CLASS_LABEL,
  LOKI_LABELS,
  TAGS,
  TRACE_ID_COPY_KEY,
  buildFluentBitConfig,
  memoryBudget,
  quantityMi,
  type FluentBitConfigOptions,
} from "../../components/log-shipper/config-file";

type Section = Record<string, any>;
const opts: FluentBitConfigOptions = {
  namespace: "observability",
  loki: { host: "loki.observability.svc.cluster.local", port: PORTS.lokiHttp },
  elasticsearch: { host: "elasticsearch.observability.svc.cluster.local", port: PORTS.elasticsearchHttp },
  // The aliases the Elasticsearch component creates and bootstraps.
  logAliases: { ...LOG_ALIASES },
  memoryLimit: DEFAULTS.dev.logShipper.resources.limits.memory,
  lokiBufferMb: DEFAULTS.prod.logShipper.lokiBufferMb,
};
const text = buildFluentBitConfig(opts);
const conf = YAML.parse(text) as { service: Section; pipeline: { inputs: Section[]; filters: Section[]; outputs: Section[] } };
const { inputs, filters, outputs } = conf.pipeline;
const named = (list: Section[], name: string) => list.filter((s) => s.name === name);

/** Fluent Bit's own label-list syntax: "k=v, k2=v2". */
function lokiLabels(o: Section): Record<string, string> {
  return Object.fromEntries(
    String(o.labels)
      .split(",")
      .map((kv) => kv.trim())
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
}

describe("buildFluentBitConfig", () => {
  test("is YAML with exactly the sections Fluent Bit's YAML format knows, each property single-valued", () => {
    expect(Object.keys(conf).sort()).toEqual(["pipeline", "service"]);
    expect(Object.keys(conf.pipeline).sort()).toEqual(["filters", "inputs", "outputs"]);
    for (const section of [conf.service, ...inputs, ...filters, ...outputs]) {
      for (const [k, v] of Object.entries(section)) expect([k, typeof v]).not.toEqual([k, "object"]);
    }
    // The yaml library would refuse duplicate keys; Fluent Bit's repeated-key idiom is never needed.
    expect(() => YAML.parse(text, { uniqueKeys: true })).not.toThrow();
  });

  test("HTTP server on the metrics port, with health checks and a filesystem buffer in the state dir", () => {
    expect(conf.service).toMatchObject({
      http_server: "on",
      http_listen: "0.0.0.0",
      http_port: PORTS.fluentBitHttp,
      health_check: "on",
      "storage.path": "/var/fluent-bit/state/buffer/",
      "storage.metrics": "on",
    });
    expect(conf.service.http_port).toBe(2020);
  });

  test("tail: all container logs, CRI and Docker multi-line, offsets DB in the state dir, bounded memory, filesystem storage", () => {
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({
      name: "tail",
      tag: "kube.*",
      path: "/var/log/containers/*.log",
      "multiline.parser": "cri, docker",
      db: "/var/fluent-bit/state/tail-containers.db",
      mem_buf_limit: "32MB",
      skip_long_lines: "on",
      "storage.type": "filesystem",
    });
    // Its own log files are not read: an output error would otherwise feed itself.
    expect(inputs[0].exclude_path).toBe("/var/log/containers/*_observability_fluent-bit-*.log");
  });

  test("memory buffers are a quarter of the container limit (dev 128Mi, prod 256Mi)", () => {
    expect(quantityMi("128Mi")).toBe(128);
    expect(quantityMi("1Gi")).toBe(1024);
    expect(memoryBudget("128Mi")).toEqual({ memBufLimitMb: 32, maxChunksUp: 16, emitterMemBufLimitMb: 8 });
    expect(memoryBudget(DEFAULTS.prod.logShipper.resources.limits.memory).memBufLimitMb).toBe(64);
    expect(conf.service["storage.max_chunks_up"]).toBe(16);
    expect(() => memoryBudget("16Mi")).toThrow(/at least 32Mi/);
    expect(() => quantityMi("1G")).toThrow(/not like/);
  });

  test("kubernetes filter: merge JSON logs, drop the raw line, pod-chosen parser/exclude, labels not annotations", () => {
    const k = named(filters, "kubernetes");
    expect(k).toHaveLength(1);
    expect(k[0]).toMatchObject({
      match: "kube.*",
      kube_tag_prefix: "kube.var.log.containers.",
      merge_log: "on",
      keep_log: "off",
      "k8s-logging.parser": "on",
      "k8s-logging.exclude": "on",
      labels: "on",
      annotations: "off",
    });
    expect(filters[0].name).toBe("kubernetes");
  });

  test("log class: the pod label routes audit and security into their own tags; everything else is application", () => {
    const [rw] = named(filters, "rewrite_tag");
    expect(rw.match).toBe("kube.*");
    expect(rw.rule).toBe(`$kubernetes['labels']['${LOG_CLASS_LABEL}'] ^(audit|security)$ logs.$1 false`);
    expect(rw["emitter_storage.type"]).toBe("filesystem");
    // The rule's regex accepts exactly the two labelled classes.
    const re = new RegExp(rw.rule.split(" ")[1]);
    expect(["audit", "security"].every((v) => re.test(v))).toBe(true);
    expect(["application", "Audit", "audit-x", "", "securityx"].some((v) => re.test(v))).toBe(false);
    expect(TAGS).toEqual({ input: "kube.*", application: "kube.*", audit: "logs.audit", security: "logs.security" });
    // Each class's tag gets its log_class field, overwriting whatever the application logged.
    const sets = named(filters, "modify").filter((f) => f.set);
    expect(sets.map((f) => [f.match, f.set])).toEqual([
      ["kube.*", "log_class application"],
      ["logs.audit", "log_class audit"],
      ["logs.security", "log_class security"],
    ]);
    // Routing runs after the metadata it reads exists.
    const order = filters.map((f) => f.name);
    expect(order.indexOf("kubernetes")).toBeLessThan(order.indexOf("rewrite_tag"));
    expect(order.indexOf("rewrite_tag")).toBeLessThan(order.findIndex((n, i) => n === "modify" && filters[i].set));
  });

  test("Elasticsearch: one output per class, into the class's rollover alias, ES 8 safe, bounded retries", () => {
    const es = named(outputs, "es");
    expect(es.map((o) => [o.match, o.index])).toEqual([
      ["kube.*", "logs-application"],
      ["logs.audit", "logs-audit"],
      ["logs.security", "logs-security"],
    ]);
    for (const o of es) {
      expect(o).toMatchObject({
        host: "elasticsearch.observability.svc.cluster.local",
        port: 9200,
        suppress_type_name: "on",
        replace_dots: "on",
        trace_error: "on",
      });
      expect(o.retry_limit).toEqual(expect.any(Number));
      expect(o.retry_limit).toBeGreaterThan(0);
      expect(o.retry_limit).toBeLessThanOrEqual(10);
      expect(o.logstash_format).toBeUndefined();
    }
    expect(LOG_CLASSES.map((c) => es.filter((o) => o.index === opts.logAliases[c]).length)).toEqual([1, 1, 1]);
  });

  test("Loki: the push API on the Service, every record, a fixed small label set", () => {
    const [loki] = named(outputs, "loki");
    expect(loki).toMatchObject({ match: "*", host: "loki.observability.svc.cluster.local", port: 3100, uri: "/loki/api/v1/push", line_format: "json" });
    expect(lokiLabels(loki)).toEqual({
      namespace: "$kubernetes['namespace_name']",
      pod: "$kubernetes['pod_name']",
      container: "$kubernetes['container_name']",
      app: "$kubernetes['labels']['app.kubernetes.io/name']",
      level: "$level",
      log_class: "$log_class",
    });
    expect(lokiLabels(loki)).toEqual(LOKI_LABELS);
    expect(loki.auto_kubernetes_labels).toBeUndefined();
    expect(loki.label_keys).toBeUndefined();
    // Never gives up: a Loki outage is held in the node's filesystem buffer, of the configured size.
    expect(loki.retry_limit).toBe("no_limits");
    expect(loki["storage.total_limit_size"]).toBe("4096M");
  });

  test("no high-cardinality Loki labels: no pod uid, ids, hosts, images or trace ids", () => {
    const [loki] = named(outputs, "loki");
    const labelText = `${loki.labels} ${loki.label_keys ?? ""} ${loki.label_map_path ?? ""}`;
    for (const bad of ["pod_id", "uid", "trace", "span", "request", "user", "host", "docker_id", "container_hash", "container_image", "url"]) {
      expect([bad, labelText.toLowerCase().includes(bad)]).toEqual([bad, false]);
    }
  });

  test("the trace id travels as structured metadata, copied so the line keeps it for Grafana's derived field", () => {
    const [loki] = named(outputs, "loki");
    expect(loki.structured_metadata).toBe(`trace_id=$${TRACE_ID_COPY_KEY}`);
    const copies = named(filters, "modify").filter((f) => f.copy);
    expect(copies.map((f) => [f.match, f.copy])).toEqual([
      ["*", `trace_id ${TRACE_ID_COPY_KEY}`],
      ["*", `traceId ${TRACE_ID_COPY_KEY}`],
      ["*", `traceID ${TRACE_ID_COPY_KEY}`],
    ]);
    // Kubernetes metadata is in the labels; the line carries the application's own fields.
    expect(loki.remove_keys).toBe("kubernetes, _p, stream");
    expect(loki.drop_single_key).toBe("raw");
  });

  test("endpoints and aliases are taken from the options, never hard-coded", () => {
    const other = YAML.parse(
      buildFluentBitConfig({
        ...opts,
        namespace: "obs2",
        loki: { host: "loki.obs2.svc", port: 3101 },
        elasticsearch: { host: "es.obs2.svc", port: 9201 },
        logAliases: { application: "a-app", audit: "a-audit", security: "a-sec" },
      }),
    );
    const outs = other.pipeline.outputs as Section[];
    expect(outs.map((o) => [o.name, o.host, o.port, o.index ?? null])).toEqual([
      ["loki", "loki.obs2.svc", 3101, null],
      ["es", "es.obs2.svc", 9201, "a-app"],
      ["es", "es.obs2.svc", 9201, "a-audit"],
      ["es", "es.obs2.svc", 9201, "a-sec"],
    ]);
    expect(other.pipeline.inputs[0].exclude_path).toBe("/var/log/containers/*_obs2_fluent-bit-*.log");
    expect(text).not.toContain("obs2");
  });
});

describe("Elasticsearch outputs of a secured Elasticsearch", () => {
  const secured = YAML.parse(
    buildFluentBitConfig({ ...opts, elasticsearch: { ...opts.elasticsearch, auth: { user: "fluent-bit", passwordEnv: "ELASTICSEARCH_PASSWORD", caFile: "/fluent-bit/etc/elasticsearch-ca/ca.crt" } } }),
  ) as typeof conf;
  const es = named(secured.pipeline.outputs, "es");

  test("every class's output: TLS verified against the CA, its own user, the password as a ${VAR} reference", () => {
    expect(es.length).toBe(LOG_CLASSES.length);
    for (const o of es) {
      expect([o.tls, o["tls.verify"], o["tls.ca_file"], o.http_user, o.http_passwd]).toEqual(["on", "on", "/fluent-bit/etc/elasticsearch-ca/ca.crt", "fluent-bit", "${ELASTICSEARCH_PASSWORD}"]);
    }
    // Loki's output is untouched.
    expect(Object.keys(named(secured.pipeline.outputs, "loki")[0])).toEqual(Object.keys(named(outputs, "loki")[0]));
  });

  test("without auth (dev with security off) no TLS and no credentials", () => {
    for (const o of named(outputs, "es")) expect([o.tls, o.http_user, o.http_passwd]).toEqual([undefined, undefined, undefined]);
  });
});

import YAML from "yaml";
import {
  buildDatasources,
  datasourceProvisioningFile,
  DATASOURCE_UIDS,
  TRACE_ID_REGEX,
  LOKI_SERVICE_LABEL,
  type DatasourceDef,
  type DatasourceEndpoints,
} from "../../components/grafana/datasources";
import { PORTS, SERVICES, serviceUrl } from "../../components/endpoints";
import { LOKI_LABELS } from "../../components/log-shipper/config-file";

const ns = "observability";
const endpoints: DatasourceEndpoints = {
  prometheusUrl: serviceUrl(SERVICES.prometheus, ns, PORTS.prometheus),
  lokiUrl: serviceUrl(SERVICES.loki, ns, PORTS.lokiHttp),
  elasticsearchUrl: serviceUrl(SERVICES.elasticsearch, ns, PORTS.elasticsearchHttp),
  jaegerUrl: serviceUrl(SERVICES.jaeger, ns, PORTS.jaegerQuery),
  elasticsearchIndex: "logs-*",
};

const byUid = (defs: DatasourceDef[]) => Object.fromEntries(defs.map((d) => [d.uid, d]));

describe("buildDatasources", () => {
  const defs = buildDatasources(endpoints);
  const ds = byUid(defs);

  test("the Prometheus datasource says what answers: Prometheus by default, Thanos Query with its version", () => {
    expect(ds.prometheus.jsonData.prometheusType).toBe("Prometheus");
    expect(ds.prometheus.jsonData.prometheusVersion).toBeUndefined();
    const thanos = byUid(buildDatasources({ ...endpoints, prometheusServer: { type: "Thanos", version: "0.42.4" } }));
    expect(thanos.prometheus.jsonData).toMatchObject({ prometheusType: "Thanos", prometheusVersion: "0.42.4", httpMethod: "POST" });
  });

  test("Loki's rules are managed from Grafana unless its rules API is elsewhere (the scalable mode's backend)", () => {
    expect(ds.loki.jsonData.manageAlerts).toBeUndefined();
    expect(byUid(buildDatasources({ ...endpoints, lokiRulerElsewhere: true })).loki.jsonData.manageAlerts).toBe(false);
  });

  test("four datasources with fixed uids, proxied, Prometheus the only default", () => {
    expect(defs.map((d) => [d.uid, d.type, d.name])).toEqual([
      ["prometheus", "prometheus", "Prometheus"],
      ["loki", "loki", "Loki"],
      ["elasticsearch", "elasticsearch", "Elasticsearch"],
      ["jaeger", "jaeger", "Jaeger"],
    ]);
    expect(defs.every((d) => d.access === "proxy")).toBe(true);
    expect(defs.filter((d) => d.isDefault).map((d) => d.uid)).toEqual(["prometheus"]);
  });

  test("URLs are the in-cluster service URLs they were given", () => {
    expect(ds.prometheus.url).toBe("http://prometheus.observability.svc.cluster.local:9090");
    expect(ds.loki.url).toBe("http://loki.observability.svc.cluster.local:3100");
    expect(ds.elasticsearch.url).toBe("http://elasticsearch.observability.svc.cluster.local:9200");
    expect(ds.jaeger.url).toBe("http://jaeger.observability.svc.cluster.local:16686");
    expect(ds.elasticsearch.jsonData.index).toBe("logs-*");
    expect(ds.elasticsearch.jsonData.timeField).toBe("@timestamp");
  });

  test("Loki derived field: trace id in a log line → Jaeger", () => {
    const fields = ds.loki.jsonData.derivedFields as Array<Record<string, string>>;
    expect(fields).toHaveLength(1);
    expect(fields[0]).toMatchObject({ name: "TraceID", datasourceUid: DATASOURCE_UIDS.jaeger, url: "${__value.raw}" });
    const re = new RegExp(fields[0].matcherRegex);
    const id = "4bf92f3577b34da6a3ce929d0e0e4736";
    for (const line of [
      `level=error msg="db timeout" trace_id=${id}`,
      `{"level":"error","traceId":"${id}"}`,
      `traceID: ${id} span ok`,
    ]) {
      expect(re.exec(line)?.[1]).toBe(id);
    }
    expect(re.exec("level=info msg=started")).toBeNull();
    expect(fields[0].matcherRegex).toBe(TRACE_ID_REGEX);
  });

  test("Jaeger traces-to-logs → Loki, traces-to-metrics → Prometheus", () => {
    const t2l = ds.jaeger.jsonData.tracesToLogsV2 as Record<string, unknown>;
    expect(t2l).toMatchObject({ datasourceUid: DATASOURCE_UIDS.loki, filterByTraceID: true });
    expect(t2l.tags).toEqual([{ key: "service.name", value: "app" }]);
    // The label exists: Fluent Bit attaches it to every Loki stream.
    expect(Object.keys(LOKI_LABELS)).toContain(LOKI_SERVICE_LABEL);
    expect((ds.jaeger.jsonData.tracesToMetrics as Record<string, unknown>).datasourceUid).toBe(DATASOURCE_UIDS.prometheus);
  });

  test("Prometheus exemplars → Jaeger", () => {
    expect(ds.prometheus.jsonData.exemplarTraceIdDestinations).toEqual([
      { name: "trace_id", datasourceUid: DATASOURCE_UIDS.jaeger, urlDisplayLabel: "View trace" },
    ]);
  });

  test("every correlation names a datasource that exists", () => {
    const uids = new Set(defs.map((d) => d.uid));
    const referenced = JSON.stringify(defs.map((d) => d.jsonData)).match(/"datasourceUid":"([^"]+)"/g) ?? [];
    expect(referenced.length).toBe(5);
    for (const r of referenced) expect(uids.has(r.split(":")[1].replace(/"/g, ""))).toBe(true);
  });

  test("a bad URL or index pattern fails with the offending value", () => {
    expect(() => buildDatasources({ ...endpoints, lokiUrl: "loki:3100" })).toThrow('lokiUrl "loki:3100" is not an http(s) URL');
    expect(() => buildDatasources({ ...endpoints, elasticsearchIndex: "" })).toThrow("elasticsearchIndex");
  });

  test("a trailing slash is dropped", () => {
    expect(buildDatasources({ ...endpoints, jaegerUrl: "http://jaeger:16686/" })[3].url).toBe("http://jaeger:16686");
  });
});

describe("datasourceProvisioningFile", () => {
  const defs = buildDatasources(endpoints);
  const file = datasourceProvisioningFile(defs) as { apiVersion: number; prune: boolean; datasources: Array<Record<string, any>> };

  test("Grafana's provisioning format, apiVersion 1", () => {
    expect(file.apiVersion).toBe(1);
    expect(file.prune).toBe(true);
    expect(file.datasources.map((d) => d.uid)).toEqual(["prometheus", "loki", "elasticsearch", "jaeger"]);
    expect(file.datasources[0]).toMatchObject({ name: "Prometheus", type: "prometheus", access: "proxy", isDefault: true, editable: false });
  });

  test("Grafana's ${...} placeholders are escaped as $$ against the file's env expansion, and round-trip through YAML", () => {
    const parsed = YAML.parse(YAML.stringify(file));
    expect(parsed.datasources[1].jsonData.derivedFields[0].url).toBe("$${__value.raw}");
    expect(parsed.datasources[2].jsonData.dataLinks[0].url).toBe("$${__value.raw}");
    // The builder's own output (what the API gets) is untouched.
    expect((defs[1].jsonData.derivedFields as Array<{ url: string }>)[0].url).toBe("${__value.raw}");
    // No unescaped $ left anywhere in the file.
    expect(JSON.stringify(file).replace(/\$\$/g, "")).not.toContain("$");
  });

  test("duplicate uids and two defaults are refused", () => {
    expect(() => datasourceProvisioningFile([defs[0], defs[0]])).toThrow('duplicate datasource uid "prometheus"');
    expect(() => datasourceProvisioningFile([defs[0], { ...defs[1], isDefault: true }])).toThrow("more than one default");
  });
});

describe("the Elasticsearch datasource of a secured Elasticsearch", () => {
  const defs = buildDatasources({ ...endpoints, elasticsearchUrl: "https://elasticsearch.observability.svc.cluster.local:9200", elasticsearchAuth: { username: "grafana" } });
  const es = defs.find((d) => d.uid === DATASOURCE_UIDS.elasticsearch)!;

  test("basic auth as its own user; the password and the CA only as references Grafana expands", () => {
    expect([es.basicAuth, es.basicAuthUser, es.jsonData.tlsAuthWithCACert]).toEqual([true, "grafana", true]);
    expect(es.secureJsonData).toEqual({ basicAuthPassword: "$ELASTICSEARCH_DATASOURCE_PASSWORD", tlsCACert: "$__file{/etc/grafana/elasticsearch-ca/ca.crt}" });
    // No other datasource gets credentials.
    expect(defs.filter((d) => d.secureJsonData).map((d) => d.uid)).toEqual([DATASOURCE_UIDS.elasticsearch]);
  });

  test("the provisioning file keeps the references unescaped (jsonData's $ are escaped, secureJsonData's are not)", () => {
    const file = datasourceProvisioningFile(defs) as { datasources: Record<string, any>[] };
    const d = file.datasources.find((x) => x.uid === DATASOURCE_UIDS.elasticsearch)!;
    expect([d.basicAuth, d.basicAuthUser, d.secureJsonData, d.url]).toEqual([true, "grafana", es.secureJsonData, "https://elasticsearch.observability.svc.cluster.local:9200"]);
    expect(d.jsonData.dataLinks[0].url).toBe("$${__value.raw}");
  });

  test("without auth (dev with security off): no basic auth, no secureJsonData", () => {
    const plain = buildDatasources(endpoints).find((d) => d.uid === DATASOURCE_UIDS.elasticsearch)!;
    expect([plain.basicAuth, plain.secureJsonData, plain.jsonData.tlsAuthWithCACert]).toEqual([undefined, undefined, undefined]);
  });
});

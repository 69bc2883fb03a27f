/**
 * Grafana datasources of the stack, as a pure builder.
 *
 * One definition serves both ways of getting them into Grafana:
 *  - Grafana in the cluster (grafana.deploy: true): datasourceProvisioningFile() is serialised into a
 *    ConfigMap mounted at /etc/grafana/provisioning/datasources;
 *  - an external Grafana (grafana.deploy: false): GrafanaContent creates grafana.oss.DataSource
 *    resources from the same definitions.
 *
 * The uids are fixed so that the correlations between datasources (logs → traces, traces → logs,
 * exemplars → traces) can name each other, and so that a datasource keeps its identity across
 * redeploys. Dashboards never use these uids: they pick a datasource through a template variable.
 */

/** Fixed datasource uids. Correlations reference these; dashboards do not. */
export const DATASOURCE_UIDS = {
  prometheus: "prometheus",
  loki: "loki",
  elasticsearch: "elasticsearch",
  jaeger: "jaeger",
} as const;

export type DatasourceKey = keyof typeof DATASOURCE_UIDS;

/** Where the datasources live; the URLs come from the components' outputs, never from literals. */
export interface DatasourceEndpoints {
  /** Prometheus HTTP API base URL, e.g. http://prometheus.observability.svc.cluster.local:9090. */
  prometheusUrl: string;
  /**
   * What answers at prometheusUrl: Prometheus, or Thanos Query (with its version, e.g. "0.42.4"), so
   * Grafana uses the API that server has. @default Prometheus
   */
  prometheusServer?: { type: "Prometheus" } | { type: "Thanos"; version: string };
  /**
   * Loki's rules API is not at lokiUrl (Loki's scalable mode: the ruler runs in the backend target,
   * Grafana reads from the read target). Grafana then does not list or manage Loki's rules there.
   * @default false
   */
  lokiRulerElsewhere?: boolean;
  /** Loki HTTP base URL (port 3100). */
  lokiUrl: string;
  /** Elasticsearch HTTP base URL (port 9200). */
  elasticsearchUrl: string;
  /** Jaeger query base URL (port 16686). */
  jaegerUrl: string;
  /** Index pattern the Elasticsearch datasource searches, e.g. "logs-*". */
  elasticsearchIndex: string;
  /**
   * A secured Elasticsearch: the datasource's user. Its password and the CA come from Grafana's
   * environment and files (ELASTICSEARCH_DATASOURCE_PASSWORD_ENV, ELASTICSEARCH_DATASOURCE_CA_FILE),
   * which the Grafana component fills from Secrets. @default none: plain HTTP, no credentials
   */
  elasticsearchAuth?: { username: string };
}

/** The variable Grafana expands into the Elasticsearch datasource's password, and where its CA is mounted. */
export const ELASTICSEARCH_DATASOURCE_PASSWORD_ENV = "ELASTICSEARCH_DATASOURCE_PASSWORD";
export const ELASTICSEARCH_DATASOURCE_CA_DIR = "/etc/grafana/elasticsearch-ca";
export const ELASTICSEARCH_DATASOURCE_CA_FILE = `${ELASTICSEARCH_DATASOURCE_CA_DIR}/ca.crt`;

/** A datasource, in the shape of Grafana's provisioning file (and convertible to a DataSource resource). */
export interface DatasourceDef {
  uid: string;
  name: string;
  type: "prometheus" | "loki" | "elasticsearch" | "jaeger";
  url: string;
  access: "proxy";
  isDefault: boolean;
  /** Type-specific settings, including the correlations to the other datasources. */
  jsonData: Record<string, unknown>;
  /** Provisioned datasources are not editable in the UI: the code is the source of truth. */
  editable: false;
  /** HTTP basic authentication with this user (the password in secureJsonData). */
  basicAuth?: boolean;
  basicAuthUser?: string;
  /** Credentials, only as references Grafana expands from its environment or files (`$VAR`, `$__file{...}`). */
  secureJsonData?: Record<string, string>;
}

/**
 * A trace id in a log line, in the spellings our services and the OpenTelemetry SDKs write:
 * `trace_id=…`, `traceID=…`, `traceId: …`, `"trace_id":"…"`. Grafana evaluates derived-field regexes
 * in the browser (JavaScript syntax); the first capture group is the trace id.
 */
export const TRACE_ID_REGEX = `(?:trace_id|traceID|traceId|trace-id)["']?\\s*[=:]\\s*["']?([0-9a-fA-F]{16,32})`;

/** The Loki stream label that names a service: Fluent Bit sets `app` from app.kubernetes.io/name. */
export const LOKI_SERVICE_LABEL = "app";

/** Scrape interval Grafana assumes for Prometheus ($__rate_interval is derived from it). */
const PROMETHEUS_TIME_INTERVAL = "15s";

function requireUrl(name: string, value: string): string {
  if (!/^https?:\/\/[^\s/]+/.test(value)) {
    throw new Error(`buildDatasources: ${name} ${JSON.stringify(value)} is not an http(s) URL`);
  }
  return value.replace(/\/+$/, "");
}

/**
 * The Prometheus datasource alone (the default datasource, uid "prometheus"), for a Grafana next to a
 * Prometheus without the rest of the stack. With `exemplarsToJaeger`, a click on an exemplar opens
 * its trace in the Jaeger datasource.
 */
export function prometheusDatasource(url: string, opts: { exemplarsToJaeger?: boolean; server?: DatasourceEndpoints["prometheusServer"] } = {}): DatasourceDef {
  const server = opts.server ?? { type: "Prometheus" };
  return {
    uid: DATASOURCE_UIDS.prometheus,
    name: "Prometheus",
    type: "prometheus",
    url: requireUrl("prometheusUrl", url),
    access: "proxy",
    isDefault: true,
    editable: false,
    jsonData: {
      httpMethod: "POST",
      timeInterval: PROMETHEUS_TIME_INTERVAL,
      prometheusType: server.type,
      ...(server.type === "Thanos" ? { prometheusVersion: server.version } : {}),
      // Exemplars carry the trace id of a sampled request: a click on one opens the trace in Jaeger.
      ...(opts.exemplarsToJaeger ? { exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: DATASOURCE_UIDS.jaeger, urlDisplayLabel: "View trace" }] } : {}),
    },
  };
}

/** The stack's datasources: Prometheus (default), Loki, Elasticsearch and Jaeger, correlated with each other. */
export function buildDatasources(e: DatasourceEndpoints): DatasourceDef[] {
  if (!e.elasticsearchIndex || /\s/.test(e.elasticsearchIndex)) {
    throw new Error(`buildDatasources: elasticsearchIndex ${JSON.stringify(e.elasticsearchIndex)} is not an index pattern like "logs-*"`);
  }
  const prometheus = prometheusDatasource(e.prometheusUrl, { exemplarsToJaeger: true, server: e.prometheusServer });
  const loki: DatasourceDef = {
    uid: DATASOURCE_UIDS.loki,
    name: "Loki",
    type: "loki",
    url: requireUrl("lokiUrl", e.lokiUrl),
    access: "proxy",
    isDefault: false,
    editable: false,
    jsonData: {
      maxLines: 1000,
      // The read target answers no rules API: Grafana's alert list would show an error for Loki.
      ...(e.lokiRulerElsewhere ? { manageAlerts: false } : {}),
      // A trace id in a log line becomes a link to the trace in Jaeger.
      derivedFields: [
        {
          name: "TraceID",
          matcherType: "regex",
          matcherRegex: TRACE_ID_REGEX,
          datasourceUid: DATASOURCE_UIDS.jaeger,
          url: "${__value.raw}",
          urlDisplayLabel: "View trace",
        },
      ],
    },
  };
  const elasticsearch: DatasourceDef = {
    uid: DATASOURCE_UIDS.elasticsearch,
    name: "Elasticsearch",
    type: "elasticsearch",
    url: requireUrl("elasticsearchUrl", e.elasticsearchUrl),
    access: "proxy",
    isDefault: false,
    editable: false,
    jsonData: {
      index: e.elasticsearchIndex,
      timeField: "@timestamp",
      logMessageField: "message",
      logLevelField: "level",
      maxConcurrentShardRequests: 5,
      // The same trace links as Loki, for the long-retention log copy.
      dataLinks: [{ field: "trace_id", datasourceUid: DATASOURCE_UIDS.jaeger, url: "${__value.raw}", urlDisplayLabel: "View trace" }],
      // TLS verified against the stack's CA (secureJsonData.tlsCACert).
      ...(e.elasticsearchAuth ? { tlsAuthWithCACert: true } : {}),
    },
    ...(e.elasticsearchAuth
      ? {
          basicAuth: true,
          basicAuthUser: e.elasticsearchAuth.username,
          secureJsonData: { basicAuthPassword: `$${ELASTICSEARCH_DATASOURCE_PASSWORD_ENV}`, tlsCACert: `$__file{${ELASTICSEARCH_DATASOURCE_CA_FILE}}` },
        }
      : {}),
  };
  const jaeger: DatasourceDef = {
    uid: DATASOURCE_UIDS.jaeger,
    name: "Jaeger",
    type: "jaeger",
    url: requireUrl("jaegerUrl", e.jaegerUrl),
    access: "proxy",
    isDefault: false,
    editable: false,
    jsonData: {
      // From a span to the logs of its service written while it ran, filtered by its trace id.
      tracesToLogsV2: {
        datasourceUid: DATASOURCE_UIDS.loki,
        spanStartTimeShift: "-5m",
        spanEndTimeShift: "5m",
        tags: [{ key: "service.name", value: LOKI_SERVICE_LABEL }],
        filterByTraceID: true,
        filterBySpanID: false,
        customQuery: false,
      },
      // From a span to its service's request rate and latency in Prometheus.
      tracesToMetrics: {
        datasourceUid: DATASOURCE_UIDS.prometheus,
        spanStartTimeShift: "-5m",
        spanEndTimeShift: "5m",
        tags: [{ key: "service.name", value: "service" }],
      },
      nodeGraph: { enabled: true },
      traceQuery: { timeShiftEnabled: true, spanStartTimeShift: "-1h", spanEndTimeShift: "1h" },
    },
  };
  return [prometheus, loki, elasticsearch, jaeger];
}

/**
 * Grafana expands `$VAR` and `${VAR}` in provisioning files from its environment; `$$` is a literal `$`.
 * Grafana's own link placeholders (`${__value.raw}`) must therefore be escaped in the file — and only
 * there: the API takes them as they are.
 */
function escapeForProvisioning(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/\$/g, "$$$$");
  if (Array.isArray(v)) return v.map(escapeForProvisioning);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeForProvisioning(x)]));
  }
  return v;
}

/** Grafana's datasource provisioning file (apiVersion 1), for /etc/grafana/provisioning/datasources. */
export function datasourceProvisioningFile(defs: DatasourceDef[]): object {
  const uids = new Set<string>();
  for (const d of defs) {
    if (uids.has(d.uid)) throw new Error(`datasourceProvisioningFile: duplicate datasource uid "${d.uid}"`);
    uids.add(d.uid);
  }
  if (defs.filter((d) => d.isDefault).length > 1) {
    throw new Error("datasourceProvisioningFile: more than one default datasource");
  }
  return {
    apiVersion: 1,
    // Datasources removed from the code are removed from Grafana too.
    prune: true,
    datasources: defs.map((d) => ({
      name: d.name,
      type: d.type,
      uid: d.uid,
      access: d.access,
      url: d.url,
      isDefault: d.isDefault,
      editable: d.editable,
      jsonData: escapeForProvisioning(d.jsonData),
      ...(d.basicAuth ? { basicAuth: true, basicAuthUser: d.basicAuthUser } : {}),
      // References only (`$VAR`, `$__file{...}`): Grafana expands them, so they are not escaped.
      ...(d.secureJsonData ? { secureJsonData: d.secureJsonData } : {}),
    })),
  };
}

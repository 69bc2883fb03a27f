/**
 * Ports, Service names and scrape job names, each defined once. The Services, the containers, the
 * scrape configs, the alert rules (job selectors) and the Grafana datasources all read them here.
 */
export const PORTS = {
  /** The node exporter's authenticating proxy on each node's address (HTTPS); the exporter itself listens on 127.0.0.1. */
  nodeExporter: 9100,
  /** The proxy's own /healthz (HTTPS, no authentication), for its readiness probe. */
  nodeExporterProxyHealth: 9110,
  prometheus: 9090,
  configReloader: 8080,
  alertmanager: 9093,
  alertmanagerCluster: 9094,
  lokiHttp: 3100,
  lokiGrpc: 9095,
  elasticsearchHttp: 9200,
  elasticsearchTransport: 9300,
  elasticsearchExporter: 9114,
  kibana: 5601,
  jaegerQuery: 16686,
  jaegerOtlpGrpc: 4317,
  jaegerOtlpHttp: 4318,
  /** Legacy Jaeger clients (the seeds' jaeger-client apps): collector HTTP (Thrift). */
  jaegerThriftHttp: 14268,
  /** Legacy Jaeger agent protocols over UDP: compact and binary Thrift. */
  jaegerThriftCompact: 6831,
  jaegerThriftBinary: 6832,
  /** Zipkin-format spans. */
  zipkin: 9411,
  /** Remote sampling strategies served to SDKs (HTTP). */
  jaegerSampling: 5778,
  /** Jaeger's own Prometheus metrics (the collector's telemetry). */
  jaegerMetrics: 8888,
  /** Jaeger v2 health check extension. */
  jaegerHealth: 13133,
  fluentBitHttp: 2020,
  grafana: 3000,
  /** kube-state-metrics: the Kubernetes objects' series, and its own telemetry. */
  kubeStateMetrics: 8080,
  kubeStateMetricsTelemetry: 8081,
  /** The kubelet's authenticated HTTPS port on each node (its /metrics and /metrics/cadvisor). */
  kubelet: 10250,
  /** Thanos' StoreAPI (gRPC): the sidecars and Store Gateway serve it, Query calls it. */
  thanosGrpc: 10901,
  /** Thanos' HTTP port: Query's API and UI, every Thanos component's /metrics and probes. */
  thanosHttp: 10902,
} as const;

/**
 * The stack's Kubernetes Service names: the names it gives its components, whose main Service
 * is named after the component (stable: renaming one breaks every client that was given its DNS
 * name). Auxiliary objects derive from them in the components (`alertmanager-peers`,
 * `elasticsearch-nodes`, `elasticsearch-exporter`); Kibana keeps its own name.
 */
export const SERVICES = {
  nodeExporter: "node-exporter",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  elasticsearch: "elasticsearch",
  kibana: "kibana",
  jaeger: "jaeger",
  fluentBit: "fluent-bit",
  grafana: "grafana",
  kubeStateMetrics: "kube-state-metrics",
  thanosQuery: "thanos-query",
  thanosStore: "thanos-store",
  thanosCompact: "thanos-compact",
} as const;

/**
 * Prometheus scrape job names. The self-monitoring alert rules select on these (`job="loki"`), so a
 * change here is a change to the rules too — they import this, never repeat the string.
 */
export const JOBS = {
  nodeExporter: "node-exporter",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  elasticsearch: "elasticsearch",
  jaeger: "jaeger",
  fluentBit: "fluent-bit",
  grafana: "grafana",
  kubernetesPods: "kubernetes-pods",
  kubernetesServices: "kubernetes-services",
  /** Kubernetes itself (components/prometheus/kubernetes-jobs.ts). */
  kubeStateMetrics: "kube-state-metrics",
  kubelet: "kubelet",
  cadvisor: "cadvisor",
  apiserver: "apiserver",
  /** Thanos: the sidecar beside each Prometheus, Query, Store Gateway and Compactor. */
  thanosSidecar: "thanos-sidecar",
  thanosQuery: "thanos-query",
  thanosStore: "thanos-store",
  thanosCompact: "thanos-compact",
} as const;

/**
 * app.kubernetes.io/name of each workload. Network policies select peers by this label alone, so
 * it is the one label that must never change.
 */
export const APPS = {
  nodeExporter: "node-exporter",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  elasticsearch: "elasticsearch",
  elasticsearchExporter: "elasticsearch-exporter",
  elasticsearchBootstrap: "elasticsearch-bootstrap",
  elasticsearchCertificates: "elasticsearch-certificates",
  kibana: "kibana",
  jaeger: "jaeger",
  fluentBit: "fluent-bit",
  grafana: "grafana",
  kubeStateMetrics: "kube-state-metrics",
  thanosQuery: "thanos-query",
  thanosStore: "thanos-store",
  thanosCompact: "thanos-compact",
} as const;

/** Pod selector for the pods of one app (for NetworkPolicy peers). */
export function podsOf(app: string): Record<string, string> {
  return { "app.kubernetes.io/name": app };
}

/** In-cluster DNS name of a Service. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** In-cluster URL of a Service port. */
export function serviceUrl(service: string, namespace: string, port: number, scheme: "http" | "https" = "http"): string {
  return `${scheme}://${serviceHost(service, namespace)}:${port}`;
}

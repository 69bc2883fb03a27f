/**
 * The library's public entry: every component and its Args, the whole stack, its config and the
 * pinned versions. `import { Prometheus } from "observability-stack"` resolves here (package.json
 * `exports`, built to dist/ by `npm run build:lib`). The program (index.ts) is one consumer of it.
 *
 * Every component takes flat, defaulted args: `new Prometheus("metrics", { namespace: "team-a" })`.
 * Each `XArgs` extends `PlacementArgs` (namespace, labels, storage class, persistence, protection);
 * every other field is optional with its `@default` in TSDoc, and `X_DEFAULTS` holds the values.
 * Inputs with nothing sensible to default to are required and say so (LogShipper's Loki and
 * Elasticsearch hosts; Elasticsearch's children take its URL). A component's name is the name of its
 * Kubernetes objects, so two instances need two names and then collide nowhere.
 * The stack (components/stack.ts) passes `context` and `settings` from its validated config instead.
 */
export { Prometheus, PROMETHEUS_DEFAULTS, PROMETHEUS_PORT_NAME } from "./prometheus/component";
export type { PrometheusArgs, PrometheusSettings } from "./prometheus/component";
export { NodeExporter, NODE_EXPORTER_DEFAULTS, NODE_EXPORTER_PORT_NAME } from "./node-exporter/component";
export type { NodeExporterArgs } from "./node-exporter/component";
export { Alertmanager, ALERTMANAGER_DEFAULTS, ALERTMANAGER_PORT_NAME, DEFAULT_ALERTMANAGER_CONFIG } from "./alertmanager/component";
export type { AlertmanagerArgs, AlertmanagerSettings } from "./alertmanager/component";
export { KubeStateMetrics, KUBE_STATE_METRICS_PORT_NAME } from "./kube-state-metrics/component";
export type { KubeStateMetricsArgs } from "./kube-state-metrics/component";
export { Loki, LOKI_DEFAULTS } from "./loki/component";
export type { LokiArgs, LokiSettings } from "./loki/component";
export { Elasticsearch, ELASTICSEARCH_DEFAULTS, ElasticsearchBootstrap, ElasticsearchExporter, Kibana } from "./elasticsearch/component";
export type { ElasticsearchArgs, ElasticsearchSnapshotArgs } from "./elasticsearch/component";
export type { ElasticsearchBootstrapArgs } from "./elasticsearch/bootstrap";
export type { ElasticsearchExporterArgs } from "./elasticsearch/exporter";
export type { KibanaArgs } from "./elasticsearch/kibana";
export { LOG_ALIASES, logIndexPattern } from "./elasticsearch/config-file";
export type { ElasticsearchSettings } from "./elasticsearch/config-file";
export { Jaeger, JAEGER_DEFAULTS } from "./jaeger/component";
export type { JaegerArgs } from "./jaeger/component";
export type { JaegerSettings } from "./jaeger/config-file";
export { LogShipper, LOG_SHIPPER_DEFAULTS } from "./log-shipper/component";
export type { LogShipperArgs } from "./log-shipper/component";
export { Grafana, GRAFANA_DEFAULTS, GRAFANA_PORT_NAME } from "./grafana/component";
export type { GrafanaArgs, GrafanaSettings } from "./grafana/component";
export { buildDatasources, prometheusDatasource } from "./grafana/datasources";
export type { DatasourceDef } from "./grafana/datasources";
export { GrafanaContent, grafanaProvider } from "./grafana/content";
export type { GrafanaContentArgs } from "./grafana/content";
export { Thanos, THANOS_DEFAULTS } from "./thanos/component";
export type { ThanosArgs, ThanosSettings } from "./thanos/component";
export { REPLICA_LABEL } from "./thanos/config-file";
export type { ObjectStorage } from "./thanos/config-file";
export { AwsStorage, awsStorageFor } from "./aws/component";
export type { AwsStorageArgs } from "./aws/component";
export { ObservabilityStack } from "./stack";
export type { ObservabilityStackArgs, StackEndpoints } from "./stack";
export { resolveContext } from "./common";
export type { PlacementArgs, StackContext, Workload } from "./common";
export { ConfigError, DEFAULTS, loadConfig, requiredSecrets } from "./config";
export type { RawConfig, StackConfig } from "./config";
export { dataVolumeProblems, plannedDataVolumes } from "./data-volumes";
export type { DataVolumes } from "./data-volumes";
export { IMAGES, image } from "./versions";
export { DEFAULT_NODE, MINIMUM_POD, PROD_LAYOUT, REFERENCE_LOAD, UNIT_COSTS, layoutOf, loadOf, lokiBufferHours, size, sizeProblems, sizingOf } from "./capacity";
export type { CapacitySettings, Layout, Load, LogClassLoad, NodeSize, PodSize, SizedSettings, Sizing } from "./capacity";
export { allDashboards, FOLDERS } from "../dashboards";
export type { DashboardSpec } from "../dashboards";

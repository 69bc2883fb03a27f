/**
 * The library's public entry: every component and its Args, the whole stack, its config and the
 * pinned versions. `import { Prometheus } from "observability-stack"` resolves here (package.json
 * `exports`, built to dist/ by `npm run build:lib`). The program (index.ts) is one consumer of it.
 *
 * Components that take flat, defaulted args (`new Prometheus("metrics", { namespace: "team-a" })`):
 * Prometheus and NodeExporter. The others take the stack's context and settings for now
 * (`{ context, settings }`, see components/stack.ts); their args are being moved to the same shape.
 */
export { Prometheus, PROMETHEUS_DEFAULTS, PROMETHEUS_PORT_NAME } from "./prometheus/component";
export type { PrometheusArgs, PrometheusSettings } from "./prometheus/component";
export { NodeExporter, NODE_EXPORTER_DEFAULTS, NODE_EXPORTER_PORT_NAME } from "./node-exporter/component";
export type { NodeExporterArgs } from "./node-exporter/component";
export { Alertmanager, ALERTMANAGER_PORT_NAME } from "./alertmanager/component";
export type { AlertmanagerArgs } from "./alertmanager/component";
export { KubeStateMetrics, KUBE_STATE_METRICS_PORT_NAME } from "./kube-state-metrics/component";
export type { KubeStateMetricsArgs } from "./kube-state-metrics/component";
export { Loki } from "./loki/component";
export type { LokiArgs } from "./loki/component";
export { Elasticsearch } from "./elasticsearch/component";
export type { ElasticsearchArgs, ElasticsearchSnapshotArgs } from "./elasticsearch/component";
export { Jaeger } from "./jaeger/component";
export type { JaegerArgs } from "./jaeger/component";
export { LogShipper } from "./fluent-bit/component";
export type { LogShipperArgs } from "./fluent-bit/component";
export { Grafana, GRAFANA_PORT_NAME } from "./grafana/component";
export type { GrafanaArgs } from "./grafana/component";
export { GrafanaContent, grafanaProvider } from "./grafana/content";
export type { GrafanaContentArgs } from "./grafana/content";
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
export { DEFAULT_NODE, REFERENCE_LOAD, UNIT_COSTS, size, sizeProblems } from "./capacity";
export type { ComponentSize, Load, NodeSize, Sizing } from "./capacity";

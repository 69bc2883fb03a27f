/**
 * Shared dashboard building blocks: the datasource / environment / service variables every dashboard
 * has, label filters, query factories and panel factories. Dashboards choose their datasource through
 * the `$datasource` variable only; no datasource uid appears in a dashboard.
 */
import { ENVIRONMENTS } from "../components/config/project";
import { LOKI_SERVICE_LABEL } from "../components/grafana/datasources";
import { common, dashboard, heatmap, logs, loki, prometheus, stat, table, timeseries } from "./sdk";
import type { cogT, commonT, dashboardT } from "./sdk";

/** Tag on every dashboard of the stack; the dashboards' link menu lists the dashboards carrying it. */
export const STACK_TAG = "observability-stack";

export type DatasourceKind = "prometheus" | "loki" | "jaeger";

/** The datasource of every panel and query: the dashboard's `$datasource` variable. */
export function ds(kind: DatasourceKind): commonT.DataSourceRef {
  return { type: kind, uid: "${datasource}" };
}

/** Label filters of the environment and service variables, for PromQL selectors. */
export const ENV = 'environment=~"$environment"';
export const SVC = 'service=~"$service"';
export const ENV_SVC = `${ENV}, ${SVC}`;

/** `metric{environment=~"$environment", service=~"$service", extra}`. */
export function sel(metric: string, extra?: string): string {
  return `${metric}{${ENV_SVC}${extra ? `, ${extra}` : ""}}`;
}

/** What the dashboards take from the stack's config. */
export interface DashboardOptions {
  /** The HTTP status label of http_requests_total (alerting.httpStatusLabel; the seeds disagree). */
  httpStatusLabel: string;
}

// ----------------------------------------------------------------------------------------------
// Variables

function datasourceVariable(kind: DatasourceKind): cogT.Builder<dashboardT.VariableModel> {
  return new dashboard.DatasourceVariableBuilder("datasource")
    .label("Data source")
    .type(kind)
    .description(`The ${kind} datasource the panels query.`);
}

/**
 * `$environment`: the `environment` label Prometheus attaches when series leave it (external label)
 * or that a central store keeps. All (`.*`) also matches series without the label, so a single
 * environment's own Prometheus shows everything.
 */
function environmentVariable(kind: DatasourceKind): cogT.Builder<dashboardT.VariableModel> {
  if (kind === "jaeger") {
    // Each environment runs its own Jaeger; the variable is carried to the metric dashboards by links.
    return new dashboard.CustomVariableBuilder("environment")
      .label("Environment")
      .description("Environment the linked metric and log dashboards open with (each environment has its own Jaeger).")
      .values(ENVIRONMENTS.join(","))
      .includeAll(true)
      .allValue(".*")
      .multi(true);
  }
  const query = kind === "prometheus" ? "label_values(up, environment)" : "label_values(environment)";
  return queryVariable("environment", "Environment", "Environment label of the series (all = every series, with or without the label).", kind, query, ".*");
}

/** A multi-value variable filled by a label-values query, refreshed with the time range. */
export function queryVariable(name: string, label: string, description: string, kind: DatasourceKind, query: string, allValue: string): cogT.Builder<dashboardT.VariableModel> {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(ds(kind))
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue(allValue)
    .multi(true);
}

/** `$service`: the `service` label of Prometheus series (of `up`, or `from`), Loki's service label, or a Jaeger service. */
function serviceVariable(kind: DatasourceKind, from = "up"): cogT.Builder<dashboardT.VariableModel> {
  if (kind === "jaeger") {
    // A text box: Grafana's Jaeger datasource takes a variable in the service field, but offers no
    // variable query to list the services; Jaeger's own service list is in the query editor.
    return new dashboard.TextBoxVariableBuilder("service")
      .label("Service")
      .description("Jaeger service name: the OpenTelemetry service.name of the application (for example the app label of its logs).")
      .defaultValue("");
  }
  const query =
    kind === "prometheus" ? `label_values(${from}{${ENV}}, service)` : `label_values({${LOKI_SERVICE_LABEL}=~".+"}, ${LOKI_SERVICE_LABEL})`;
  const description =
    kind === "prometheus" ? (from === "up" ? "Service label of the scraped targets." : `Service label of the ${from} series.`) : "Application label of the log streams.";
  // All = ".+": Loki needs a non-empty matcher in every stream selector; Prometheus series always carry service.
  return queryVariable("service", "Service", description, kind, query, ".+");
}

// ----------------------------------------------------------------------------------------------
// Dashboard

export interface DashboardMeta {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  /** The datasource type `$datasource` selects. */
  kind: DatasourceKind;
  /** Default time range, e.g. "now-6h". */
  from?: string;
  /** Prometheus: the series whose service labels fill `$service`. Default `up` (every scraped service). */
  servicesFrom?: string;
}

/** A dashboard with the stack's defaults: read-only, the three variables, links to the other dashboards. */
export function baseDashboard(m: DashboardMeta): dashboardT.DashboardBuilder {
  return new dashboard.DashboardBuilder(m.title)
    .uid(m.uid)
    .description(m.description)
    .tags([STACK_TAG, ...m.tags])
    .readonly()
    .timezone("browser")
    .refresh("1m")
    .time({ from: m.from ?? "now-6h", to: "now" })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable(m.kind))
    .withVariable(environmentVariable(m.kind))
    .withVariable(serviceVariable(m.kind, m.servicesFrom))
    .link(
      new dashboard.DashboardLinkBuilder("Observability stack")
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([STACK_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

export function row(title: string): dashboardT.RowBuilder {
  return new dashboard.RowBuilder(title);
}

// ----------------------------------------------------------------------------------------------
// Queries

export interface PromOpts {
  /** Instant query (stat panels, tables). */
  instant?: boolean;
  /** Show exemplars (latency histograms: a click opens the trace). */
  exemplar?: boolean;
  format?: "heatmap" | "table";
}

export function promQ(expr: string, legend: string, o: PromOpts = {}): prometheusT_Builder {
  const q = new prometheus.DataqueryBuilder().datasource(ds("prometheus")).expr(expr).legendFormat(legend);
  if (o.instant) q.instant();
  else q.range();
  if (o.exemplar) q.exemplar(true);
  if (o.format === "heatmap") q.format(prometheus.PromQueryFormat.Heatmap);
  if (o.format === "table") q.format(prometheus.PromQueryFormat.Table);
  return q;
}
type prometheusT_Builder = InstanceType<typeof prometheus.DataqueryBuilder>;

export function lokiQ(expr: string, legend = "", o: { logs?: boolean; maxLines?: number } = {}): InstanceType<typeof loki.DataqueryBuilder> {
  const q = new loki.DataqueryBuilder().datasource(ds("loki")).expr(expr);
  if (legend) q.legendFormat(legend);
  if (o.logs) q.queryType("range").maxLines(o.maxLines ?? 500);
  else q.queryType("range");
  return q;
}

/** A Jaeger query: the SDK has no Jaeger types, so this is the query model Grafana's Jaeger datasource reads. */
export interface JaegerQuery {
  queryType: "search" | "dependencyGraph";
  service?: string;
  operation?: string;
  /** logfmt, e.g. "error=true". */
  tags?: string;
  minDuration?: string;
  limit?: number;
}

export function jaegerQ(q: JaegerQuery): Target {
  let refId = "A";
  return {
    refId(id: string) {
      refId = id;
      return this;
    },
    build: () =>
      ({
        refId,
        datasource: ds("jaeger"),
        ...q,
        _implementsDataqueryVariant() {},
      }) as cogT.Dataquery,
  };
}

// ----------------------------------------------------------------------------------------------
// Panels

/** A query builder; panels number their queries A, B, C… */
export type Target = cogT.Builder<cogT.Dataquery> & { refId(id: string): unknown };

function numbered(targets: Target[]): Target[] {
  targets.forEach((t, i) => t.refId(String.fromCharCode(65 + i)));
  return targets;
}

export interface PanelOpts {
  title: string;
  description: string;
  unit: string;
  targets: Target[];
  /** Grid width (of 24) and height. */
  span?: number;
  height?: number;
  min?: number;
  max?: number;
}

export function timeSeries(o: PanelOpts & { stack?: boolean }): InstanceType<typeof timeseries.PanelBuilder> {
  const p = new timeseries.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(o.targets.length ? ds(kindOf(o.targets)) : ds("prometheus"))
    .unit(o.unit)
    .targets(numbered(o.targets))
    .span(o.span ?? 12)
    .height(o.height ?? 8)
    .fillOpacity(10)
    .lineWidth(1)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).calcs(["mean", "max", "lastNotNull"]))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  if (o.stack) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)).fillOpacity(40);
  return p;
}

export interface StatOpts extends PanelOpts {
  /** Thresholds: base colour, then [value, colour] steps. */
  thresholds?: { base: string; steps: [number, string][] };
}

export function statPanel(o: StatOpts): InstanceType<typeof stat.PanelBuilder> {
  const t = o.thresholds ?? { base: "green", steps: [] };
  const p = new stat.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(ds(kindOf(o.targets)))
    .unit(o.unit)
    .targets(numbered(o.targets))
    .span(o.span ?? 4)
    .height(o.height ?? 4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
    .thresholds(
      new dashboard.ThresholdsConfigBuilder()
        .mode(dashboard.ThresholdsMode.Absolute)
        .steps([{ value: null, color: t.base }, ...t.steps.map(([value, color]) => ({ value, color }))]),
    );
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  return p;
}

export function heatmapPanel(o: PanelOpts): InstanceType<typeof heatmap.PanelBuilder> {
  return new heatmap.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(ds(kindOf(o.targets)))
    .unit(o.unit)
    .targets(numbered(o.targets))
    .span(o.span ?? 12)
    .height(o.height ?? 8)
    .calculate(false)
    .color(
      new heatmap.HeatmapColorOptionsBuilder()
        .mode(heatmap.HeatmapColorMode.Scheme)
        .scheme("Oranges")
        .fill("dark-orange")
        .scale(heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5)
        .steps(64)
        .reverse(false),
    );
}

export function tablePanel(o: PanelOpts): InstanceType<typeof table.PanelBuilder> {
  return new table.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(ds(kindOf(o.targets)))
    .unit(o.unit)
    .targets(numbered(o.targets))
    .span(o.span ?? 24)
    .height(o.height ?? 8);
}

export function logsPanel(o: Omit<PanelOpts, "unit">): InstanceType<typeof logs.PanelBuilder> {
  return new logs.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(ds("loki"))
    .targets(numbered(o.targets))
    .span(o.span ?? 24)
    .height(o.height ?? 12)
    .showTime(true)
    .enableLogDetails(true)
    .wrapLogMessage(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
}

/** The datasource kind of a panel's queries (they all share it). */
function kindOf(targets: Target[]): DatasourceKind {
  const kinds = new Set(targets.map((t) => (t.build() as unknown as { datasource?: { type?: string } }).datasource?.type));
  if (kinds.size !== 1) throw new Error(`a panel's queries must share one datasource type; got ${[...kinds].join(", ")}`);
  return [...kinds][0] as DatasourceKind;
}

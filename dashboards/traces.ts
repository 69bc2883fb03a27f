/** 6. Traces: Jaeger trace search for a service, its slow and failed traces, and the service graph. */
import { baseDashboard, jaegerQ, row, tablePanel } from "./common";
import { nodegraph } from "./sdk";
import type { dashboardT } from "./sdk";
import { ds } from "./common";

export const UID = "obs-traces";

/** Traces slower than this are listed as slow. */
export const SLOW_TRACE = "1s";

export function tracesDashboard(): dashboardT.Dashboard {
  return baseDashboard({
    uid: UID,
    title: "Traces",
    description: "Jaeger: recent, slow and failed traces of a service, and the dependency graph. Spans link to their logs in Loki.",
    tags: ["traces", "jaeger"],
    kind: "jaeger",
    from: "now-1h",
  })
    .withRow(row("Trace search"))
    .withPanel(
      tablePanel({
        title: "Recent traces",
        description: "The latest traces of the service; a trace id opens the trace view.",
        unit: "ms",
        targets: [jaegerQ({ queryType: "search", service: "$service", limit: 20 })],
      }),
    )
    .withPanel(
      tablePanel({
        title: `Slow traces (> ${SLOW_TRACE})`,
        description: `Traces of the service that took longer than ${SLOW_TRACE}: where the latency is.`,
        unit: "ms",
        span: 12,
        targets: [jaegerQ({ queryType: "search", service: "$service", minDuration: SLOW_TRACE, limit: 20 })],
      }),
    )
    .withPanel(
      tablePanel({
        title: "Traces with errors",
        description: "Traces of the service with a span marked error=true.",
        unit: "ms",
        span: 12,
        targets: [jaegerQ({ queryType: "search", service: "$service", tags: "error=true", limit: 20 })],
      }),
    )
    .withRow(row("Dependencies"))
    .withPanel(
      new nodegraph.PanelBuilder()
        .title("Service dependencies")
        .description("Which services call which, from the spans stored in the selected time range.")
        .datasource(ds("jaeger"))
        .targets([jaegerQ({ queryType: "dependencyGraph" })])
        .span(24)
        .height(12),
    )
    .build();
}

/** 5. Logs: Loki volume by service and level, error logs, and log lines that link to their trace. */
import { LOKI_SERVICE_LABEL as APP } from "../components/grafana/datasources";
import { baseDashboard, lokiQ, logsPanel, row, timeSeries } from "./common";
import type { dashboardT } from "./sdk";

export const UID = "obs-logs";

/** Stream selector of the selected services and environments. */
const STREAMS = `${APP}=~"$service", environment=~"$environment"`;
const ERRORS = `${STREAMS}, level=~"(?i)(error|fatal|critical|panic)"`;

export function logsDashboard(): dashboardT.Dashboard {
  return baseDashboard({
    uid: UID,
    title: "Logs",
    description:
      "Log volume by service, level and class from Loki, the error lines, and lines carrying a trace id (the trace id opens the trace in Jaeger).",
    tags: ["logs", "loki"],
    kind: "loki",
    from: "now-1h",
  })
    .withRow(row("Volume"))
    .withPanel(
      timeSeries({
        title: "Log volume by service",
        description: "Log lines per interval for each service.",
        unit: "short",
        stack: true,
        targets: [lokiQ(`sum by (${APP}) (count_over_time({${STREAMS}} [$__auto]))`, `{{${APP}}}`)],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Log volume by level",
        description: "Log lines per interval for each level, over the selected services.",
        unit: "short",
        stack: true,
        targets: [lokiQ(`sum by (level) (count_over_time({${STREAMS}} [$__auto]))`, "{{level}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Error lines by service",
        description: "Lines at error level or worse per interval, per service.",
        unit: "short",
        targets: [lokiQ(`sum by (${APP}) (count_over_time({${ERRORS}} [$__auto]))`, `{{${APP}}}`)],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Log volume by class",
        description: "Log lines per interval by retention class (application, audit, security).",
        unit: "short",
        stack: true,
        targets: [lokiQ(`sum by (log_class) (count_over_time({${STREAMS}} [$__auto]))`, "{{log_class}}")],
      }),
    )
    .withRow(row("Lines"))
    .withPanel(
      logsPanel({
        title: "Error logs",
        description: "Lines at error level or worse. A trace id in a line becomes a link to the trace in Jaeger.",
        targets: [lokiQ(`{${ERRORS}}`, "", { logs: true })],
      }),
    )
    .withPanel(
      logsPanel({
        title: "Logs with a trace id",
        description: "Lines whose record carried a trace id (kept as structured metadata); each links to its trace in Jaeger.",
        targets: [lokiQ(`{${STREAMS}} | trace_id != ""`, "", { logs: true })],
      }),
    )
    .build();
}

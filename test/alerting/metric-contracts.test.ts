/**
 * The names the self-monitoring rules select depend on how the stack's components expose their
 * metrics. Where our own config decides a name, hold it here, next to the rules that need it.
 */
import { RULE_METRICS } from "../../components/alerting/rules";
import { PORTS } from "../../components/endpoints";
import { buildJaegerConfig } from "../../components/jaeger/config-file";
import { stackConfig } from "./helpers";

describe("metric names the rules rely on", () => {
  it("Jaeger exposes its collector telemetry through a Prometheus reader that keeps the _total suffix", () => {
    // The collector's built-in default reader sets without_type_suffix (otelcol_receiver_refused_spans);
    // a reader configured explicitly, as ours is, keeps Prometheus' counter suffix, which the rules use.
    const config = buildJaegerConfig(stackConfig("dev").jaeger, { namespace: "observability" }) as {
      service: { telemetry: { metrics: { readers: { pull: { exporter: { prometheus: Record<string, unknown> } } }[] } } };
    };
    const readers = config.service.telemetry.metrics.readers;
    expect(readers).toHaveLength(1);
    const prometheus = readers[0].pull.exporter.prometheus;
    expect(prometheus.port).toBe(PORTS.jaegerMetrics);
    expect(prometheus.without_type_suffix).not.toBe(true);
    expect(RULE_METRICS.filter((m) => m.startsWith("otelcol_")).every((m) => m.endsWith("_total"))).toBe(true);
  });
});

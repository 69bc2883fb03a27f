/**
 * The environments' presets and the components' own defaults, frozen: test/fixtures/presets.json was
 * written from DEFAULTS and the X_DEFAULTS constants before the schema moved next to each component,
 * so moving where a value is written down cannot change the value. Change the fixture only together
 * with a deliberate change of a default.
 */
import fixture from "../fixtures/presets.json";
import { DEFAULTS } from "../../components/config";
import {
  ALERTMANAGER_DEFAULTS,
  ELASTICSEARCH_DEFAULTS,
  GRAFANA_DEFAULTS,
  JAEGER_DEFAULTS,
  LOG_SHIPPER_DEFAULTS,
  LOKI_DEFAULTS,
  NODE_EXPORTER_DEFAULTS,
  PROMETHEUS_DEFAULTS,
  THANOS_DEFAULTS,
} from "../../components";

const COMPONENT_DEFAULTS = {
  PROMETHEUS_DEFAULTS,
  ALERTMANAGER_DEFAULTS,
  LOKI_DEFAULTS,
  ELASTICSEARCH_DEFAULTS,
  JAEGER_DEFAULTS,
  LOG_SHIPPER_DEFAULTS,
  GRAFANA_DEFAULTS,
  NODE_EXPORTER_DEFAULTS,
  THANOS_DEFAULTS,
};

/** `obj` without `keys`. */
function without<T extends object>(obj: T, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
}

describe("presets", () => {
  it.each(["dev", "prod"] as const)("DEFAULTS.%s holds exactly the frozen values", (env) => {
    expect(DEFAULTS[env]).toEqual(fixture.presets[env]);
  });

  it("DEFAULTS has the two environments and no other", () => {
    expect(Object.keys(DEFAULTS).sort()).toEqual(["dev", "prod"]);
  });

  it.each(Object.keys(COMPONENT_DEFAULTS) as (keyof typeof COMPONENT_DEFAULTS)[])("%s holds exactly the frozen values", (name) => {
    expect(COMPONENT_DEFAULTS[name]).toEqual(fixture.components[name]);
  });
});

describe("a component's own defaults are the dev preset's", () => {
  const dev = DEFAULTS.dev;

  it("Alertmanager, Elasticsearch and the log shipper: the whole dev slice", () => {
    expect(ALERTMANAGER_DEFAULTS).toEqual(dev.alertmanager);
    expect(ELASTICSEARCH_DEFAULTS).toEqual(dev.elasticsearch);
    expect(LOG_SHIPPER_DEFAULTS).toEqual(dev.logShipper);
  });

  it("Loki and Jaeger: the dev slice without the stack's capacity estimate", () => {
    expect(LOKI_DEFAULTS).toEqual(without(dev.loki, "estimatedGiPerDay"));
    expect(JAEGER_DEFAULTS).toEqual(without(dev.jaeger, "estimatedGiPerDay"));
  });

  it("Grafana and the node exporter: the dev slice without the stack's switches", () => {
    expect(GRAFANA_DEFAULTS).toEqual(without(dev.grafana, "deploy", "url"));
    expect(NODE_EXPORTER_DEFAULTS).toEqual(without(dev.nodeExporter, "enabled"));
  });

  it("Prometheus: the dev slice without the capacity estimate, except its retention (Prometheus' own 15 days; dev keeps 7)", () => {
    expect(PROMETHEUS_DEFAULTS).toEqual({ ...without(dev.prometheus, "estimatedGiPerDay"), retentionDays: 15 });
    expect(dev.prometheus.retentionDays).toBe(7);
  });
});

/**
 * The retention each telemetry store of a stack declares, read from the same artifacts the
 * retention policies check. Used to match object-storage lifecycles to their store.
 */
import { parseDurationDays } from "./duration";
import { appNameOf, asArray, configMapData, containersOf, findContainer, flagValue, labelsOf, podTemplateOf } from "./k8s";
import { at, parseJson, parseYaml } from "./parse";
import { jaegerBackends, runsImage } from "./jaeger";

export interface StoreResource {
  type: string;
  props: Record<string, any>;
}

/** Store name (app.kubernetes.io/name) → retention in days, for the stores whose retention is found. */
export function retentionDaysByStore(resources: StoreResource[]): Record<string, number> {
  const out: Record<string, number> = {};
  const keep = (store: string, days: number | undefined) => {
    if (days !== undefined && days > 0) out[store] = Math.max(out[store] ?? 0, days);
  };
  for (const r of resources) {
    const name = appNameOf(r.type, r.props);
    if (!name) continue;
    if (r.type === "kubernetes:core/v1:ConfigMap") {
      const data = configMapData(r.props, true);
      for (const [key, text] of Object.entries(data)) {
        if (name === "loki" && key.endsWith(".yaml")) {
          const p = parseYaml(text);
          if (p.ok) keep("loki", parseDurationDays(String(at(p.value, "limits_config.retention_period") ?? "")));
        }
        if (name === "elasticsearch" && /^ilm-.+\.json$/.test(key)) {
          const p = parseJson(text);
          if (p.ok) keep("elasticsearch", parseDurationDays(String(at(p.value, "policy.phases.delete.min_age") ?? "")));
        }
        if (name === "jaeger" && key.endsWith(".yaml")) {
          const p = parseYaml(text);
          if (!p.ok) continue;
          for (const b of jaegerBackends(p.value)) {
            if (b.kind === "badger") keep("jaeger", parseDurationDays(String(at(b.settings, "ttl.spans") ?? "")));
          }
        }
      }
      continue;
    }
    const t = podTemplateOf(r.type, r.props);
    if (!t) continue;
    if (name === "prometheus") {
      const c = findContainer(t.spec, "prometheus");
      if (c) keep("prometheus", parseDurationDays(flagValue(c, "--storage.tsdb.retention.time") ?? ""));
    }
    // Thanos: the Compactor's longest resolution retention is how long the bucket keeps a block.
    if (name === "thanos-compact") {
      const c = findContainer(t.spec, "thanos");
      if (c) for (const res of ["raw", "5m", "1h"]) keep("thanos", parseDurationDays(flagValue(c, `--retention.resolution-${res}`) ?? ""));
    }
    if (name === "jaeger") {
      for (const c of containersOf(t.spec)) {
        if (!runsImage(c.container, "jaeger-es-index-cleaner")) continue;
        const first = asArray(c.container.args)[0];
        if (/^\d+$/.test(String(first ?? ""))) keep("jaeger", Number(first));
      }
    }
  }
  return out;
}

/** True when any resource is a workload of the given app. */
export function hasWorkload(resources: StoreResource[], app: string): boolean {
  return resources.some((r) => podTemplateOf(r.type, r.props) && appNameOf(r.type, r.props) === app);
}

/** ConfigMaps labeled with the given app name. */
export function configMapsOf(resources: StoreResource[], app: string): StoreResource[] {
  return resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap" && labelsOf(r.props)["app.kubernetes.io/name"] === app);
}



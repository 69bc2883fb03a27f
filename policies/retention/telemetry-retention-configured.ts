/**
 * telemetry-retention-configured: every telemetry store the stack runs ships the artifact that
 * carries its retention, so the store-specific retention policies have something to check.
 *
 * Severity: high. A Loki without its loki.yaml, an Elasticsearch without the ILM policy of a log
 * class, or a Jaeger on Elasticsearch without its index cleaner keeps data forever, and the
 * per-resource policies cannot see an artifact that is missing.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { appNameOf, configMapData, containersOf, hasUnknownData, kindOf, objectName, podTemplateOf } from "../lib/k8s";
import { parseYaml } from "../lib/parse";
import { configMapsOf } from "../lib/stores";
import { jaegerBackends, runsImage } from "../lib/jaeger";

export interface TelemetryRetentionConfiguredConfig {
  loki: { appName: string; configKey: string };
  elasticsearch: { appName: string; requiredClasses: string[] };
  jaeger: { appName: string; configKey: string; indexCleanerImage: string };
}

export const telemetryRetentionConfiguredDefaults: TelemetryRetentionConfiguredConfig = {
  loki: { appName: "loki", configKey: "loki.yaml" },
  elasticsearch: { appName: "elasticsearch", requiredClasses: ["application", "audit", "security"] },
  jaeger: { appName: "jaeger", configKey: "config.yaml", indexCleanerImage: "jaeger-es-index-cleaner" },
};

export const telemetryRetentionConfigured: StackValidationPolicy = {
  name: "telemetry-retention-configured",
  description: "Every telemetry store in the stack has its retention artifact: Loki's config, an Elasticsearch ILM policy per log class, Jaeger's storage config and index cleaner.",
  severity: "high",
  configSchema: {
    properties: {
      loki: { type: "object", default: telemetryRetentionConfiguredDefaults.loki },
      elasticsearch: { type: "object", default: telemetryRetentionConfiguredDefaults.elasticsearch },
      jaeger: { type: "object", default: telemetryRetentionConfiguredDefaults.jaeger },
    },
  },
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const cfg = readConfig(args, telemetryRetentionConfiguredDefaults);
    const resources = args.resources;
    // The main workload of an app: the first one that is not a CronJob/Job (a cleaner is not the store).
    const workload = (app: string) =>
      resources.find((r) => podTemplateOf(r.type, r.props) && !/Job$/.test(r.type) && appNameOf(r.type, r.props) === app);
    const describe = (r: { type: string; props: Record<string, any>; name: string }) => `${kindOf(r.type)} "${objectName(r.props, r.name)}"`;

    // Data computed from other resources is unknown during a preview: a store whose ConfigMaps are
    // not all known yet is not judged (the update's own check sees the real data).
    const unknown = (app: string) => configMapsOf(resources, app).some((r) => hasUnknownData(r.props));

    const loki = workload(cfg.loki.appName);
    if (loki && !unknown(cfg.loki.appName) && !configMapsOf(resources, cfg.loki.appName).some((r) => cfg.loki.configKey in configMapData(r.props, true))) {
      reportViolation(`${describe(loki)} runs Loki but no ConfigMap labeled app.kubernetes.io/name=${cfg.loki.appName} has ${cfg.loki.configKey}; its retention cannot be checked`, loki.urn);
    }

    const es = workload(cfg.elasticsearch.appName);
    if (es && !unknown(cfg.elasticsearch.appName)) {
      const keys = new Set(configMapsOf(resources, cfg.elasticsearch.appName).flatMap((r) => Object.keys(configMapData(r.props, true))));
      for (const c of cfg.elasticsearch.requiredClasses) {
        if (!keys.has(`ilm-${c}.json`)) {
          reportViolation(`${describe(es)} runs Elasticsearch but no ILM policy ilm-${c}.json exists for log class "${c}"`, es.urn);
        }
      }
    }

    const jaeger = workload(cfg.jaeger.appName);
    if (jaeger && !unknown(cfg.jaeger.appName)) {
      const texts = configMapsOf(resources, cfg.jaeger.appName)
        .map((r) => configMapData(r.props, true)[cfg.jaeger.configKey])
        .filter((t): t is string => t !== undefined);
      if (texts.length === 0) {
        reportViolation(`${describe(jaeger)} runs Jaeger but no ConfigMap labeled app.kubernetes.io/name=${cfg.jaeger.appName} has ${cfg.jaeger.configKey}; its retention cannot be checked`, jaeger.urn);
      }
      const external = texts.some((t) => {
        const p = parseYaml(t);
        return p.ok && jaegerBackends(p.value).some((b) => b.kind === "elasticsearch" || b.kind === "opensearch");
      });
      const cleaner = resources.some((r) => {
        const t = podTemplateOf(r.type, r.props);
        return t && appNameOf(r.type, r.props) === cfg.jaeger.appName && containersOf(t.spec).some((c) => runsImage(c.container, cfg.jaeger.indexCleanerImage));
      });
      if (external && !cleaner) {
        reportViolation(`${describe(jaeger)} stores traces in Elasticsearch but no CronJob runs ${cfg.jaeger.indexCleanerImage}; trace indices would never be deleted`, jaeger.urn);
      }
    }
  },
};

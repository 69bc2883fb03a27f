/**
 * elasticsearch-ilm-retention: every class of logs in Elasticsearch is deleted by an ILM policy
 * within its bounds, and the class's index template attaches that policy.
 *
 * Severity: high. An index template without index.lifecycle.name, or an ILM policy without a
 * delete phase, keeps indices until the disk fills. Classes may carry a compliance tier: a minimum
 * (seven years for audit and security logs in prod) instead of a maximum.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DayBounds, dayBoundsSchema, describeBounds, readConfig, withinBounds } from "../lib/config";
import { formatDays, parseDurationDays } from "../lib/duration";
import { asObj, configMapData, labelsOf } from "../lib/k8s";
import { parseJson } from "../lib/parse";

export interface ElasticsearchIlmRetentionConfig {
  /** app.kubernetes.io/name of the ConfigMap holding the ILM policies and index templates. */
  appName: string;
  /** Bounds of the delete phase per log class (the part after "ilm-" in the data key). */
  classes: Record<string, DayBounds>;
  /** Bounds for a class that `classes` does not name. */
  defaultBounds: DayBounds;
}

export const elasticsearchIlmRetentionDefaults: ElasticsearchIlmRetentionConfig = {
  appName: "elasticsearch",
  classes: {},
  defaultBounds: { minDays: 1, maxDays: 3650 },
};

const ILM_KEY = /^ilm-(.+)\.json$/;
const TEMPLATE_KEY = /^index-template-(.+)\.json$/;

/** index.lifecycle.name of a composable (or legacy) index template, in any of its spellings. */
export function lifecycleNameOf(template: unknown): unknown {
  const t = asObj(template);
  const settings = asObj(asObj(t?.template)?.settings) ?? asObj(t?.settings);
  if (!settings) return undefined;
  const index = asObj(settings.index);
  return settings["index.lifecycle.name"] ?? index?.["lifecycle.name"] ?? asObj(index?.lifecycle)?.name;
}

export const elasticsearchIlmRetention: ResourceValidationPolicy = {
  name: "elasticsearch-ilm-retention",
  description: "Every Elasticsearch log class has an ILM policy whose delete phase is within the class's bounds, attached by the class's index template.",
  severity: "high",
  configSchema: {
    properties: {
      appName: { type: "string", default: elasticsearchIlmRetentionDefaults.appName },
      classes: { type: "object", additionalProperties: dayBoundsSchema, default: {} },
      defaultBounds: { ...dayBoundsSchema, default: { ...elasticsearchIlmRetentionDefaults.defaultBounds } },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "kubernetes:core/v1:ConfigMap") return;
    const cfg = readConfig(args, elasticsearchIlmRetentionDefaults);
    if (labelsOf(args.props)["app.kubernetes.io/name"] !== cfg.appName) return;
    // Tolerant: values unknown during a preview (the snapshot bodies) are skipped; the ILM and
    // template keys this policy reads are plain text the program knows.
    const data = configMapData(args.props, true);
    const ilmClasses = new Set<string>();
    const templateClasses = new Set<string>();
    for (const key of Object.keys(data).sort()) {
      const ilm = ILM_KEY.exec(key);
      if (ilm) {
        ilmClasses.add(ilm[1]);
        checkIlm(key, data[key], cfg.classes[ilm[1]] ?? cfg.defaultBounds, reportViolation);
      }
      const tpl = TEMPLATE_KEY.exec(key);
      if (tpl) {
        templateClasses.add(tpl[1]);
        const parsed = parseJson(data[key]);
        if (!parsed.ok) {
          reportViolation(`${key} is not valid JSON: ${parsed.error}`);
          continue;
        }
        const name = lifecycleNameOf(parsed.value);
        if (typeof name !== "string" || name === "") {
          reportViolation(`${key} attaches no ILM policy (settings index.lifecycle.name is not set); its indices would never be deleted`);
        }
      }
    }
    for (const c of [...templateClasses].sort()) {
      if (!ilmClasses.has(c)) reportViolation(`index-template-${c}.json has no ILM policy ilm-${c}.json for its class`);
    }
    for (const c of [...ilmClasses].sort()) {
      if (!templateClasses.has(c)) reportViolation(`ilm-${c}.json is attached by no index template (index-template-${c}.json)`);
    }
  },
};

function checkIlm(key: string, text: string, bounds: DayBounds, report: (m: string) => void): void {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    report(`${key} is not valid JSON: ${parsed.error}`);
    return;
  }
  const phases = asObj(asObj(asObj(parsed.value)?.policy)?.phases);
  const del = asObj(phases?.delete);
  if (!del || !asObj(del.actions)?.delete) {
    report(`${key} has no delete phase with a delete action; allowed: ${describeBounds(bounds)}`);
    return;
  }
  const minAge = del.min_age ?? "0ms";
  const days = parseDurationDays(String(minAge));
  if (days === undefined) report(`${key}: delete phase min_age "${minAge}" is not a duration like "365d"`);
  else if (!withinBounds(days, bounds)) {
    report(`${key}: delete phase min_age "${minAge}" is ${formatDays(days)} days; allowed: ${describeBounds(bounds)}`);
  }
}

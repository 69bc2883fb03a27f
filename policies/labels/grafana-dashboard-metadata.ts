/**
 * grafana-dashboard-metadata: every Grafana dashboard has tags and sits in a folder, wherever it
 * lives: a grafana Dashboard resource (external Grafana, created through the API) or a dashboard
 * file in a provisioning ConfigMap (in-cluster Grafana), whose folder is named by the ConfigMap's
 * `observability-stack/grafana-folder-uid` annotation.
 *
 * Severity: low. Dashboards in the General folder without tags cannot be found, permissioned
 * per folder, or linked by tag from other dashboards.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asObj, configMapData } from "../lib/k8s";
import { known, parseJson } from "../lib/parse";

export const GRAFANA_DASHBOARD_TYPE = "grafana:oss/dashboard:Dashboard";
/** The annotation on a ConfigMap of dashboard files: the uid of the folder they are provisioned into. */
export const DASHBOARD_FOLDER_ANNOTATION = "observability-stack/grafana-folder-uid";

function check(text: unknown, folder: unknown, fallbackTitle: string, where: string, reportViolation: (m: string) => void, folderHint: string): void {
  const parsed = typeof text === "string" ? parseJson(text) : { ok: true as const, value: text };
  if (!parsed.ok) {
    reportViolation(`${where} is not valid JSON: ${parsed.error}`);
    return;
  }
  const dashboard = asObj(parsed.value) ?? {};
  const title = typeof dashboard.title === "string" ? dashboard.title : fallbackTitle;
  const tags = asArray(dashboard.tags).filter((t) => typeof t === "string" && t.trim() !== "");
  if (tags.length === 0) reportViolation(`dashboard "${title}" has no tags`);
  if (folder === undefined || folder === null || folder === "" || folder === "0") {
    reportViolation(`dashboard "${title}" is not in a folder; ${folderHint}`);
  }
}

export const grafanaDashboardMetadata: ResourceValidationPolicy = {
  name: "grafana-dashboard-metadata",
  description: "Every Grafana dashboard (API resource or provisioned file) has at least one tag and is placed in a folder.",
  severity: "low",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type === GRAFANA_DASHBOARD_TYPE || args.type === "grafana:index/dashboard:Dashboard") {
      const folder = known(() => args.props.folder as unknown, "(unknown)");
      check(args.props.configJson, folder, args.name, "configJson", reportViolation, "set folder to a Folder's uid");
      return;
    }
    if (args.type !== "kubernetes:core/v1:ConfigMap") return;
    const annotations = asObj(asObj(args.props.metadata)?.annotations);
    if (!annotations || !(DASHBOARD_FOLDER_ANNOTATION in annotations)) return;
    const folder = annotations[DASHBOARD_FOLDER_ANNOTATION];
    const data = configMapData(args.props, true);
    for (const key of Object.keys(data).sort()) {
      if (!key.endsWith(".json")) continue;
      check(data[key], folder, key, `data "${key}"`, reportViolation, `set the ${DASHBOARD_FOLDER_ANNOTATION} annotation to a folder's uid`);
    }
  },
};

/**
 * grafana-dashboard-metadata: every Grafana dashboard has tags and sits in a folder.
 *
 * Severity: low. Dashboards in the General folder without tags cannot be found, permissioned
 * per folder, or linked by tag from other dashboards.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asObj } from "../lib/k8s";
import { known, parseJson } from "../lib/parse";

export const GRAFANA_DASHBOARD_TYPE = "grafana:oss/dashboard:Dashboard";

export const grafanaDashboardMetadata: ResourceValidationPolicy = {
  name: "grafana-dashboard-metadata",
  description: "Every Grafana dashboard has at least one tag and is placed in a folder.",
  severity: "low",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== GRAFANA_DASHBOARD_TYPE && args.type !== "grafana:index/dashboard:Dashboard") return;
    const folder = known(() => args.props.folder as unknown, "(unknown)");
    const text = args.props.configJson;
    const parsed = typeof text === "string" ? parseJson(text) : { ok: true as const, value: text };
    if (!parsed.ok) {
      reportViolation(`configJson is not valid JSON: ${parsed.error}`);
      return;
    }
    const dashboard = asObj(parsed.value) ?? {};
    const title = typeof dashboard.title === "string" ? dashboard.title : args.name;
    const tags = asArray(dashboard.tags).filter((t) => typeof t === "string" && t.trim() !== "");
    if (tags.length === 0) reportViolation(`dashboard "${title}" has no tags`);
    if (folder === undefined || folder === null || folder === "" || folder === "0") {
      reportViolation(`dashboard "${title}" is not in a folder; set folder to a Folder's uid`);
    }
  },
};

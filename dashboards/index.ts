/**
 * Every dashboard of the stack and the folder it lives in. GrafanaContent creates the folders and
 * dashboards from here; the tests build, lint and check each of them.
 */
import { alertingDefaults } from "../components/alerting/schema";
import { appPerformance, UID as APP_PERFORMANCE } from "./app-performance";
import type { DashboardOptions } from "./common";
import { businessLearning, UID as BUSINESS } from "./business";
import { infrastructure, UID as INFRASTRUCTURE } from "./infrastructure";
import { kubernetesDashboard, UID as KUBERNETES } from "./kubernetes";
import { logsDashboard, UID as LOGS } from "./logs";
import { sloDashboard, UID as SLO } from "./slo";
import { stackHealth, UID as STACK_HEALTH } from "./stack-health";
import { systemOverview, UID as SYSTEM_OVERVIEW } from "./system-overview";
import { tracesDashboard, UID as TRACES } from "./traces";

/** Folders by domain. The uids are stable: a dashboard's folder is found by it. */
export const FOLDERS = {
  platform: { uid: "obs-platform", title: "Platform" },
  applications: { uid: "obs-applications", title: "Applications" },
  business: { uid: "obs-business", title: "Business" },
  observability: { uid: "obs-observability", title: "Observability" },
} as const;
export type FolderKey = keyof typeof FOLDERS;

export interface DashboardSpec {
  uid: string;
  title: string;
  folder: FolderKey;
  /** The dashboard model, as Grafana's API takes it (and dashboards/lint.ts checks it). */
  json: object;
}

const REGISTRY: { uid: string; folder: FolderKey; build: (opts: DashboardOptions) => { title?: string; uid?: string } }[] = [
  { uid: SYSTEM_OVERVIEW, folder: "platform", build: systemOverview },
  { uid: INFRASTRUCTURE, folder: "platform", build: infrastructure },
  { uid: KUBERNETES, folder: "platform", build: kubernetesDashboard },
  { uid: APP_PERFORMANCE, folder: "applications", build: appPerformance },
  { uid: SLO, folder: "applications", build: sloDashboard },
  { uid: BUSINESS, folder: "business", build: businessLearning },
  { uid: LOGS, folder: "observability", build: logsDashboard },
  { uid: TRACES, folder: "observability", build: tracesDashboard },
  { uid: STACK_HEALTH, folder: "observability", build: stackHealth },
];

/** The defaults: the alerting defaults' status label (the same in dev and prod). */
export const DEFAULT_DASHBOARD_OPTIONS: DashboardOptions = { httpStatusLabel: alertingDefaults.prod.httpStatusLabel };

/** Build every dashboard. Pure: the same JSON for the same options. */
export function allDashboards(opts: DashboardOptions = DEFAULT_DASHBOARD_OPTIONS): DashboardSpec[] {
  return REGISTRY.map((r) => {
    // JSON round trip: drops the SDK's marker methods and undefined fields, leaving the plain model.
    const json = JSON.parse(JSON.stringify(r.build(opts))) as { uid?: string; title?: string; panels?: { id?: number }[] };
    if (json.uid !== r.uid) throw new Error(`dashboard ${r.uid}: built with uid ${json.uid}`);
    // Stable panel ids in layout order: links to a panel (viewPanel=) survive a rebuild.
    (json.panels ?? []).forEach((p, i) => (p.id = i + 1));
    return { uid: r.uid, title: json.title ?? r.uid, folder: r.folder, json };
  });
}

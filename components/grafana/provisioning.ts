/**
 * Grafana's file provisioning, as pure builders: what the in-cluster Grafana (grafana.deploy: true)
 * reads from disk at start-up, so that `pulumi up` never needs a network path to Grafana's API.
 *
 *  - dashboards: one provider per folder (dashboardProviders), reading the dashboard JSON files
 *    that a ConfigMap per folder mounts (dashboardFiles). Grafana polls those folders, so a dashboard
 *    changed in code is live after the next `up` (kubelet updates the mounted ConfigMap) without a
 *    restart; a dashboard removed from code is removed from Grafana (disableDeletion: false).
 *  - alerting (alertingProvisioning): the message template, the maintenance mute timing, the contact
 *    points of the enabled receivers and the notification policy tree, the same objects GrafanaContent
 *    creates through the API for an external Grafana. Credentials are never in the file: each one is a
 *    `$VAR` reference that Grafana expands from an environment variable set from a Secret.
 *
 * Both ways (file and API) are built from the same specs (contactPointSpecs, buildPolicyTree), so an
 * in-cluster and an external Grafana route alerts the same way.
 */
import type { Environment } from "../config/project";
import type { SecretKey } from "../config/secrets";
import { emailSettings, type AlertingConfig } from "../alerting/schema";
import { GROUP_BY } from "../alerting/alertmanager";
import type { DashboardSpec, FolderKey } from "../../dashboards";

/** Grafana's provisioning directory (GF_PATHS_PROVISIONING) and where dashboard files are mounted. */
export const PROVISIONING_DIR = "/etc/grafana/provisioning";
export const DASHBOARDS_DIR = "/etc/grafana/dashboards";
/** How often Grafana rescans the dashboard folders. */
export const DASHBOARD_POLL_SECONDS = 30;
/** The only org a fresh Grafana has. */
const ORG_ID = 1;
/** A ConfigMap holds at most 1 MiB; leave room for metadata. */
export const CONFIGMAP_MAX_BYTES = 900 * 1024;

/** A weekly window in which warning and info notifications are muted (critical ones never are). */
export interface MaintenanceWindow {
  /** Lower-case weekday names, e.g. ["sunday"]. */
  weekdays: string[];
  /** "HH:MM", 24h. */
  start: string;
  end: string;
  /** IANA time zone. */
  location: string;
}

/** Sunday 02:00–04:00 UTC: the platform's maintenance window. */
export const DEFAULT_MAINTENANCE_WINDOW: MaintenanceWindow = { weekdays: ["sunday"], start: "02:00", end: "04:00", location: "UTC" };

/** Names the Grafana UI, the policy tree and the contact points' templates use. */
export const GRAFANA_ALERTING_NAMES = {
  contactPoints: { critical: "critical", warning: "warning", info: "info", education: "education-team" },
  muteTiming: "maintenance-window",
  template: "observability-stack",
} as const;
export type ContactPointRole = keyof typeof GRAFANA_ALERTING_NAMES.contactPoints;

/** Notification title and body shared by every contact point. */
export function messageTemplate(environment: Environment): string {
  const t = GRAFANA_ALERTING_NAMES.template;
  return [
    `{{ define "${t}.title" }}[${environment}] [{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} ({{ . }}){{ end }}{{ end }}`,
    `{{ define "${t}.message" }}{{ range .Alerts }}{{ .Annotations.summary }}`,
    `{{ .Annotations.description }}{{ with .Annotations.runbook_url }}`,
    `Runbook: {{ . }}{{ end }}`,
    `{{ end }}{{ end }}`,
  ].join("\n");
}

export const TITLE = `{{ template "${GRAFANA_ALERTING_NAMES.template}.title" . }}`;
export const MESSAGE = `{{ template "${GRAFANA_ALERTING_NAMES.template}.message" . }}`;

export type IntegrationType = "slack" | "pagerduty" | "email" | "webhook";

/**
 * One integration of a contact point, in Grafana's own settings keys (those of its provisioning
 * files and API). The credential, if any, is named by its secret key and kept apart from the
 * settings, so each renderer decides how it travels (a secret Output, or a `$VAR` reference).
 */
export interface IntegrationSpec {
  type: IntegrationType;
  settings: Record<string, string | boolean>;
  credential?: { setting: string; secret: SecretKey };
}

/**
 * Integrations per contact point role, for the receivers that are enabled. A role none of whose
 * integrations is enabled is absent.
 */
export function contactPointSpecs(alerting: AlertingConfig): Partial<Record<ContactPointRole, IntegrationSpec[]>> {
  const r = alerting.receivers;
  const mail = emailSettings(r.email);
  const slack = (channel: string): IntegrationSpec => ({
    type: "slack",
    settings: { recipient: channel, title: TITLE, text: MESSAGE },
    credential: { setting: "url", secret: "slackWebhookUrl" },
  });
  const email = (to: string): IntegrationSpec => ({ type: "email", settings: { addresses: to, subject: TITLE, message: MESSAGE, singleEmail: true } });
  const webhook = (): IntegrationSpec => ({ type: "webhook", settings: { title: TITLE, message: MESSAGE }, credential: { setting: "url", secret: "webhookUrl" } });
  const pagerduty = (): IntegrationSpec => ({
    type: "pagerduty",
    settings: { severity: "critical", summary: TITLE },
    credential: { setting: "integrationKey", secret: "pagerdutyRoutingKey" },
  });
  const roles: Record<ContactPointRole, (IntegrationSpec | false)[]> = {
    critical: [r.pagerduty.enabled && pagerduty(), r.slack.enabled && slack(r.slack.criticalChannel), !!mail && email(mail.onCallTo), r.webhook.enabled && webhook()],
    warning: [r.slack.enabled && slack(r.slack.warningChannel), r.webhook.enabled && webhook()],
    info: [r.slack.enabled && slack(r.slack.infoChannel), r.webhook.enabled && webhook()],
    education: [!!mail && email(mail.educationTeamTo)],
  };
  const out: Partial<Record<ContactPointRole, IntegrationSpec[]>> = {};
  for (const [role, list] of Object.entries(roles) as [ContactPointRole, (IntegrationSpec | false)[]][]) {
    const present = list.filter((i): i is IntegrationSpec => i !== false);
    if (present.length) out[role] = present;
  }
  return out;
}

export interface PolicyNode {
  contactPoint: ContactPointRole;
  matchers: { label: string; match: "=" | "!=" | "=~" | "!~"; value: string }[];
  continue?: boolean;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  /** Mute timings by name (the maintenance window). */
  muteTimings?: string[];
}

export interface PolicyTree {
  root: ContactPointRole;
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  policies: PolicyNode[];
}

/**
 * The notification policy tree for the contact points that exist, or undefined when none does.
 * Same order, matchers and timings as Alertmanager's routes; warning and info are muted during the
 * maintenance window, critical never is.
 */
export function buildPolicyTree(alerting: AlertingConfig, present: ContactPointRole[]): PolicyTree | undefined {
  const has = (r: ContactPointRole) => present.includes(r);
  const root = (["info", "warning", "critical"] as const).find(has) ?? (has("education") ? "education" : undefined);
  if (!root) return undefined;
  const t = alerting.routing;
  const repeat = t.repeatIntervalHours;
  const sev = (value: string) => [{ label: "severity", match: "=" as const, value }];
  const mute = [GRAFANA_ALERTING_NAMES.muteTiming];
  const policies: PolicyNode[] = [];
  if (has("education")) {
    policies.push({ contactPoint: "education", matchers: [{ label: "category", match: "=", value: "educational" }], continue: true });
  }
  if (has("critical")) {
    policies.push({ contactPoint: "critical", matchers: sev("critical"), groupWait: `${t.criticalGroupWaitSeconds}s`, repeatInterval: `${repeat.critical}h` });
  }
  if (has("warning")) {
    policies.push({ contactPoint: "warning", matchers: sev("warning"), repeatInterval: `${repeat.warning}h`, muteTimings: mute });
  }
  if (has("info")) {
    policies.push({ contactPoint: "info", matchers: sev("info"), groupWait: "5m", groupInterval: "30m", repeatInterval: `${repeat.info}h`, muteTimings: mute });
  }
  return {
    root,
    groupBy: [...GROUP_BY],
    groupWait: `${t.groupWaitSeconds}s`,
    groupInterval: `${t.groupIntervalMinutes}m`,
    repeatInterval: `${repeat.warning}h`,
    policies,
  };
}

/** The environment variable that carries a secret into Grafana's alerting provisioning file. */
export function credentialEnvName(secret: SecretKey): string {
  return `CONTACT_POINT_${secret.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

export interface AlertingProvisioningArgs {
  environment: Environment;
  alerting: AlertingConfig;
  /** Default: DEFAULT_MAINTENANCE_WINDOW. */
  maintenanceWindow?: MaintenanceWindow;
}

export interface AlertingProvisioning {
  /** The file Grafana reads from provisioning/alerting (a plain object; serialise with `yaml`). */
  file: Record<string, unknown>;
  /** The secrets the file references, by environment variable name. */
  credentials: Record<string, SecretKey>;
}

/**
 * Grafana's alerting provisioning file: template, mute timing, contact points (credentials as `$VAR`
 * references, never values) and the notification policy tree. With no receiver enabled there are no
 * contact points and no tree, and Grafana keeps its built-in default policy.
 */
export function alertingProvisioning(args: AlertingProvisioningArgs): AlertingProvisioning {
  const names = GRAFANA_ALERTING_NAMES;
  const mw = args.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
  const credentials: Record<string, SecretKey> = {};
  const specs = contactPointSpecs(args.alerting);
  const contactPoints = (Object.entries(specs) as [ContactPointRole, IntegrationSpec[]][]).map(([role, integrations]) => ({
    orgId: ORG_ID,
    name: names.contactPoints[role],
    receivers: integrations.map((i) => {
      const settings: Record<string, string | boolean> = { ...i.settings };
      if (i.credential) {
        const env = credentialEnvName(i.credential.secret);
        credentials[env] = i.credential.secret;
        // `$VAR`, not `${VAR}`: Grafana expands either, and a `$` inside the value is then left alone.
        settings[i.credential.setting] = `$${env}`;
      }
      return { uid: `${role}-${i.type}`, type: i.type, settings, disableResolveMessage: false };
    }),
  }));
  const file: Record<string, unknown> = {
    apiVersion: 1,
    templates: [{ orgId: ORG_ID, name: names.template, template: messageTemplate(args.environment) }],
    muteTimes: [
      {
        orgId: ORG_ID,
        name: names.muteTiming,
        time_intervals: [{ times: [{ start_time: mw.start, end_time: mw.end }], weekdays: mw.weekdays, location: mw.location }],
      },
    ],
  };
  const tree = buildPolicyTree(args.alerting, Object.keys(specs) as ContactPointRole[]);
  if (contactPoints.length) file.contactPoints = contactPoints;
  if (tree) {
    file.policies = [
      {
        orgId: ORG_ID,
        receiver: names.contactPoints[tree.root],
        group_by: tree.groupBy,
        group_wait: tree.groupWait,
        group_interval: tree.groupInterval,
        repeat_interval: tree.repeatInterval,
        routes: tree.policies.map((p) => ({
          receiver: names.contactPoints[p.contactPoint],
          object_matchers: p.matchers.map((m) => [m.label, m.match, m.value]),
          ...(p.continue ? { continue: true } : {}),
          ...(p.groupWait ? { group_wait: p.groupWait } : {}),
          ...(p.groupInterval ? { group_interval: p.groupInterval } : {}),
          ...(p.repeatInterval ? { repeat_interval: p.repeatInterval } : {}),
          ...(p.muteTimings ? { mute_time_intervals: p.muteTimings } : {}),
        })),
      },
    ];
  }
  return { file, credentials };
}

export type Folders = Record<FolderKey, { uid: string; title: string }>;

/** Where a folder's dashboard files are mounted. */
export function dashboardFolderPath(key: string): string {
  return `${DASHBOARDS_DIR}/${key}`;
}

/** Grafana's dashboard provisioning file: one file provider per folder, polled, deletions followed. */
export function dashboardProviders(folders: Folders): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: (Object.entries(folders) as [FolderKey, { uid: string; title: string }][]).map(([key, f]) => ({
      name: f.uid,
      orgId: ORG_ID,
      folder: f.title,
      folderUid: f.uid,
      type: "file",
      // The code is the source of truth: a dashboard removed from code is removed from Grafana, and
      // edits in the UI cannot be saved over a provisioned dashboard.
      disableDeletion: false,
      allowUiUpdates: false,
      updateIntervalSeconds: DASHBOARD_POLL_SECONDS,
      options: { path: dashboardFolderPath(key), foldersFromFilesStructure: false },
    })),
  };
}

/**
 * Every dashboard has its own uid and sits in one of `folders`; throws, naming the dashboard, if not.
 * Shared by the files of the in-cluster Grafana and the API resources of an external one.
 */
export function checkDashboards(dashboards: DashboardSpec[], folders: Folders): void {
  const seen = new Set<string>();
  for (const d of dashboards) {
    if (seen.has(d.uid)) throw new Error(`Grafana dashboards: two dashboards with uid "${d.uid}"`);
    seen.add(d.uid);
    if (!(d.folder in folders)) {
      throw new Error(`Grafana dashboards: dashboard "${d.uid}" is in folder "${d.folder}", which is not one of ${Object.keys(folders).join(", ")}`);
    }
  }
}

/**
 * The dashboard files of each folder: `<uid>.json` → the dashboard model. Every folder of `folders`
 * is present (empty when it holds no dashboard), so its provider always has a directory to read.
 * Throws on a duplicate uid, an unknown folder, or a folder too large for one ConfigMap.
 */
export function dashboardFiles(dashboards: DashboardSpec[], folders: Folders): Record<FolderKey, Record<string, string>> {
  checkDashboards(dashboards, folders);
  const out = Object.fromEntries(Object.keys(folders).map((k) => [k, {} as Record<string, string>])) as Record<FolderKey, Record<string, string>>;
  for (const d of dashboards) out[d.folder][`${d.uid}.json`] = JSON.stringify(d.json);
  for (const [key, files] of Object.entries(out)) {
    const bytes = Object.entries(files).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (bytes > CONFIGMAP_MAX_BYTES) {
      throw new Error(`Grafana dashboards: folder "${key}" holds ${bytes} bytes of dashboards; one ConfigMap allows at most ${CONFIGMAP_MAX_BYTES}. Split it into more folders.`);
    }
  }
  return out;
}

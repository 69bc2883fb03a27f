/**
 * Grafana as code through Grafana's HTTP API, for an external Grafana (grafana.deploy: false): folders,
 * dashboards, datasources, and Grafana alerting's contact points, notification policy tree, mute timing
 * and message template. The in-cluster Grafana gets the same content from provisioning files
 * (./provisioning.ts, mounted by the Grafana component), so deploying it needs no network path into
 * the cluster.
 *
 * Everything goes through an explicit Grafana provider (grafanaProvider below) that the caller passes
 * in opts.providers; every child also depends on what the caller passed in opts.dependsOn (the Grafana
 * Deployment), so nothing talks to Grafana before it runs.
 *
 * Contact points and the policy tree mirror Alertmanager's routing (components/alerting/alertmanager.ts):
 * one contact point per severity receiver, created only when at least one of its integrations is
 * enabled, and severity routes to them. Grafana has no integration that is valid without a destination
 * (Alertmanager's "null" receiver has no Grafana equivalent), so:
 *  - the root of the tree goes to the least urgent contact point that exists (info, then warning, then
 *    critical), never to a made-up one;
 *  - with no receiver enabled (dev), no contact point and no policy tree are created and Grafana keeps
 *    its built-in default policy. Grafana-managed alerts are not how this stack alerts (Prometheus
 *    and Alertmanager are), so nothing is lost, and no resource points at a destination that does not exist.
 */
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { Environment } from "../config/project";
import type { SecretKey } from "../config/secrets";
import { alertingDefaults, type AlertingConfig } from "../alerting/schema";
import { allDashboards, FOLDERS, type DashboardSpec, type FolderKey } from "../../dashboards";
import { DATASOURCE_UIDS, type DatasourceDef, type DatasourceKey } from "./datasources";
import {
  buildPolicyTree,
  checkDashboards,
  DEFAULT_MAINTENANCE_WINDOW,
  GRAFANA_ALERTING_NAMES,
  messageTemplate,
  type ContactPointRole,
  type MaintenanceWindow,
} from "./provisioning";
import { buildContactPoints } from "./content-builders";

/** The pure builders live in ./content-builders.ts; re-exported so existing imports keep working. */
export { buildContactPoints };

/** Connection to a Grafana: its URL and either "user:password" (basic auth) or a service-account token. */
export interface GrafanaConnection {
  url: pulumi.Input<string>;
  auth: pulumi.Input<string>;
}

/** The explicit provider every Grafana resource goes through. The credentials stay secret. */
export function grafanaProvider(name: string, c: GrafanaConnection, opts?: pulumi.CustomResourceOptions): grafana.Provider {
  return new grafana.Provider(name, { url: c.url, auth: pulumi.secret(c.auth) }, opts);
}

export interface GrafanaContentArgs {
  /** Named in the notification template and every dashboard's version message. @default "dev" */
  environment?: Environment;
  /**
   * Receivers (which contact points exist) and routing timings (the policy tree).
   * @default the dev preset: every receiver off, so no contact point and no policy tree
   */
  alerting?: AlertingConfig;
  /** Secret config values as secret Outputs; only those of enabled receivers are read. @default {} */
  secrets?: Partial<Record<SecretKey, pulumi.Output<string>>>;
  /**
   * Datasources to create through the API. Only for an external Grafana (grafana.deploy: false); an
   * in-cluster Grafana gets them from its provisioning file. Default: none.
   */
  datasources?: pulumi.Input<DatasourceDef[]>;
  /** Dashboards to create. Default: allDashboards(). */
  dashboards?: DashboardSpec[];
  /** Folders by key. Default: FOLDERS. */
  folders?: Record<FolderKey, { uid: string; title: string }>;
  /** Default: DEFAULT_MAINTENANCE_WINDOW. */
  maintenanceWindow?: MaintenanceWindow;
}

export class GrafanaContent extends pulumi.ComponentResource {
  /** Folder uid by key. */
  public readonly folderUids: Record<string, pulumi.Output<string>>;
  /** Dashboard uids created. */
  public readonly dashboardUids: pulumi.Output<string[]>;
  /** Names of the contact points created (empty when no receiver is enabled). */
  public readonly contactPoints: pulumi.Output<string[]>;

  constructor(name: string, args: GrafanaContentArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("observability:index:GrafanaContent", name, {}, opts);
    const environment = args.environment ?? "dev";
    const alerting = args.alerting ?? alertingDefaults.dev;
    const secrets = args.secrets ?? {};
    const child: pulumi.CustomResourceOptions = { parent: this, dependsOn: opts?.dependsOn };
    const folders = args.folders ?? FOLDERS;
    const dashboards = args.dashboards ?? allDashboards({ httpStatusLabel: alerting.httpStatusLabel });

    // Folders and dashboards.
    const folderRes = {} as Record<FolderKey, grafana.oss.Folder>;
    for (const [key, f] of Object.entries(folders) as [FolderKey, { uid: string; title: string }][]) {
      folderRes[key] = new grafana.oss.Folder(`${name}-folder-${key}`, { uid: f.uid, title: f.title, preventDestroyIfNotEmpty: false }, child);
    }
    checkDashboards(dashboards, folders);
    for (const d of dashboards) {
      const folder = folderRes[d.folder];
      new grafana.oss.Dashboard(
        `${name}-dashboard-${d.uid}`,
        {
          folder: folder.uid,
          configJson: JSON.stringify(d.json),
          overwrite: true,
          message: `observability-stack (${environment})`,
        },
        child,
      );
    }

    // Datasources, for an external Grafana only. The set is fixed by DATASOURCE_UIDS, so the resources
    // are known at construction even though their settings arrive as an Output.
    if (args.datasources !== undefined) {
      const defs = pulumi.output(args.datasources);
      for (const key of Object.keys(DATASOURCE_UIDS) as DatasourceKey[]) {
        const uid = DATASOURCE_UIDS[key];
        const def = defs.apply((all) => {
          const d = all.find((x) => x.uid === uid);
          if (!d) throw new Error(`GrafanaContent: no datasource with uid "${uid}" among ${all.map((x) => x.uid).join(", ")}`);
          return d;
        });
        new grafana.oss.DataSource(
          `${name}-datasource-${key}`,
          {
            uid,
            name: def.name,
            type: def.type,
            url: def.url,
            accessMode: def.access,
            isDefault: def.isDefault,
            jsonDataEncoded: def.jsonData.apply((j) => JSON.stringify(j)),
          },
          child,
        );
      }
    }

    // Alerting: template and mute timing are valid without any secret, so every environment has them.
    const names = GRAFANA_ALERTING_NAMES;
    const template = new grafana.alerting.MessageTemplate(
      `${name}-template`,
      { name: names.template, template: messageTemplate(environment), disableProvenance: false },
      child,
    );
    const mw = args.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    const muteTiming = new grafana.alerting.MuteTiming(
      `${name}-mute-timing`,
      { name: names.muteTiming, intervals: [{ weekdays: mw.weekdays, times: [{ start: mw.start, end: mw.end }], location: mw.location }] },
      child,
    );

    const contactPoints = buildContactPoints(alerting, secrets);
    const cpRes: Partial<Record<ContactPointRole, grafana.alerting.ContactPoint>> = {};
    for (const [role, spec] of Object.entries(contactPoints) as [ContactPointRole, grafana.alerting.ContactPointArgs][]) {
      cpRes[role] = new grafana.alerting.ContactPoint(`${name}-contact-point-${role}`, spec, {
        ...child,
        dependsOn: pulumi.output(opts?.dependsOn ?? []).apply((d) => [...(Array.isArray(d) ? d : [d]), template]),
      });
    }

    const tree = buildPolicyTree(alerting, Object.keys(cpRes) as ContactPointRole[]);
    if (tree) {
      const cpName = (role: ContactPointRole) => cpRes[role]!.name;
      new grafana.alerting.NotificationPolicy(
        `${name}-notification-policy`,
        {
          contactPoint: cpName(tree.root),
          groupBies: tree.groupBy,
          groupWait: tree.groupWait,
          groupInterval: tree.groupInterval,
          repeatInterval: tree.repeatInterval,
          policies: tree.policies.map((p) => ({
            contactPoint: cpName(p.contactPoint),
            matchers: p.matchers,
            continue: p.continue,
            groupWait: p.groupWait,
            groupInterval: p.groupInterval,
            repeatInterval: p.repeatInterval,
            muteTimings: p.muteTimings?.map(() => muteTiming.name),
          })),
        },
        child,
      );
    }

    this.folderUids = Object.fromEntries(Object.entries(folderRes).map(([k, f]) => [k, f.uid]));
    this.dashboardUids = pulumi.output(dashboards.map((d) => d.uid));
    this.contactPoints = pulumi.output(Object.keys(cpRes).map((r) => names.contactPoints[r as ContactPointRole]));
    this.registerOutputs({ folderUids: this.folderUids, dashboardUids: this.dashboardUids, contactPoints: this.contactPoints });
  }
}

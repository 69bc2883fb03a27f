/**
 * grafana-admin-password-file: Grafana reads its admin password from a file of a mounted Secret
 * (GF_SECURITY_ADMIN_PASSWORD__FILE), never from an environment variable.
 *
 * Severity: high. An environment variable is visible to every process of the container and its
 * children, in /proc, in crash reports and in `kubectl describe`-style dumps of the pod's env.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, findContainer, podTemplateOf } from "../lib/k8s";

export interface GrafanaAdminPasswordFileConfig {
  appName: string;
  container: string;
}

export const grafanaAdminPasswordFileDefaults: GrafanaAdminPasswordFileConfig = { appName: "grafana", container: "grafana" };

export const grafanaAdminPasswordFile: ResourceValidationPolicy = {
  name: "grafana-admin-password-file",
  description: "Grafana's admin password comes from a mounted Secret's file (GF_SECURITY_ADMIN_PASSWORD__FILE), not an environment variable.",
  severity: "high",
  configSchema: {
    properties: {
      appName: { type: "string", default: grafanaAdminPasswordFileDefaults.appName },
      container: { type: "string", default: grafanaAdminPasswordFileDefaults.container },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, grafanaAdminPasswordFileDefaults);
    const t = podTemplateOf(args.type, args.props);
    if (!t || appNameOf(args.type, args.props) !== cfg.appName) return;
    const c = findContainer(t.spec, cfg.container);
    if (!c) return;
    const env = asArray(c.env).map((e) => asObj(e) ?? {});
    if (env.some((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD")) {
      reportViolation(`container "${cfg.container}" sets GF_SECURITY_ADMIN_PASSWORD as an environment variable; mount the Secret and set GF_SECURITY_ADMIN_PASSWORD__FILE`);
    }
    if (asArray(c.envFrom).some((e) => asObj(e)?.secretRef)) {
      reportViolation(`container "${cfg.container}" takes a Secret's keys as environment variables (envFrom); mount the Secret and set GF_SECURITY_ADMIN_PASSWORD__FILE`);
    }
    const file = env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD__FILE")?.value;
    if (typeof file !== "string") {
      if (!env.some((e) => e.name === "GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION" && e.value === "true")) {
        reportViolation(`container "${cfg.container}" has no GF_SECURITY_ADMIN_PASSWORD__FILE; Grafana would start with admin/admin`);
      }
      return;
    }
    const secretVolumes = new Set(asArray(t.spec.volumes).filter((v) => asObj(v)?.secret).map((v) => String(v.name)));
    const mounted = asArray(c.volumeMounts).some((m) => secretVolumes.has(String(m?.name)) && file.startsWith(`${String(m.mountPath).replace(/\/$/, "")}/`));
    if (!mounted) reportViolation(`container "${cfg.container}": GF_SECURITY_ADMIN_PASSWORD__FILE ${file} is not in a mounted Secret volume`);
  },
};

/**
 * grafana-secure-auth: Grafana has no anonymous admin access and no default or literal admin password.
 *
 * Severity: critical. Grafana starts with admin/admin when no password is set; anonymous access
 * with the Admin role hands every datasource, and every credential in it, to anyone who can reach it.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, configMapData, findContainer, labelsOf, podTemplateOf } from "../lib/k8s";

export interface GrafanaSecureAuthConfig {
  appName: string;
  container: string;
  /** Allow anonymous access at all (never with the Admin role). */
  allowAnonymous: boolean;
  /** Passwords that count as the default. */
  defaultPasswords: string[];
}

export const grafanaSecureAuthDefaults: GrafanaSecureAuthConfig = {
  appName: "grafana",
  container: "grafana",
  allowAnonymous: false,
  defaultPasswords: ["admin", "password", "grafana", "changeme"],
};

/** [section] key = value pairs of a grafana.ini. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const s = /^\[([^\]]+)\]$/.exec(line);
    if (s) {
      section = s[1].trim();
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv) (out[section] ??= {})[kv[1].trim()] = kv[2].trim().replace(/^"(.*)"$/, "$1");
  }
  return out;
}

export const grafanaSecureAuth: ResourceValidationPolicy = {
  name: "grafana-secure-auth",
  description: "Grafana does not allow anonymous admin access and its admin password comes from a Secret, never a default or a literal.",
  severity: "critical",
  configSchema: {
    properties: {
      appName: { type: "string", default: grafanaSecureAuthDefaults.appName },
      container: { type: "string", default: grafanaSecureAuthDefaults.container },
      allowAnonymous: { type: "boolean", default: grafanaSecureAuthDefaults.allowAnonymous },
      defaultPasswords: { type: "array", items: { type: "string" }, default: grafanaSecureAuthDefaults.defaultPasswords },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const cfg = readConfig(args, grafanaSecureAuthDefaults);
    const checkAnonymous = (where: string, enabled: string | undefined, role: string | undefined) => {
      if (enabled?.toLowerCase() !== "true") return;
      if ((role ?? "Viewer").toLowerCase() === "admin") reportViolation(`${where}: anonymous users get the Admin role`);
      else if (!cfg.allowAnonymous) reportViolation(`${where}: anonymous access is enabled`);
    };
    if (args.type === "kubernetes:core/v1:ConfigMap") {
      if (labelsOf(args.props)["app.kubernetes.io/name"] !== cfg.appName) return;
      for (const [key, text] of Object.entries(configMapData(args.props))) {
        if (!key.endsWith(".ini")) continue;
        const ini = parseIni(text);
        checkAnonymous(key, ini["auth.anonymous"]?.enabled, ini["auth.anonymous"]?.org_role);
        const pw = ini.security?.admin_password;
        if (pw !== undefined && pw !== "" && !/^\$__(file|env)\{/.test(pw)) reportViolation(`${key}: [security] admin_password is a literal; use $__file{...} or GF_SECURITY_ADMIN_PASSWORD from a Secret`);
      }
      return;
    }
    const t = podTemplateOf(args.type, args.props);
    if (!t || appNameOf(args.type, args.props) !== cfg.appName) return;
    const c = findContainer(t.spec, cfg.container);
    if (!c) return;
    const env = new Map<string, Record<string, any>>();
    for (const e of asArray(c.env)) if (asObj(e)?.name) env.set(String(e.name), e);
    const literal = (name: string) => (typeof env.get(name)?.value === "string" ? String(env.get(name)?.value) : undefined);
    checkAnonymous(`container "${cfg.container}"`, literal("GF_AUTH_ANONYMOUS_ENABLED"), literal("GF_AUTH_ANONYMOUS_ORG_ROLE"));

    const pw = env.get("GF_SECURITY_ADMIN_PASSWORD");
    const fromSecret = asObj(asObj(pw?.valueFrom)?.secretKeyRef) !== undefined;
    const pwLiteral = literal("GF_SECURITY_ADMIN_PASSWORD");
    if (pwLiteral !== undefined && pwLiteral !== "") {
      if (cfg.defaultPasswords.includes(pwLiteral.toLowerCase())) reportViolation(`container "${cfg.container}": GF_SECURITY_ADMIN_PASSWORD is a default password`);
      else reportViolation(`container "${cfg.container}": GF_SECURITY_ADMIN_PASSWORD is a literal; use valueFrom.secretKeyRef`);
      return;
    }
    const viaFile = env.has("GF_SECURITY_ADMIN_PASSWORD__FILE");
    const viaEnvFrom = asArray(c.envFrom).some((e) => asObj(e)?.secretRef);
    const noAdmin = literal("GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION") === "true";
    if (!fromSecret && !viaFile && !viaEnvFrom && !noAdmin) {
      reportViolation(`container "${cfg.container}": no admin password from a Secret (GF_SECURITY_ADMIN_PASSWORD via secretKeyRef); Grafana would start with admin/admin`);
    }
  },
};

/**
 * no-host-access: no pod shares the node's namespaces or mounts its filesystem, except the host
 * access declared for it in this policy's config: the node exporter's (host network and PID
 * namespace, /proc, /sys and / read-only) and the log shipper's (/var/log read-only, its state
 * directory writable).
 *
 * Severity: high. Host namespaces and hostPath volumes bypass the container boundary; each one
 * must be a deliberate, reviewed exception.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, containersOf, podTemplateOf } from "../lib/k8s";

export interface HostAccess {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  /** hostPath paths the workload may mount, read-only unless listed in writablePaths. */
  hostPaths?: string[];
  writablePaths?: string[];
}

export interface NoHostAccessConfig {
  /** Declared host access per app.kubernetes.io/name. */
  allowed: Record<string, HostAccess>;
}

export const noHostAccessDefaults: NoHostAccessConfig = {
  allowed: {
    // Node metrics: the node's network and process namespaces, its /proc, /sys and root, read-only.
    "node-exporter": { hostNetwork: true, hostPID: true, hostPaths: ["/proc", "/sys", "/"] },
    // The log shipper (components/fluent-bit): kubelet's log files read-only, its own offsets and
    // buffer in a state directory that must survive the pod.
    "fluent-bit": { hostPaths: ["/var/log", "/var/fluent-bit/state"], writablePaths: ["/var/fluent-bit/state"] },
  },
};

const hostAccessSchema: PolicyConfigJSONSchema = {
  type: "object",
  properties: {
    hostNetwork: { type: "boolean" },
    hostPID: { type: "boolean" },
    hostIPC: { type: "boolean" },
    hostPaths: { type: "array", items: { type: "string" } },
    writablePaths: { type: "array", items: { type: "string" } },
  },
  additionalProperties: false,
};

export const noHostAccess: ResourceValidationPolicy = {
  name: "no-host-access",
  description: "No pod uses the host's network, PID or IPC namespace, hostPath volumes or host ports, except the host access declared for it (the node exporter's).",
  severity: "high",
  configSchema: {
    properties: {
      allowed: { type: "object", additionalProperties: hostAccessSchema, default: noHostAccessDefaults.allowed },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const t = podTemplateOf(args.type, args.props);
    if (!t) return;
    const cfg = readConfig(args, noHostAccessDefaults);
    const app = appNameOf(args.type, args.props);
    const allowed: HostAccess = (app !== undefined && cfg.allowed[app]) || {};
    const who = app ?? args.name;
    for (const ns of ["hostNetwork", "hostPID", "hostIPC"] as const) {
      if (t.spec[ns] === true && allowed[ns] !== true) reportViolation(`${ns} is true but not declared for "${who}"`);
    }
    const hostVolumes = new Map<string, string>();
    for (const v of asArray(t.spec.volumes)) {
      const path = asObj(asObj(v)?.hostPath)?.path;
      if (typeof path !== "string") continue;
      hostVolumes.set(String(v.name), path);
      if (!(allowed.hostPaths ?? []).includes(path)) reportViolation(`volume "${v.name}" mounts the host path ${path}, not declared for "${who}"`);
    }
    for (const c of containersOf(t.spec)) {
      for (const m of asArray(c.container.volumeMounts)) {
        const path = hostVolumes.get(String(m?.name));
        if (path === undefined || !(allowed.hostPaths ?? []).includes(path)) continue;
        if (m.readOnly !== true && !(allowed.writablePaths ?? []).includes(path)) {
          reportViolation(`${c.role} "${c.name}" mounts the host path ${path} writable; mount it readOnly`);
        }
      }
      for (const p of asArray(c.container.ports)) {
        if (asObj(p)?.hostPort !== undefined && allowed.hostNetwork !== true) {
          reportViolation(`${c.role} "${c.name}" binds host port ${p.hostPort}, not declared for "${who}"`);
        }
      }
    }
  },
};

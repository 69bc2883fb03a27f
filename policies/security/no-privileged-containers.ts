/**
 * no-privileged-containers: no container is privileged, gains privileges, adds dangerous
 * capabilities or runs as root.
 *
 * Severity: critical. A privileged or root container that is compromised owns the node. The
 * node exporter needs host access (see no-host-access), not privileges: it runs as nobody. The one
 * declared root exception is the log shipper, which may not add capabilities either.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { appNameOf, asArray, asObj, containersOf, podTemplateOf } from "../lib/k8s";

export interface NoPrivilegedContainersConfig {
  /** Capabilities no container may add. */
  forbiddenCapabilities: string[];
  /** app.kubernetes.io/name of workloads allowed to run as root (a declared exception). */
  rootAllowed: string[];
}

export const noPrivilegedContainersDefaults: NoPrivilegedContainersConfig = {
  forbiddenCapabilities: ["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH", "SYS_RAWIO", "BPF", "PERFMON"],
  // The log shipper reads kubelet's root-owned 0640 log files: uid 0 with every capability dropped
  // (components/fluent-bit documents why no non-root alternative exists).
  rootAllowed: ["fluent-bit"],
};

export const noPrivilegedContainers: ResourceValidationPolicy = {
  name: "no-privileged-containers",
  description: "No container is privileged, allows privilege escalation, adds dangerous capabilities, or runs as root (runAsNonRoot or a non-zero runAsUser is required).",
  severity: "critical",
  configSchema: {
    properties: {
      forbiddenCapabilities: { type: "array", items: { type: "string" }, default: noPrivilegedContainersDefaults.forbiddenCapabilities },
      rootAllowed: { type: "array", items: { type: "string" }, default: noPrivilegedContainersDefaults.rootAllowed },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const t = podTemplateOf(args.type, args.props);
    if (!t) return;
    const cfg = readConfig(args, noPrivilegedContainersDefaults);
    const app = appNameOf(args.type, args.props);
    const pod = asObj(t.spec.securityContext) ?? {};
    for (const c of containersOf(t.spec)) {
      const sc = asObj(c.container.securityContext) ?? {};
      const where = `${c.role} "${c.name}"`;
      if (sc.privileged === true) reportViolation(`${where} is privileged`);
      if (sc.allowPrivilegeEscalation === true) reportViolation(`${where} allows privilege escalation`);
      const added = asArray(asObj(sc.capabilities)?.add).map((x) => String(x).toUpperCase().replace(/^CAP_/, ""));
      const bad = added.filter((x) => cfg.forbiddenCapabilities.includes(x));
      if (bad.length) reportViolation(`${where} adds the capabilities ${bad.join(", ")}`);
      if (app !== undefined && cfg.rootAllowed.includes(app)) continue;
      const user = sc.runAsUser ?? pod.runAsUser;
      const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
      if (user === 0) reportViolation(`${where} runs as root (runAsUser 0)`);
      else if (nonRoot === false && user === undefined) reportViolation(`${where} sets runAsNonRoot false and no runAsUser; it may run as root`);
      else if (nonRoot !== true && user === undefined) reportViolation(`${where} may run as root; set runAsNonRoot: true or a non-zero runAsUser`);
    }
  },
};

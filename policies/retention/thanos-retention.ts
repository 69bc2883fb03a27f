/**
 * thanos-retention: the Thanos Compactor deletes every resolution after a bounded retention, and the
 * bucket keeps blocks at least as long as Prometheus keeps them on its own disk.
 *
 * Severity: high. Thanos keeps a resolution forever unless its --retention.resolution-* flag is set
 * (0d means forever); a bucket retention shorter than Prometheus' own ends the history Grafana reads
 * through Query before the replicas' disks do, so a range that Prometheus still answers comes back
 * partial from the bucket. A Prometheus whose sidecar uploads blocks with no Compactor to expire them
 * fills the bucket forever.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { formatDays, parseDurationDays } from "../lib/duration";
import { appNameOf, containersOf, findContainer, flagValue, podTemplateOf } from "../lib/k8s";

export interface ThanosRetentionConfig {
  /** app.kubernetes.io/name of the Compactor, and its container. */
  compactor: { appName: string; container: string };
  /** app.kubernetes.io/name of Prometheus, its container, and the name of the sidecar container. */
  prometheus: { appName: string; container: string; sidecar: string };
  /** Upper bound of any resolution's retention, in days. */
  maxDays: number;
}

export const thanosRetentionDefaults: ThanosRetentionConfig = {
  compactor: { appName: "thanos-compact", container: "thanos" },
  prometheus: { appName: "prometheus", container: "prometheus", sidecar: "thanos-sidecar" },
  maxDays: 3653,
};

/** The Compactor's retention flags. */
export const RETENTION_FLAGS = ["--retention.resolution-raw", "--retention.resolution-5m", "--retention.resolution-1h"] as const;
const TSDB_RETENTION = "--storage.tsdb.retention.time";

export const thanosRetention: StackValidationPolicy = {
  name: "thanos-retention",
  description: "The Thanos Compactor sets a bounded retention for every resolution, the longest at least Prometheus' own retention; a Prometheus with a Thanos sidecar has a Compactor.",
  severity: "high",
  configSchema: {
    properties: {
      compactor: { type: "object", default: thanosRetentionDefaults.compactor },
      prometheus: { type: "object", default: thanosRetentionDefaults.prometheus },
      maxDays: { type: "number", minimum: 1, default: thanosRetentionDefaults.maxDays },
    },
  },
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const cfg = readConfig(args, thanosRetentionDefaults);
    const workloads = args.resources.filter((r) => podTemplateOf(r.type, r.props) !== undefined);
    const of = (app: string) => workloads.filter((r) => appNameOf(r.type, r.props) === app);
    const compactors = of(cfg.compactor.appName);
    const prometheuses = of(cfg.prometheus.appName);
    const withSidecar = prometheuses.filter((r) => containersOf(podTemplateOf(r.type, r.props)!.spec).some((c) => c.name === cfg.prometheus.sidecar));

    if (compactors.length === 0) {
      for (const p of withSidecar) {
        reportViolation(
          `"${p.name}" uploads blocks through its "${cfg.prometheus.sidecar}" container but no Thanos Compactor (app.kubernetes.io/name=${cfg.compactor.appName}) expires them; the bucket would keep them forever`,
          p.urn,
        );
      }
      return;
    }

    // The longest time Prometheus keeps samples on its own disk.
    let local: { days: number; flag: string; name: string } | undefined;
    for (const p of prometheuses) {
      const c = findContainer(podTemplateOf(p.type, p.props)!.spec, cfg.prometheus.container);
      const value = c ? flagValue(c, TSDB_RETENTION) : undefined;
      const days = value ? parseDurationDays(value) : undefined;
      if (days !== undefined && (!local || days > local.days)) local = { days, flag: `${TSDB_RETENTION}=${value}`, name: p.name };
    }

    for (const compactor of compactors) checkCompactor(compactor);

    function checkCompactor(r: PolicyResource): void {
      const c = findContainer(podTemplateOf(r.type, r.props)!.spec, cfg.compactor.container);
      if (!c) {
        reportViolation(`no container "${cfg.compactor.container}" to carry the retention flags`, r.urn);
        return;
      }
      let longest: { days: number; flag: string } | undefined;
      for (const flag of RETENTION_FLAGS) {
        const value = flagValue(c, flag);
        if (value === undefined || value === "") {
          reportViolation(`container "${cfg.compactor.container}" has no ${flag}; Thanos keeps that resolution forever (allowed: 1 to ${cfg.maxDays} days)`, r.urn);
          continue;
        }
        const days = parseDurationDays(value);
        if (days === undefined) {
          reportViolation(`${flag}=${value} is not a duration like "90d"`, r.urn);
          continue;
        }
        if (days <= 0 || days > cfg.maxDays) {
          reportViolation(`${flag}=${value} ${days <= 0 ? "keeps that resolution forever" : `is ${formatDays(days)} days`}; allowed: 1 to ${cfg.maxDays} days`, r.urn);
          continue;
        }
        if (!longest || days > longest.days) longest = { days, flag: `${flag}=${value}` };
      }
      if (longest && local && longest.days < local.days) {
        reportViolation(
          `Thanos keeps blocks at most ${formatDays(longest.days)} days (${longest.flag}) but "${local.name}" keeps ${formatDays(local.days)} days (${local.flag}); allowed: at least ${formatDays(local.days)} days`,
          r.urn,
        );
      }
    }
  },
};

/**
 * Day-2 safety of the stack's data volumes: what the claims are now (the stack output
 * `dataVolumes` of the last update), what the config asks for, and which changes Kubernetes cannot
 * make in place without losing data. Pure functions of plain values: the composition root
 * (index.ts) runs them before any resource is registered.
 *
 * - A larger `<component>.storageGi` grows the existing claims in place (volume expansion).
 * - A smaller one is refused: a volume cannot shrink.
 * - Growth on a StorageClass without `allowVolumeExpansion` is refused.
 * - A different `storageClassName` for claims that exist is refused: a claim's class is immutable,
 *   and new claims would start empty.
 * - Persistence on/off replaces the StatefulSets (their claim templates are immutable); the claims
 *   of a workload that had persistence are kept.
 */
import type { StackConfig } from "./config/schema";
import { configKey } from "./config/project";
import { SERVICES } from "./endpoints";

/** The scalable Loki's backend StatefulSet (components/loki/component.ts: `<name>-backend`). */
export const LOKI_BACKEND = `${SERVICES.loki}-backend`;

/** What one workload's claims are, as exported by the last update (stack output `dataVolumes`). */
export interface DataVolumeRecord {
  /** Config section whose `storageGi` sizes the claims, e.g. "prometheus". */
  key: string;
  /** Whether the workload has persistent claims (else an emptyDir). */
  persistent: boolean;
  /** Requested size of each claim, in GiB. */
  sizeGi: number;
  /** Claim names. */
  claims: string[];
  /** The claims' StorageClass as the API server set it (the cluster default when none was configured). */
  storageClassName?: string;
  /** The StorageClass the config names (`storageClassName`); unset = the cluster default. */
  configuredStorageClassName?: string;
  /**
   * A StatefulSet's governing Service is headless. Unset in the records of releases whose
   * governing Services had a cluster IP: the next update replaces those Services.
   */
  headlessService?: boolean;
}

export type DataVolumes = Record<string, DataVolumeRecord>;

/** Claim name of a StatefulSet's replica, as the StatefulSet controller names it. */
export function claimName(volume: string, statefulSet: string, ordinal: number): string {
  return `${volume}-${statefulSet}-${ordinal}`;
}

/** The claims the config asks for, per workload (keyed by the workload's object name). */
export function plannedDataVolumes(cfg: StackConfig): DataVolumes {
  const persistent = cfg.persistence.enabled;
  const sts = (name: string, key: string, sizeGi: number, replicas: number): [string, DataVolumeRecord] => [
    name,
    {
      key,
      persistent,
      sizeGi,
      claims: persistent ? Array.from({ length: replicas }, (_, i) => claimName("data", name, i)) : [],
      configuredStorageClassName: cfg.storageClassName,
      headlessService: true,
    },
  ];
  const out: DataVolumes = Object.fromEntries([
    sts(SERVICES.prometheus, "prometheus", cfg.prometheus.storageGi, cfg.prometheus.replicas),
    sts(SERVICES.alertmanager, "alertmanager", cfg.alertmanager.storageGi, cfg.alertmanager.replicas),
    // In scalable mode the write target is the monolithic StatefulSet, with its claims and one per replica.
    sts(SERVICES.loki, "loki", cfg.loki.storageGi, cfg.loki.mode === "scalable" ? cfg.loki.write.replicas : 1),
    sts(SERVICES.elasticsearch, "elasticsearch", cfg.elasticsearch.storageGi, cfg.elasticsearch.replicas),
  ]);
  if (cfg.loki.mode === "scalable") Object.assign(out, Object.fromEntries([sts(LOKI_BACKEND, "loki.backend", cfg.loki.backend.storageGi, cfg.loki.backend.replicas)]));
  if (cfg.jaeger.storage === "badger") Object.assign(out, Object.fromEntries([sts(SERVICES.jaeger, "jaeger", cfg.jaeger.storageGi, 1)]));
  // Thanos' caches: rebuilt from the bucket if lost, but their claims grow and shrink like the rest.
  if (cfg.thanos.enabled) {
    Object.assign(
      out,
      Object.fromEntries([
        sts(SERVICES.thanosStore, "thanos.storeGateway", cfg.thanos.storeGateway.storageGi, cfg.thanos.storeGateway.replicas),
        sts(SERVICES.thanosCompact, "thanos.compactor", cfg.thanos.compactor.storageGi, 1),
      ]),
    );
  }
  if (cfg.grafana.deploy) {
    out[SERVICES.grafana] = { key: "grafana", persistent, sizeGi: cfg.grafana.storageGi, claims: persistent ? [`${SERVICES.grafana}-data`] : [], configuredStorageClassName: cfg.storageClassName };
  }
  return out;
}

/**
 * Changes the config asks for that would lose data or cannot be made: each names the key, the
 * current value, the requested one and the way out. Empty when there is no previous update.
 */
export function dataVolumeProblems(previous: DataVolumes | undefined, planned: DataVolumes): string[] {
  if (!previous) return [];
  const problems: string[] = [];
  for (const [name, next] of Object.entries(planned)) {
    const prev = previous[name];
    if (!prev || !prev.persistent || !next.persistent || prev.claims.length === 0) continue;
    const claims = prev.claims.join(", ");
    if (next.sizeGi < prev.sizeGi) {
      problems.push(
        `${configKey([next.key, "storageGi"])}: ${next.sizeGi} is smaller than the current size of its claims (${prev.sizeGi} Gi: ${claims}); ` +
          `a volume cannot shrink. Allowed: ${prev.sizeGi} or more. To move to smaller volumes, copy the data out first ` +
          `(README, "Keeping the data": smaller volumes).`,
      );
    }
    if ((next.configuredStorageClassName ?? "") !== (prev.configuredStorageClassName ?? "")) {
      const current = prev.configuredStorageClassName !== undefined ? `"${prev.configuredStorageClassName}"` : `unset (the cluster default${prev.storageClassName ? `, "${prev.storageClassName}"` : ""})`;
      const requested = next.configuredStorageClassName !== undefined ? `"${next.configuredStorageClassName}"` : "unset";
      problems.push(
        `${configKey(["storageClassName"])}: ${requested}, but the existing claims of ${name} (${claims}) were made with ${current}; ` +
          `a claim's class cannot change (the claims would be replaced, and new ones start empty). ` +
          `Allowed: ${prev.configuredStorageClassName !== undefined ? `"${prev.configuredStorageClassName}"` : "unset"}. To move the data to another class, copy it to new claims first ` +
          `(README, "Keeping the data": another StorageClass).`,
      );
    }
  }
  return problems;
}

/** The StorageClasses whose claims the config grows, with the keys that grow them. */
export function growingClasses(previous: DataVolumes | undefined, planned: DataVolumes): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!previous) return out;
  for (const [name, next] of Object.entries(planned)) {
    const prev = previous[name];
    if (!prev?.persistent || !next.persistent || prev.claims.length === 0 || next.sizeGi <= prev.sizeGi || !prev.storageClassName) continue;
    const keys = out.get(prev.storageClassName) ?? [];
    keys.push(`${configKey([next.key, "storageGi"])} (${prev.sizeGi} → ${next.sizeGi} Gi)`);
    out.set(prev.storageClassName, keys);
  }
  return out;
}

/** Growth refused on a StorageClass that does not allow volume expansion. */
export function expansionProblems(growing: Map<string, string[]>, allowsExpansion: Record<string, boolean | undefined>): string[] {
  const problems: string[] = [];
  for (const [cls, keys] of growing) {
    if (allowsExpansion[cls] === true) continue;
    problems.push(
      `${keys.join(", ")}: the claims' StorageClass "${cls}" does not allow volume expansion (allowVolumeExpansion: ${allowsExpansion[cls] ?? "unset"}), ` +
        `so they cannot grow in place. Allowed: the current size. Set allowVolumeExpansion: true on the StorageClass if its provisioner supports it, ` +
        `or copy the data to larger claims (README, "Keeping the data").`,
    );
  }
  return problems;
}

/** Whether a workload's persistence changes, so its StatefulSet is replaced. */
export function persistenceChanges(previous: DataVolumes | undefined, name: string, persistent: boolean): boolean {
  const prev = previous?.[name];
  return prev !== undefined && prev.persistent !== persistent;
}

/**
 * Whether this update makes a StatefulSet's governing Service headless, replacing the Service of an
 * older release that had a cluster IP (a cluster IP cannot be changed in place).
 */
export function governingServiceChanges(previous: DataVolumes | undefined, name: string): boolean {
  const prev = previous?.[name];
  return prev !== undefined && prev.headlessService !== true;
}

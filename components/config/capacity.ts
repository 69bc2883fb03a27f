/**
 * Storage against retention: every volume that keeps data for a configured time must hold that time
 * of data at the expected daily volume, with the headroom the store needs. A volume that is too small
 * fills up quietly: Elasticsearch turns indices read-only at its flood-stage watermark, Loki and
 * badger stop writing, and ingestion stops.
 *
 * The daily volumes are estimates from the config (`…estimatedGiPerDay`, on-disk GiB per day after
 * compression, before replication); each has a stated default per environment.
 */
import type { StackConfig } from "./schema";

/**
 * Share of an Elasticsearch data volume that may be used: the default low disk watermark (85%),
 * above which Elasticsearch stops allocating shards to the node.
 */
export const ES_USABLE_SHARE = 0.85;
/** Share of a Loki, badger or Prometheus volume that may be used: the rest is the WAL, compaction and headroom. */
export const VOLUME_USABLE_SHARE = 0.8;

const KEY = (path: string) => `observability-stack:${path}`;
const gi = (n: number) => `${Number(n.toFixed(1))} GiB`;

/** Copies Elasticsearch keeps of each index: the primary, plus one replica when there are 2+ nodes. */
export function esCopies(replicas: number): number {
  return replicas > 1 ? 2 : 1;
}

export interface EsNeed {
  /** What each contributor needs, in GiB, replicas included. */
  parts: { what: string; gi: number }[];
  totalGi: number;
  usableGi: number;
}

/** What the Elasticsearch volumes must hold: every log class (and Jaeger's traces when stored there). */
export function elasticsearchNeed(cfg: StackConfig): EsNeed {
  const es = cfg.elasticsearch;
  const copies = esCopies(es.replicas);
  const parts = Object.entries(es.logClasses).map(([name, c]) => ({
    what: `${name} ${c.estimatedGiPerDay} GiB/day × ${c.deleteAfterDays} days`,
    gi: c.estimatedGiPerDay * c.deleteAfterDays * copies,
  }));
  if (cfg.jaeger.storage === "elasticsearch") {
    parts.push({ what: `jaeger traces ${cfg.jaeger.estimatedGiPerDay} GiB/day × ${cfg.jaeger.retentionDays} days`, gi: cfg.jaeger.estimatedGiPerDay * cfg.jaeger.retentionDays * copies });
  }
  const totalGi = parts.reduce((s, p) => s + p.gi, 0);
  return { parts, totalGi, usableGi: es.replicas * es.storageGi * ES_USABLE_SHARE };
}

/** Problems of volumes too small for their retention, with the numbers. */
export function capacityProblems(cfg: StackConfig): string[] {
  const p: string[] = [];

  const es = cfg.elasticsearch;
  const need = elasticsearchNeed(cfg);
  if (need.totalGi > need.usableGi) {
    const copies = esCopies(es.replicas);
    const perNode = Math.ceil(need.totalGi / ES_USABLE_SHARE / es.replicas);
    p.push(
      `${KEY("elasticsearch.storageGi")}: ${es.storageGi} is too small for the configured retention: ` +
        `(${need.parts.map((x) => x.what).join(" + ")})${copies > 1 ? ` × ${copies} copies` : ""} = ${gi(need.totalGi)}, ` +
        `but ${es.replicas} node(s) × ${es.storageGi} GiB × ${ES_USABLE_SHARE * 100}% (low disk watermark) = ${gi(need.usableGi)}; ` +
        `allowed: >= ${perNode}, or shorter deleteAfterDays, or lower estimatedGiPerDay if the estimate is too high`,
    );
  }

  // Loki keeps chunks on its volume only with the filesystem store (no AWS, no objectStore); with an
  // object store the bucket holds them.
  const loki = cfg.loki;
  if (!cfg.aws.enabled && !loki.objectStore) {
    const needGi = loki.estimatedGiPerDay * loki.retentionDays;
    const usable = loki.storageGi * VOLUME_USABLE_SHARE;
    if (needGi > usable) {
      p.push(
        `${KEY("loki.storageGi")}: ${loki.storageGi} is too small for the configured retention on the filesystem store: ` +
          `${loki.estimatedGiPerDay} GiB/day × ${loki.retentionDays} days = ${gi(needGi)}, but ${loki.storageGi} GiB × ${VOLUME_USABLE_SHARE * 100}% = ${gi(usable)}; ` +
          `allowed: >= ${Math.ceil(needGi / VOLUME_USABLE_SHARE)}, or a shorter loki.retentionDays, or a lower loki.estimatedGiPerDay`,
      );
    }
  }

  const j = cfg.jaeger;
  if (j.storage === "badger") {
    const needGi = j.estimatedGiPerDay * j.retentionDays;
    const usable = j.storageGi * VOLUME_USABLE_SHARE;
    if (needGi > usable) {
      p.push(
        `${KEY("jaeger.storageGi")}: ${j.storageGi} is too small for the configured trace retention on badger: ` +
          `${j.estimatedGiPerDay} GiB/day × ${j.retentionDays} days = ${gi(needGi)}, but ${j.storageGi} GiB × ${VOLUME_USABLE_SHARE * 100}% = ${gi(usable)}; ` +
          `allowed: >= ${Math.ceil(needGi / VOLUME_USABLE_SHARE)}, or a shorter jaeger.retentionDays, or a lower jaeger.estimatedGiPerDay`,
      );
    }
  }

  // Prometheus deletes by size before it reaches the configured age: the retention would be a lie.
  const prom = cfg.prometheus;
  const promNeed = prom.estimatedGiPerDay * prom.retentionDays;
  if (promNeed > prom.retentionSizeGi) {
    p.push(
      `${KEY("prometheus.retentionSizeGi")}: ${prom.retentionSizeGi} cannot hold the configured retention: ` +
        `${prom.estimatedGiPerDay} GiB/day × ${prom.retentionDays} days = ${gi(promNeed)}, so data would be deleted by size after about ` +
        `${Math.floor(prom.retentionSizeGi / prom.estimatedGiPerDay)} days; allowed: >= ${Math.ceil(promNeed)} (and prometheus.storageGi above it), ` +
        `or a shorter prometheus.retentionDays, or a lower prometheus.estimatedGiPerDay`,
    );
  }
  return p;
}

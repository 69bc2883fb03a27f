/**
 * Config keys the stack would ignore without a word: keys under a misspelled project name
 * (`observabilty-stack:aws.region`), and provider keys the stack does not read because it configures
 * that provider itself (`aws:region`, while the stack reads `observability-stack:aws.region`).
 * Each finding names the key the stack reads instead.
 */

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The candidate closest to `word` (case-insensitively), when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // "retention" for "retentionDays": the unit left off.
  const extended = candidates.filter((c) => word.length >= 4 && c.toLowerCase().startsWith(word.toLowerCase()));
  if (extended.length === 1) return extended[0];
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

/**
 * Provider namespaces whose config the stack does not read, because it builds that provider from its
 * own keys. Each maps a provider key to the stack's key, or to why it is not read.
 */
const PROVIDER_KEYS: Record<string, { reads: Record<string, string>; otherwise: string }> = {
  aws: {
    reads: {
      region: "observability-stack:aws.region",
      defaultTags: "observability-stack:team and observability-stack:costCenter (the stack's tags)",
    },
    otherwise: "the stack builds its AWS provider from observability-stack:aws.* and takes credentials from the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)",
  },
  grafana: {
    reads: {
      url: "observability-stack:grafana.url",
      auth: "the secret observability-stack:grafanaToken",
    },
    otherwise: "the stack builds its Grafana provider from observability-stack:grafana.url and the secret observability-stack:grafanaToken",
  },
};

/** Namespaces read by something other than the program itself (the engine; the default Kubernetes provider). */
const READ_ELSEWHERE = new Set(["pulumi", "kubernetes"]);

export interface IgnoredKeyFindings {
  /** Keys the user clearly meant for the stack: they would change nothing. */
  errors: string[];
  /** Keys of namespaces no part of the stack reads. */
  warnings: string[];
}

/** Findings for the full config keys (`namespace:key`) of a stack that are not the project's own. */
export function ignoredKeys(fullKeys: readonly string[], project: string): IgnoredKeyFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const full of fullKeys) {
    const i = full.indexOf(":");
    if (i < 0) continue;
    const ns = full.slice(0, i);
    const key = full.slice(i + 1);
    if (ns === project || READ_ELSEWHERE.has(ns)) continue;
    const provider = PROVIDER_KEYS[ns];
    if (provider) {
      const instead = provider.reads[key.split(".")[0]];
      if (instead) errors.push(`${full}: ignored, the stack does not read it; set ${instead} instead, and remove ${full}`);
      else warnings.push(`${full}: ignored, the stack does not read it: ${provider.otherwise}`);
      continue;
    }
    if (editDistance(ns.toLowerCase(), project) <= 3 || ns.toLowerCase().replace(/[-_]/g, "") === project.replace(/-/g, "")) {
      errors.push(`${full}: ignored, "${ns}" is not this project's name; the stack reads ${project}:${key}`);
      continue;
    }
    warnings.push(`${full}: ignored, no part of the stack reads namespace "${ns}"; the stack reads ${project}:* (and kubernetes:* for the cluster connection)`);
  }
  return { errors, warnings };
}

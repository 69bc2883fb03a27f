/**
 * Durations and sizes as the stores write them: Prometheus/Loki ("30d", "1w", "168h", "1d12h"),
 * Go ("48h0m0s", "1.5h"), Elasticsearch ("365d", "12h", "90s"). All parse to seconds.
 */
const UNIT_SECONDS: Record<string, number> = {
  y: 365 * 86400,
  w: 7 * 86400,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
  us: 0.000001,
  "µs": 0.000001,
  micros: 0.000001,
  nanos: 0.000000001,
  ns: 0.000000001,
};

const PART = /(\d+(?:\.\d+)?)(micros|nanos|ms|us|µs|ns|y|w|d|h|m|s)/y;

/** Seconds in a duration string, or undefined when it is not one. A bare "0" is zero. */
export function parseDurationSeconds(input: unknown): number | undefined {
  if (typeof input === "number") return undefined;
  if (typeof input !== "string") return undefined;
  const s = input.trim();
  if (s === "0") return 0;
  if (s === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    pos = PART.lastIndex;
  }
  return total;
}

/** Days in a duration string (fractional), or undefined. */
export function parseDurationDays(input: unknown): number | undefined {
  const s = parseDurationSeconds(input);
  return s === undefined ? undefined : s / 86400;
}

/** "7", "7.5": a day count for messages without float noise. */
export function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
}

/** Bytes in a Prometheus size ("512MB", "170GB"; base 2, as Prometheus parses them), or undefined. */
export function parsePrometheusBytes(input: unknown): number | undefined {
  if (typeof input !== "string") return undefined;
  const m = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/.exec(input.trim());
  if (!m) return undefined;
  const pow = ["B", "KB", "MB", "GB", "TB", "PB", "EB"].indexOf(m[2]);
  return Number(m[1]) * 1024 ** pow;
}

/** Bytes in a Kubernetes quantity ("200Gi", "10G", "512Mi"), or undefined. */
export function parseQuantityBytes(input: unknown): number | undefined {
  if (typeof input === "number") return input;
  if (typeof input !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?$/.exec(input.trim());
  if (!m) return undefined;
  const binary: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
  const decimal: Record<string, number> = { k: 1, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };
  const unit = m[2];
  const n = Number(m[1]);
  if (!unit) return n;
  return unit in binary ? n * 1024 ** binary[unit] : n * 1000 ** decimal[unit];
}

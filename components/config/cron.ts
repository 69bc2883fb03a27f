/**
 * Elasticsearch cron expressions (SLM schedules, UTC), checked field by field with their ranges the way
 * Elasticsearch parses them, so a bad schedule fails before any resource instead of in the middle of
 * the bootstrap Job:
 *
 *   seconds minutes hours day-of-month month day-of-week [year]
 *   0-59    0-59    0-23  1-31 ? L W   1-12  1-7 ? L #   1970-2099
 *
 * Month and day-of-week also take names (JAN-DEC, SUN-SAT; 1 = SUN). Each field is `*`, a value, a
 * range a-b, an increment a/n or * /n, or a comma-separated list of those. Exactly one of day-of-month
 * and day-of-week must be `?` (Elasticsearch supports no schedule that names both, and not neither).
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Characters allowed besides the numbers: "?" and the day-specific L, W, #. */
  special: "none" | "dom" | "dow";
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

export const CRON_FIELDS: readonly Field[] = [
  { name: "seconds", min: 0, max: 59, special: "none" },
  { name: "minutes", min: 0, max: 59, special: "none" },
  { name: "hours", min: 0, max: 23, special: "none" },
  { name: "day-of-month", min: 1, max: 31, special: "dom" },
  { name: "month", min: 1, max: 12, names: MONTHS, special: "none" },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, special: "dow" },
  { name: "year", min: 1970, max: 2099, special: "none" },
];

function allowed(f: Field): string {
  const base = `${f.min}-${f.max}`;
  const names = f.names ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : "";
  const extra = f.special === "dom" ? ", ?, L, LW or nW" : f.special === "dow" ? ", ?, nL or n#k" : "";
  return `${base}${names}${extra}`;
}

/** A single value of a field as a number, or undefined when it is not one. */
function value(f: Field, text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = f.names?.indexOf(text.toUpperCase() as never) ?? -1;
  return i >= 0 ? f.min + i : undefined;
}

/** The problem with one element of a list (no commas), or undefined. */
function elementProblem(f: Field, el: string): string | undefined {
  const bad = (why: string) => `${f.name} field "${el}" ${why}; allowed: ${allowed(f)}`;
  if (el === "*") return undefined;
  if (el === "?") return f.special === "none" ? bad("may not be ?") : undefined;
  if (f.special === "dom" && (el === "L" || el === "LW")) return undefined;
  if (f.special === "dom" && /^\d+W$/.test(el)) {
    const n = Number(el.slice(0, -1));
    return n >= 1 && n <= 31 ? undefined : bad("is out of range");
  }
  if (f.special === "dow" && el === "L") return undefined;
  if (f.special === "dow" && /^\w+L$/.test(el)) {
    const n = value(f, el.slice(0, -1));
    return n !== undefined && n >= 1 && n <= 7 ? undefined : bad("is out of range");
  }
  if (f.special === "dow" && el.includes("#")) {
    const [d, k] = el.split("#");
    const n = value(f, d);
    if (n === undefined || n < 1 || n > 7) return bad("names no day of the week");
    return /^[1-5]$/.test(k ?? "") ? undefined : bad("is out of range (the n-th weekday of a month is 1-5)");
  }
  let range = el;
  if (el.includes("/")) {
    const [start, step] = el.split("/");
    if (!/^\d+$/.test(step ?? "") || Number(step) < 1 || Number(step) > f.max) return bad(`has an increment out of range (1-${f.max})`);
    if (start === "*") return undefined;
    range = start;
  }
  const parts = range.split("-");
  if (parts.length > 2) return bad("is not a value, range or increment");
  const nums = parts.map((p) => value(f, p));
  if (nums.some((n) => n === undefined)) return bad("is not a value, range or increment");
  if (nums.some((n) => n! < f.min || n! > f.max)) return bad("is out of range");
  return undefined;
}

/** Every problem of an Elasticsearch cron expression; [] when Elasticsearch accepts it. */
export function esCronProblems(expr: string): string[] {
  const fields = expr.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7) {
    return [`has ${fields.length} fields; allowed: 6 or 7 (seconds minutes hours day-of-month month day-of-week [year]), like "0 30 1 * * ?"`];
  }
  const out: string[] = [];
  fields.forEach((text, i) => {
    const f = CRON_FIELDS[i];
    for (const el of text.split(",")) {
      if (el === "") {
        out.push(`${f.name} field "${text}" has an empty list element; allowed: ${allowed(f)}`);
        continue;
      }
      if (el === "?" && text !== "?") {
        out.push(`${f.name} field "${text}" may use ? only on its own`);
        continue;
      }
      const p = elementProblem(f, el);
      if (p) out.push(p);
    }
  });
  const domQ = fields[3] === "?";
  const dowQ = fields[5] === "?";
  if (domQ === dowQ) {
    out.push(`day-of-month "${fields[3]}" and day-of-week "${fields[5]}": exactly one of them must be ? (e.g. "0 30 1 * * ?" daily, "0 0 2 ? * SUN" weekly)`);
  }
  return out;
}

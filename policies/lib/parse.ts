/** Parsing the config files the stores read, without throwing: a parse error is a finding. */
import { parse } from "yaml";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseYaml<T = unknown>(text: string): Parsed<T> {
  try {
    return { ok: true, value: parse(text) as T };
  } catch (e) {
    return { ok: false, error: firstLine(e) };
  }
}

export function parseJson<T = unknown>(text: string): Parsed<T> {
  try {
    return { ok: true, value: JSON.parse(text) as T };
  } catch (e) {
    return { ok: false, error: firstLine(e) };
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}

/** The value at a dotted path of plain objects, or undefined. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/**
 * A value that may be unknown during a preview: the engine's props proxy throws when an unknown
 * value is read. Returns the fallback instead, so one unknown field does not silence a whole policy.
 */
export function known<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof Error && /can't be known during preview/.test(e.message)) return fallback;
    throw e;
  }
}

/**
 * The project's name and environments, and a config key as a user writes it in a stack file. Small on
 * purpose: labels, data volumes and every component read these without loading the stack's schema.
 */
export const PROJECT = "observability-stack";
export const ENVIRONMENTS = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** `observability-stack:prometheus.retentionDays` — the key as a user writes it in a stack file. */
export function configKey(path: PropertyKey[]): string {
  if (path.length === 0) return `${PROJECT}:<root>`;
  const [head, ...rest] = path;
  return `${PROJECT}:${String(head)}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
}

/**
 * Kubernetes resource quantities as the stack config takes them, with their plausible bounds.
 *
 * CPU is millicores ("250m") or cores ("1", "0.5"); memory is a whole number of binary units
 * ("512Mi", "2Gi"). A request or limit of zero makes a BestEffort pod (evicted first, throttled to
 * nothing); one larger than any node we would run on leaves the pod Pending for ever. Both are refused.
 */
import { z } from "zod";

/** Smallest CPU request or limit: 1 millicore (the API server's own granularity). */
export const MIN_CPU_MILLI = 1;
/** Largest CPU request or limit: 128 cores, more than any node type we would schedule on. */
export const MAX_CPU_MILLI = 128_000;
/** Smallest memory request or limit: 16 MiB (below it no container of the stack starts). */
export const MIN_MEMORY_MI = 16;
/** Largest memory request or limit: 1 TiB, more than any node type we would schedule on. */
export const MAX_MEMORY_MI = 1024 * 1024;

const CPU_RE = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY_RE = /^(\d+)(Ki|Mi|Gi|Ti)$/;

/** CPU quantity in millicores. */
export function quantityMilli(q: string): number {
  if (!CPU_RE.test(q)) throw new Error(`CPU quantity "${q}" is not like "250m" or "1"`);
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

/** Memory quantity in MiB. */
export function quantityMi(q: string): number {
  const m = MEMORY_RE.exec(q);
  if (!m) throw new Error(`memory quantity "${q}" is not like "128Mi"`);
  const n = Number(m[1]);
  return { Ki: n / 1024, Mi: n, Gi: n * 1024, Ti: n * 1024 * 1024 }[m[2] as "Ki" | "Mi" | "Gi" | "Ti"];
}

export const CPU_ALLOWED = `a CPU quantity from "${MIN_CPU_MILLI}m" to "${MAX_CPU_MILLI / 1000}" (cores), like "250m" or "1"`;
export const MEMORY_ALLOWED = `a memory quantity from "${MIN_MEMORY_MI}Mi" to "${MAX_MEMORY_MI / 1024 / 1024}Ti", like "512Mi" or "2Gi"`;

/** A CPU request or limit: well-formed, not zero, not larger than a node. */
export const cpuQuantity = z
  .string()
  .regex(CPU_RE, { message: CPU_ALLOWED })
  .refine((q) => !CPU_RE.test(q) || (quantityMilli(q) >= MIN_CPU_MILLI && quantityMilli(q) <= MAX_CPU_MILLI), { message: `outside the plausible range; allowed: ${CPU_ALLOWED}` });

/** A memory request or limit: well-formed, not below what a container needs, not larger than a node. */
export const memoryQuantity = z
  .string()
  .regex(MEMORY_RE, { message: MEMORY_ALLOWED })
  .refine((q) => !MEMORY_RE.test(q) || (quantityMi(q) >= MIN_MEMORY_MI && quantityMi(q) <= MAX_MEMORY_MI), { message: `outside the plausible range; allowed: ${MEMORY_ALLOWED}` });

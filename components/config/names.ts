/**
 * Names the stack config takes: Kubernetes object names (RFC 1123), and the reserved domains a
 * production address may not use (RFC 2606 and RFC 6761: they never reach anyone).
 */
import { z } from "zod";

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

/** An RFC 1123 label: a namespace, or a label value we build names from. */
export const dns1123Label = z
  .string()
  .regex(new RegExp(`^${LABEL}$`), { message: "an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)" })
  .max(63);

/** An RFC 1123 subdomain: what Kubernetes accepts as the name of a StorageClass (and most objects). */
export const dns1123Subdomain = z
  .string()
  .regex(new RegExp(`^${LABEL}(\\.${LABEL})*$`), { message: "an RFC 1123 subdomain (lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit)" })
  .max(253);

/**
 * Domains reserved for documentation and testing (RFC 2606, RFC 6761): mail to them is never
 * delivered and links to them lead nowhere. Prod refuses every address under them.
 */
export const RESERVED_DOMAINS = ["example.com", "example.net", "example.org", "example", "test", "invalid", "localhost"] as const;

/** The host of a URL, an e-mail address or a host:port; undefined when there is none. */
export function hostOf(address: string): string | undefined {
  const s = address.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    try {
      return new URL(s).hostname.toLowerCase();
    } catch {
      return undefined;
    }
  }
  const at = s.lastIndexOf("@");
  const host = at >= 0 ? s.slice(at + 1) : s.replace(/:\d+$/, "");
  return host ? host.toLowerCase() : undefined;
}

/** The reserved domain an address falls under (e.g. "example.com" for "oncall@example.com"), if any. */
export function reservedDomainOf(address: string): string | undefined {
  const host = hostOf(address)?.replace(/\.$/, "");
  if (!host) return undefined;
  if (/^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]" || host === "::1") return "localhost";
  return RESERVED_DOMAINS.find((d) => host === d || host.endsWith(`.${d}`));
}

/**
 * no-unpinned-images: every container image is pinned to an exact tag or a digest.
 *
 * Severity: high. `:latest` (or no tag) deploys whatever was pushed last: two replicas can run
 * different versions, and a rollback rolls back nothing.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { containersOf, podTemplateOf } from "../lib/k8s";

export interface NoUnpinnedImagesConfig {
  /** Tags that move: never a pin. */
  floatingTags: string[];
  /** Require a digest (@sha256:...) on every image. */
  requireDigest: boolean;
}

export const noUnpinnedImagesDefaults: NoUnpinnedImagesConfig = {
  floatingTags: ["latest", "main", "master", "stable", "edge", "nightly", "dev"],
  requireDigest: false,
};

/** The tag of an image reference ("repo/name:tag@sha256:..."), if any. */
export function imageTag(image: string): string | undefined {
  const noDigest = image.split("@")[0];
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.indexOf(":", lastSlash + 1);
  return colon === -1 ? undefined : noDigest.slice(colon + 1);
}

export const noUnpinnedImages: ResourceValidationPolicy = {
  name: "no-unpinned-images",
  description: "Every container image is pinned to an exact version tag or a digest, never a floating tag like latest.",
  severity: "high",
  configSchema: {
    properties: {
      floatingTags: { type: "array", items: { type: "string" }, default: noUnpinnedImagesDefaults.floatingTags },
      requireDigest: { type: "boolean", default: noUnpinnedImagesDefaults.requireDigest },
    },
  },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const t = podTemplateOf(args.type, args.props);
    if (!t) return;
    const cfg = readConfig(args, noUnpinnedImagesDefaults);
    for (const c of containersOf(t.spec)) {
      const image = c.container.image;
      const where = `${c.role} "${c.name}"`;
      if (typeof image !== "string" || image.trim() === "") {
        reportViolation(`${where} has no image`);
        continue;
      }
      const digest = /@sha256:[0-9a-f]{64}$/.test(image);
      const tag = imageTag(image);
      if (cfg.requireDigest && !digest) reportViolation(`${where} image "${image}" has no digest; pin it with @sha256:...`);
      else if (digest) continue;
      else if (tag === undefined) reportViolation(`${where} image "${image}" has no tag; pin an exact version`);
      else if (cfg.floatingTags.includes(tag.toLowerCase())) reportViolation(`${where} image "${image}" uses the floating tag "${tag}"; pin an exact version`);
    }
  },
};

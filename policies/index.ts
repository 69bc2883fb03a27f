/**
 * The observability-stack CrossGuard pack.
 *
 *   pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json
 *
 * Without a config file every policy is mandatory with bounds that fit any environment (prod-only
 * rules apply to objects labeled environment=prod); the per-environment files tighten the bounds and
 * set the enforcement of dev and prod. See README.md.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, PACK_NAME } from "./policies";

new PolicyPack(PACK_NAME, {
  policies: ALL_POLICIES,
  enforcementLevel: "mandatory",
  description: "Retention, labeling and hardening rules of the observability stack, enforced per environment.",
});

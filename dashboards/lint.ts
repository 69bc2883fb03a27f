/**
 * Configuration of Grafana's dashboard linter (tools/dashboard-linter), as its YAML `.lint` file takes
 * it. Every rule runs in strict mode except these, each excluded for a stated reason.
 */
export const LINT_EXCLUSIONS: Record<string, { reason: string }> = {
  "target-job-rule": {
    reason:
      "Panels read the alerting recording rules, aggregated by (namespace, service) or (instance, node): they carry no job label, so a job=~\"$job\" matcher would hide them. Dashboards filter by $environment and $service; Stack health selects each component by its fixed job from components/endpoints.ts JOBS.",
  },
  "target-instance-rule": {
    reason: "Same as target-job-rule: recording-rule series and per-service aggregates have no instance label to match.",
  },
  "template-job-rule": {
    reason: "No $job variable: see target-job-rule. The dashboards' variables are $datasource, $environment and $service.",
  },
  "template-instance-rule": {
    reason: "No $instance variable: see target-instance-rule.",
  },
};

/** The linter's configuration file content (serialise with `yaml`). */
export function lintConfig(): { exclusions: Record<string, { reason: string }> } {
  return { exclusions: LINT_EXCLUSIONS };
}

/**
 * The vocabulary of the rule files: severities, categories, the shape of alerting and recording
 * rules and of an alert as data (AlertDefinition), and the formatting helpers the rule groups share.
 * rules.ts re-exports all of it; the groups in rule-groups/ import it from here.
 */
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The `category` label: who looks at the alert. Alertmanager routes `educational` to the education team. */
export const ALERT_CATEGORIES = [
  "availability",
  "application",
  "infrastructure",
  "database",
  "security",
  "business",
  "educational",
  "observability",
  /** Kubernetes itself: pods, workloads, nodes, volumes, kubelets (kubernetes-rules.ts). */
  "platform",
] as const;
export type AlertCategory = (typeof ALERT_CATEGORIES)[number];

/** The only labels a rule may add: everything else comes from the (aggregated) series. */
export interface AlertLabels {
  severity: Severity;
  category: AlertCategory;
}

export interface AlertAnnotations {
  /** One line, for a chat title or an e-mail subject. */
  summary: string;
  /** What is wrong, where, and how bad (may use {{ $labels.x }} and {{ $value }}). */
  description: string;
  /** `${runbookBaseUrl}/<alertname-kebab>`. */
  runbook_url: string;
}

/** An alerting rule as it appears in the rule file. */
export interface AlertRule {
  alert: string;
  expr: string;
  /** Prometheus duration ("5m"); absent = fire on the first bad evaluation. */
  for?: string;
  labels: AlertLabels;
  annotations: AlertAnnotations;
}

export interface RecordingRule {
  record: string;
  expr: string;
  /** Labels set on the recorded series (the SLO rules name their service and SLO this way). */
  labels?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (AlertRule | RecordingRule)[];
}

export interface RuleFile {
  groups: RuleGroup[];
}

/** The `status` values of payment_transactions_total / course_enrollments_total that count as failed. */
export const FAILED_STATUS = "failed|failure|error";

/** Labels an alert identifies its subject by; Alertmanager inhibitions compare them (see alertmanager.ts). */
export const SUBJECT_LABELS = ["namespace", "service", "instance", "mountpoint"] as const;

/** An alert as data: the builder adds runbook_url and turns forMinutes into `for:`. */
export interface AlertDefinition {
  alert: string;
  expr: string;
  forMinutes: number;
  labels: AlertLabels;
  annotations: Omit<AlertAnnotations, "runbook_url">;
}

/** "HighCPUUsage" → "high-cpu-usage"; "DatabaseConnectionPoolExhausted" → "database-connection-pool-exhausted". */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

/** 0.05 → "5%". */
export function percent(r: number): string {
  return `${Number((r * 100).toPrecision(4))}%`;
}

/** A number as PromQL writes it (no float noise: 0.1 stays 0.1). */
export function num(n: number): string {
  return String(Number(n.toPrecision(12)));
}

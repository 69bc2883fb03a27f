/** Group educational.alerts: course completion and student dropout, for the education team. */
import type { StackConfig } from "../../config";
import { type AlertDefinition, num, percent } from "../rule-model";

export function educationalAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  return [
    {
      alert: "LowCompletionRate",
      // course_id is a bounded catalogue (the seeds alert per course); nothing per student.
      expr: `min by (namespace, service, course_id) (course_completion_rate) < ${num(t.courseCompletionRatio.warning)}`,
      forMinutes: t.courseCompletionRatio.forMinutes,
      labels: { severity: "warning", category: "educational" },
      annotations: {
        summary: "Low completion rate of course {{ $labels.course_id }}",
        description: `Course {{ $labels.course_id }} has a completion rate of {{ $value | humanizePercentage }}; threshold ${percent(t.courseCompletionRatio.warning)}.`,
      },
    },
    {
      alert: "HighStudentDropout",
      expr: `sum by (namespace, service) (increase(student_dropout_total[1h])) > ${num(t.studentDropoutsPerHour.critical)}`,
      forMinutes: t.studentDropoutsPerHour.forMinutes,
      labels: { severity: "critical", category: "educational" },
      annotations: {
        summary: "High student dropout on {{ $labels.service }}",
        description: `{{ $value | humanize }} students dropped out in the last hour on {{ $labels.service }}; threshold ${num(t.studentDropoutsPerHour.critical)} per hour.`,
      },
    },
  ];
}

/** 3. Business and learning analytics: the seeds' educational and gamification KPIs. */
import { baseDashboard, heatmapPanel, promQ, row, sel, statPanel, timeSeries } from "./common";
import type { dashboardT } from "./sdk";

export const UID = "obs-business-learning";

const rate = (metric: string, extra?: string) => `rate(${sel(metric, extra)}[$__rate_interval])`;

export function businessLearning(): dashboardT.Dashboard {
  return baseDashboard({
    uid: UID,
    title: "Business and learning analytics",
    description:
      "Course completion, assignment scores, engagement, submissions, learning paths, code executions and gamification. Aggregated by course or category only: no per-student series.",
    tags: ["business", "learning"],
    kind: "prometheus",
    from: "now-24h",
  })
    .withRow(row("Learning outcomes"))
    .withPanel(
      statPanel({
        title: "Average completion rate",
        description: "Mean course completion rate over all courses (LowCompletionRate alerts below its threshold).",
        unit: "percentunit",
        min: 0,
        max: 1,
        span: 6,
        targets: [promQ(`avg(${sel("course_completion_rate")})`, "completion", { instant: true })],
        thresholds: { base: "red", steps: [[0.6, "orange"], [0.75, "green"]] },
      }),
    )
    .withPanel(
      statPanel({
        title: "Learning-path completions (per hour)",
        description: "Learning paths completed per hour, current rate.",
        unit: "short",
        span: 6,
        targets: [promQ(`sum(${rate("learning_path_completions_total")}) * 3600`, "completions/h", { instant: true })],
      }),
    )
    .withPanel(
      statPanel({
        title: "Submissions (per hour)",
        description: "Assignment submissions per hour, current rate.",
        unit: "short",
        span: 6,
        targets: [promQ(`sum(${rate("gamifyx_submissions_total")}) * 3600`, "submissions/h", { instant: true })],
      }),
    )
    .withPanel(
      statPanel({
        title: "Student dropouts (per hour)",
        description: "Students dropping out per hour, current rate (HighStudentDropout alerts on it).",
        unit: "short",
        span: 6,
        targets: [promQ(`sum(${rate("student_dropout_total")}) * 3600`, "dropouts/h", { instant: true })],
        thresholds: { base: "green", steps: [[5, "orange"], [10, "red"]] },
      }),
    )
    .withPanel(
      timeSeries({
        title: "Course completion rate",
        description: "Completion rate per course.",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [promQ(`avg by (course_id) (${sel("course_completion_rate")})`, "{{course_id}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Average assignment score",
        description: "Mean assignment score per course.",
        unit: "short",
        targets: [promQ(`avg by (course_id) (${sel("average_assignment_score")})`, "{{course_id}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Assignment completion rate by category",
        description: "Share of assignments completed, per category and difficulty.",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [promQ(`avg by (category, difficulty) (${sel("assignment_completion_rate")})`, "{{category}} {{difficulty}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Learning-path completions",
        description: "Learning paths completed per second.",
        unit: "ops",
        targets: [promQ(`sum by (service) (${rate("learning_path_completions_total")})`, "{{service}}")],
      }),
    )
    .withRow(row("Engagement"))
    .withPanel(
      heatmapPanel({
        title: "Engagement time",
        description: "Distribution of the time users spend per feature interaction (histogram buckets).",
        unit: "s",
        span: 24,
        targets: [promQ(`sum by (le) (${rate("user_engagement_time_seconds_bucket")})`, "{{le}}", { format: "heatmap" })],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Submissions by status",
        description: "Assignment submissions per second by status.",
        unit: "ops",
        stack: true,
        targets: [promQ(`sum by (status) (${rate("gamifyx_submissions_total")})`, "{{status}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Code executions by language and status",
        description: "Code executions per second by language and outcome.",
        unit: "ops",
        targets: [promQ(`sum by (language, status) (${rate("code_executions_total")})`, "{{language}} {{status}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Gamification engagement",
        description: "Gamification interactions per second by element and action (the per-user label is aggregated away).",
        unit: "ops",
        stack: true,
        targets: [promQ(`sum by (element_type, action) (${rate("gamification_engagement_total")})`, "{{element_type}} {{action}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Course enrollments",
        description: "Course enrollments per second by course type.",
        unit: "ops",
        targets: [promQ(`sum by (course_type) (${rate("course_enrollments_total")})`, "{{course_type}}")],
      }),
    )
    .build();
}

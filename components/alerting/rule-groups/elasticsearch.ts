/** Elasticsearch cluster health, red and yellow (in stack-health.alerts). */
import { JOBS } from "../../endpoints";
import type { AlertDefinition } from "../rule-model";

export function elasticsearchAlerts(): AlertDefinition[] {
  const job = (j: string) => `job="${j}"`;
  const obs = "observability" as const;
  return [
    {
      alert: "ElasticsearchClusterRed",
      expr: `max by (namespace) (elasticsearch_cluster_health_status{${job(JOBS.elasticsearch)}, color="red"}) == 1`,
      forMinutes: 5,
      labels: { severity: "critical", category: obs },
      annotations: {
        summary: "Elasticsearch cluster is red",
        description: "The Elasticsearch cluster in namespace {{ $labels.namespace }} has unassigned primary shards: some log indices cannot be written or searched.",
      },
    },
    {
      alert: "ElasticsearchClusterYellow",
      expr: `max by (namespace) (elasticsearch_cluster_health_status{${job(JOBS.elasticsearch)}, color="yellow"}) == 1`,
      forMinutes: 20,
      labels: { severity: "warning", category: obs },
      annotations: {
        summary: "Elasticsearch cluster is yellow",
        description: "The Elasticsearch cluster in namespace {{ $labels.namespace }} has unassigned replica shards: one more node loss can lose data.",
      },
    },
  ];
}

import { telemetryRetentionConfigured } from "../../../policies/retention/telemetry-retention-configured";
import { elasticsearchConfig, jaegerCleaner, jaegerConfig, lokiConfig, workload, container } from "../fixtures";
import { assertNoStackViolations, assertStackViolations, stackArgs } from "../helpers";

describe("telemetry-retention-configured", () => {
  const lokiSts = workload("StatefulSet", "loki", [container("loki", "docker.io/grafana/loki:3.7.8")]);
  const esSts = workload("StatefulSet", "elasticsearch", [container("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:8.19.2")]);
  const jaegerDep = workload("Deployment", "jaeger", [container("jaeger", "docker.io/jaegertracing/jaeger:2.13.0")]);
  const esBackend = { elasticsearch: { server_urls: ["http://elasticsearch:9200"] } };
  const urn = (f: { type: string; name: string }) => `urn:pulumi:test::observability-stack::${f.type}::${f.name}`;

  test("compliant: every store ships its retention artifact", () =>
    assertNoStackViolations(telemetryRetentionConfigured, stackArgs([lokiSts, lokiConfig(), esSts, elasticsearchConfig(), jaegerDep, jaegerConfig(esBackend), jaegerCleaner()])));
  test("Loki without loki.yaml", () =>
    assertStackViolations(telemetryRetentionConfigured, stackArgs([lokiSts]), [
      { message: 'StatefulSet "loki" runs Loki but no ConfigMap labeled app.kubernetes.io/name=loki has loki.yaml; its retention cannot be checked', urn: urn(lokiSts) },
    ]));
  test("Elasticsearch without the audit class", async () => {
    const cm = elasticsearchConfig({ application: "365d", security: "2555d" });
    await assertStackViolations(telemetryRetentionConfigured, stackArgs([esSts, cm]), [
      { message: 'StatefulSet "elasticsearch" runs Elasticsearch but no ILM policy ilm-audit.json exists for log class "audit"', urn: urn(esSts) },
    ]);
  });
  test("Jaeger on Elasticsearch without its index cleaner", () =>
    assertStackViolations(telemetryRetentionConfigured, stackArgs([jaegerDep, jaegerConfig(esBackend)]), [
      { message: 'Deployment "jaeger" stores traces in Elasticsearch but no CronJob runs jaeger-es-index-cleaner; trace indices would never be deleted', urn: urn(jaegerDep) },
    ]));
  test("Jaeger without its config", () =>
    assertStackViolations(telemetryRetentionConfigured, stackArgs([jaegerDep]), [
      { message: 'Deployment "jaeger" runs Jaeger but no ConfigMap labeled app.kubernetes.io/name=jaeger has config.yaml; its retention cannot be checked', urn: urn(jaegerDep) },
    ]));
});

import { alertmanagerRetention } from "../../policies/retention/alertmanager-retention";
import { cloudwatchLogGroupRetention } from "../../policies/retention/cloudwatch-log-group-retention";
import { elasticsearchIlmRetention } from "../../policies/retention/elasticsearch-ilm-retention";
import { jaegerTraceRetention } from "../../policies/retention/jaeger-trace-retention";
import { lokiRetention } from "../../policies/retention/loki-retention";
import { prometheusRetention } from "../../policies/retention/prometheus-retention";
import { s3BucketLifecycle } from "../../policies/retention/s3-bucket-lifecycle";
import { telemetryRetentionConfigured } from "../../policies/retention/telemetry-retention-configured";
import prodConfig from "../../policies/config/prod.json";
import devConfig from "../../policies/config/dev.json";
import { type Fixture, alertmanager, configMap, elasticsearchConfig, ilmPolicy, indexTemplate, jaegerCleaner, jaegerConfig, lokiConfig, prometheus, workload, container } from "./fixtures";
import { assertNoStackViolations, assertResourceViolations, assertStackViolations, clone, policyResource, resourceArgs, stackArgs } from "./helpers";

/** A policy's settings in policies/config/prod.json, as the engine hands them over. */
function PROD(name: keyof typeof prodConfig): Record<string, unknown> {
  const { enforcementLevel: _, ...props } = prodConfig[name] as Record<string, unknown>;
  return props;
}
const PROD_ES = PROD("elasticsearch-ilm-retention");
const { enforcementLevel: _d, ...DEV_ES } = devConfig["elasticsearch-ilm-retention"];

describe("prometheus-retention", () => {
  const args = (f = prometheus(), config: Record<string, unknown> = PROD("prometheus-retention")) => resourceArgs(f, config);
  const container0 = (f: Fixture): Record<string, any> => f.props.spec.template.spec.containers[0];

  test("compliant: 30d and 170GB on a 200Gi volume", () => assertResourceViolations(prometheusRetention, args(), []));

  test("no retention time", async () => {
    const f = prometheus();
    container0(f).args = container0(f).args.filter((a: string) => !a.startsWith("--storage.tsdb.retention.time"));
    await assertResourceViolations(prometheusRetention, args(f), ['container "prometheus" has no --storage.tsdb.retention.time; set it (allowed: 15 to 90 days)']);
  });

  test("retention time above the bounds", async () => {
    const f = prometheus();
    container0(f).args[2] = "--storage.tsdb.retention.time=180d";
    await assertResourceViolations(prometheusRetention, args(f), ["--storage.tsdb.retention.time=180d is 180 days; allowed: 15 to 90 days"]);
  });

  test("dev bounds from policies/config/dev.json: 30d is too long", async () => {
    const { enforcementLevel: _, ...cfg } = devConfig["prometheus-retention"];
    await assertResourceViolations(prometheusRetention, args(prometheus(), cfg), ["--storage.tsdb.retention.time=30d is 30 days; allowed: 1 to 15 days"]);
  });

  test("retention time in hours and the split flag form are understood", async () => {
    const f = prometheus();
    container0(f).args.splice(2, 1, "--storage.tsdb.retention.time", "360h");
    await assertResourceViolations(prometheusRetention, args(f), []);
  });

  test("retention time that is not a duration", async () => {
    const f = prometheus();
    container0(f).args[2] = "--storage.tsdb.retention.time=30days";
    await assertResourceViolations(prometheusRetention, args(f), ['--storage.tsdb.retention.time=30days is not a duration like "30d"']);
  });

  test("no retention size", async () => {
    const f = prometheus();
    container0(f).args.pop();
    await assertResourceViolations(prometheusRetention, args(f), [
      'container "prometheus" has no --storage.tsdb.retention.size; set it below the volume size so the TSDB cannot fill its disk',
    ]);
  });

  test("retention size that does not fit the volume", async () => {
    const f = prometheus();
    container0(f).args[3] = "--storage.tsdb.retention.size=200GB";
    await assertResourceViolations(prometheusRetention, args(f), [
      '--storage.tsdb.retention.size=200GB does not fit the 200Gi volume claim "data"; allowed: less than 200Gi, leaving room for the WAL',
    ]);
  });

  test("retention size that is not a size", async () => {
    const f = prometheus();
    container0(f).args[3] = "--storage.tsdb.retention.size=170G";
    await assertResourceViolations(prometheusRetention, args(f), ['--storage.tsdb.retention.size=170G is not a size like "170GB"']);
  });

  test("no prometheus container", async () => {
    const f = prometheus();
    container0(f).name = "server";
    await assertResourceViolations(prometheusRetention, args(f), ['no container "prometheus" to carry the retention flags']);
  });

  test("other workloads are not its business", () => assertResourceViolations(prometheusRetention, args(alertmanager()), []));
});

describe("alertmanager-retention", () => {
  const c0 = (f: Fixture): Record<string, any> => f.props.spec.template.spec.containers[0];
  test("compliant: 120h", () => assertResourceViolations(alertmanagerRetention, resourceArgs(alertmanager(), PROD("alertmanager-retention")), []));
  test("no --data.retention", async () => {
    const f = alertmanager();
    c0(f).args.pop();
    await assertResourceViolations(alertmanagerRetention, resourceArgs(f, PROD("alertmanager-retention")), ['container "alertmanager" has no --data.retention; set it (allowed: 24h to 720h)']);
  });
  test("too long", async () => {
    const f = alertmanager();
    c0(f).args[1] = "--data.retention=8760h";
    await assertResourceViolations(alertmanagerRetention, resourceArgs(f, PROD("alertmanager-retention")), ["--data.retention=8760h is 8760 hours; allowed: 24h to 720h"]);
  });
  test("not a duration", async () => {
    const f = alertmanager();
    c0(f).args[1] = "--data.retention=five";
    await assertResourceViolations(alertmanagerRetention, resourceArgs(f, PROD("alertmanager-retention")), ['--data.retention=five is not a duration like "120h"']);
  });
});

describe("loki-retention", () => {
  test("compliant: compactor retention, delete_request_store, 720h", () => assertResourceViolations(lokiRetention, resourceArgs(lokiConfig(), PROD("loki-retention")), []));
  test("compactor retention off", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ compactor: { retention_enabled: false } }), PROD("loki-retention")), [
      "loki.yaml: compactor.retention_enabled is not true; without it Loki never deletes logs",
    ]));
  test("no delete_request_store", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ compactor: { delete_request_store: "" } }), PROD("loki-retention")), [
      "loki.yaml: compactor.delete_request_store is not set; Loki needs it to run retention",
    ]));
  test("no retention_period", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ limits_config: { retention_period: undefined } }), PROD("loki-retention")), [
      "loki.yaml: limits_config.retention_period is not set; allowed: 15 to 90 days",
    ]));
  test("retention_period 0s keeps logs forever", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ limits_config: { retention_period: "0s" } }), PROD("loki-retention")), [
      'loki.yaml: limits_config.retention_period "0s" keeps logs forever; allowed: 15 to 90 days',
    ]));
  test("retention_period below the bounds (days spelling)", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ limits_config: { retention_period: "7d" } }), PROD("loki-retention")), [
      'loki.yaml: limits_config.retention_period "7d" is 7 days; allowed: 15 to 90 days',
    ]));
  test("retention_period that is not a duration", () =>
    assertResourceViolations(lokiRetention, resourceArgs(lokiConfig({ limits_config: { retention_period: "a month" } }), PROD("loki-retention")), [
      'loki.yaml: limits_config.retention_period "a month" is not a duration like "720h" or "30d"',
    ]));
  test("invalid YAML", () =>
    assertResourceViolations(lokiRetention, resourceArgs(configMap("loki", { "loki.yaml": "compactor: [" }), PROD("loki-retention")), [
      expect.stringMatching(/^loki\.yaml is not valid YAML: /) as unknown as string,
    ]));
});

describe("elasticsearch-ilm-retention", () => {
  const prod = (f = elasticsearchConfig()) => resourceArgs(f, PROD_ES);
  test("compliant prod: a year of application logs, seven years of audit and security logs", () => assertResourceViolations(elasticsearchIlmRetention, prod(), []));
  test("compliant dev: 7 days everywhere", () =>
    assertResourceViolations(elasticsearchIlmRetention, resourceArgs(elasticsearchConfig({ application: "7d", audit: "7d", security: "7d" }), DEV_ES), []));
  test("compliance tier: audit logs kept less than seven years", () =>
    assertResourceViolations(elasticsearchIlmRetention, prod(elasticsearchConfig({ application: "365d", audit: "365d", security: "2555d" })), [
      'ilm-audit.json: delete phase min_age "365d" is 365 days; allowed: at least 2555 days',
    ]));
  test("application logs kept too long", () =>
    assertResourceViolations(elasticsearchIlmRetention, prod(elasticsearchConfig({ application: "3650d", audit: "2555d", security: "2555d" })), [
      'ilm-application.json: delete phase min_age "3650d" is 3650 days; allowed: 30 to 400 days',
    ]));
  test("no delete phase", async () => {
    const f = elasticsearchConfig();
    f.props.data["ilm-security.json"] = ilmPolicy(undefined);
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), ["ilm-security.json has no delete phase with a delete action; allowed: at least 2555 days"]);
  });
  test("template attaches no ILM policy", async () => {
    const f = elasticsearchConfig();
    f.props.data["index-template-audit.json"] = indexTemplate("audit", null);
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), [
      "index-template-audit.json attaches no ILM policy (settings index.lifecycle.name is not set); its indices would never be deleted",
    ]);
  });
  test("template without a policy, policy without a template", async () => {
    const f = elasticsearchConfig();
    delete f.props.data["ilm-audit.json"];
    delete f.props.data["index-template-security.json"];
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), [
      "index-template-audit.json has no ILM policy ilm-audit.json for its class",
      "ilm-security.json is attached by no index template (index-template-security.json)",
    ]);
  });
  test("nested settings spelling is understood", async () => {
    const f = elasticsearchConfig();
    f.props.data["index-template-audit.json"] = JSON.stringify({ template: { settings: { index: { lifecycle: { name: "logs-audit" } } } } });
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), []);
  });
});

describe("jaeger-trace-retention", () => {
  test("compliant badger: 168h", () => assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig(), PROD("jaeger-trace-retention")), []));
  test("badger without ttl.spans", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ badger: { ephemeral: false } }), PROD("jaeger-trace-retention")), [
      'config.yaml: backend "traces": badger ttl.spans is not set; allowed: 3 to 30 days',
    ]));
  test("badger ttl above the bounds", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ badger: { ttl: { spans: "2160h" } } }), PROD("jaeger-trace-retention")), [
      'config.yaml: backend "traces": badger ttl.spans "2160h" is 90 days; allowed: 3 to 30 days',
    ]));
  test("memory needs max_traces", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ memory: {} }), PROD("jaeger-trace-retention")), [
      'config.yaml: backend "traces": memory max_traces is not set; in-memory trace storage would grow without bound',
    ]));
  test("memory with max_traces is bounded", () => assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ memory: { max_traces: 25600 } }), PROD("jaeger-trace-retention")), []));
  test("compliant index cleaner: 7 days", () => assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerCleaner(), PROD("jaeger-trace-retention")), []));
  test("index cleaner keeps too long", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerCleaner("90"), PROD("jaeger-trace-retention")), ['index cleaner (container "index-cleaner") keeps 90 days of traces; allowed: 3 to 30 days']));
  test("index cleaner without a day count", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerCleaner("http://elasticsearch:9200"), PROD("jaeger-trace-retention")), [
      'index cleaner (container "index-cleaner"): first argument "http://elasticsearch:9200" is not a number of days',
    ]));
});

describe("cloudwatch-log-group-retention", () => {
  const group = (props: Record<string, unknown>) => resourceArgs({ type: "aws:cloudwatch/logGroup:LogGroup", props });
  test("compliant: 30 days", () => assertResourceViolations(cloudwatchLogGroupRetention, group({ retentionInDays: 30 }), []));
  test("never expires", () =>
    assertResourceViolations(cloudwatchLogGroupRetention, group({}), ["retentionInDays is not set; the log group would keep events forever (allowed: 1 to 3653 days)"]));
  test("outside the bounds", () =>
    assertResourceViolations(cloudwatchLogGroupRetention, resourceArgs({ type: "aws:cloudwatch/logGroup:LogGroup", props: { retentionInDays: 3 } }, { retention: { minDays: 7 } }), [
      "retentionInDays 3 is outside the allowed at least 7 days",
    ]));
});

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

describe("s3-bucket-lifecycle", () => {
  const provider = { defaultTags: JSON.stringify({ tags: { Environment: "prod" } }) };
  const bucket = (name: string) => ({ type: "aws:s3/bucket:Bucket", name, props: { forceDestroy: false, id: `${name}-id`, bucket: `${name}-bucket` }, providerProps: provider });
  const lifecycle = (name: string, bucketRef: string, expiration: Record<string, unknown>) => ({
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    name: `${name}-lifecycle`,
    props: { bucket: bucketRef, rules: [{ id: "retention", status: "Enabled", filter: {}, expiration, noncurrentVersionExpiration: { noncurrentDays: 7 } }] },
  });
  const slm = configMap("elasticsearch", { "slm-policy.json": JSON.stringify({ schedule: "0 30 1 * * ?", retention: { expire_after: "30d", min_count: 5, max_count: 50 } }) }, "es-bootstrap");
  const compliant = () => [
    lokiConfig(),
    bucket("obs-loki-chunks"),
    lifecycle("obs-loki-chunks", "obs-loki-chunks-id", { days: 30 }),
    bucket("obs-loki-ruler"),
    lifecycle("obs-loki-ruler", "obs-loki-ruler-id", { expiredObjectDeleteMarker: true }),
    bucket("obs-es-snapshots"),
    lifecycle("obs-es-snapshots", "obs-es-snapshots-id", { expiredObjectDeleteMarker: true }),
    slm,
  ];
  const urn = (name: string) => `urn:pulumi:test::observability-stack::aws:s3/bucket:Bucket::${name}`;

  test("compliant: Loki chunks expire with Loki's 30 days, snapshots by SLM, ruler files never", () => assertNoStackViolations(s3BucketLifecycle, stackArgs(compliant())));
  test("a telemetry bucket without an expiration", async () => {
    const r = compliant();
    r.splice(2, 1);
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      { message: 'bucket "obs-loki-chunks" has no enabled lifecycle rule with an expiration; its objects would be kept forever', urn: urn("obs-loki-chunks") },
    ]);
  });
  test("an expiration that does not match the store's retention", async () => {
    const r = compliant();
    r[2] = lifecycle("obs-loki-chunks", "obs-loki-chunks-id", { days: 7 });
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      { message: 'bucket "obs-loki-chunks" expires objects after 7 days but loki keeps 30 days; allowed: 30 to 31 days', urn: urn("obs-loki-chunks") },
    ]);
  });
  test("a disabled rule does not count", async () => {
    const r = clone(compliant());
    (r[2].props as { rules: { status: string }[] }).rules[0].status = "Disabled";
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      { message: 'bucket "obs-loki-chunks" has no enabled lifecycle rule with an expiration; its objects would be kept forever', urn: urn("obs-loki-chunks") },
    ]);
  });
  test("the engine's property dependency links a lifecycle whose bucket id is unknown", async () => {
    const r = compliant();
    const b = policyResource(r[1]);
    const l = policyResource({ ...r[2], props: { ...r[2].props, bucket: undefined }, propertyDependencies: { bucket: [b] } });
    await assertNoStackViolations(s3BucketLifecycle, stackArgs([r[0], b, l, ...r.slice(3)]));
  });
  test("snapshots expired by age", async () => {
    const r = compliant();
    r[6] = lifecycle("obs-es-snapshots", "obs-es-snapshots-id", { days: 30 });
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      {
        message: 'bucket "obs-es-snapshots" holds snapshots but expires objects after 30 days; incremental snapshots share files, so only the SLM retention may delete them',
        urn: urn("obs-es-snapshots"),
      },
    ]);
  });
  test("snapshots without an SLM retention", async () => {
    const r = compliant();
    r.pop();
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      { message: 'bucket "obs-es-snapshots" holds snapshots but no slm-policy.json sets retention.expire_after; snapshots would be kept forever', urn: urn("obs-es-snapshots") },
    ]);
  });
  test("snapshots kept longer than the shortest-kept log class", async () => {
    const r = compliant();
    r[7] = configMap(
      "elasticsearch",
      { ...elasticsearchConfig().props.data, "slm-policy.json": JSON.stringify({ retention: { expire_after: "400d" } }) },
      "es-bootstrap",
    );
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      {
        message: 'bucket "obs-es-snapshots": the SLM retention keeps snapshots 400 days, longer than the 365 days "application" logs are kept; deleted logs would live on in snapshots',
        urn: urn("obs-es-snapshots"),
      },
    ]);
  });
  test("a Store tag names the store of a bucket the name rules do not know", async () => {
    const tagged = { ...bucket("obs-archive"), props: { ...bucket("obs-archive").props, tags: { Store: "loki" } } };
    await assertStackViolations(s3BucketLifecycle, stackArgs([lokiConfig(), tagged, lifecycle("obs-archive", "obs-archive-bucket", { days: 365 })]), [
      { message: 'bucket "obs-archive" expires objects after 365 days but loki keeps 30 days; allowed: 30 to 31 days', urn: urn("obs-archive") },
    ]);
  });
});

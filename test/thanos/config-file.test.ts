/**
 * Thanos' settings and pure builders: the cross-field rules with their exact messages, the
 * Prometheus config of an HA pair (replica label, dropped from alerts), the objstore config, and the
 * Compactor's flags from thanos.retention.
 */
import { ConfigError, loadConfig } from "../../components/config";
import { buildPrometheusConfig } from "../../components/prometheus/config-file";
import { bucketRetentionDays } from "../../components/thanos/schema";
import { compactArgs, endpointPort, objstoreConfig, queryArgs } from "../../components/thanos/config-file";
import { ISSUER, OIDC_ARN, devRaw, prodRaw } from "../aws/fixtures";

const problems = (f: () => unknown): string[] => {
  try {
    f();
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};
const AWS = { oidcProviderArn: OIDC_ARN, oidcProviderUrl: ISSUER };

describe("thanos config", () => {
  test("prod: on, a year in the bucket; dev: off", () => {
    const prod = loadConfig(prodRaw({ aws: AWS }));
    expect([prod.thanos.enabled, prod.thanos.retention, prod.thanos.query.replicas]).toEqual([true, { rawDays: 90, fiveMinuteDays: 180, oneHourDays: 365 }, 2]);
    expect(loadConfig(devRaw()).thanos.enabled).toBe(false);
  });

  test("a bucket retention shorter than the local retention is refused, naming both keys", () => {
    const p = problems(() => loadConfig(prodRaw({ aws: AWS, thanos: { retention: { rawDays: 7, fiveMinuteDays: 14, oneHourDays: 20 } } })));
    expect(p).toEqual([
      "observability-stack:thanos.retention.oneHourDays: 20 days, the longest the bucket keeps a block, is shorter than prometheus.retentionDays (30); " +
        "history would end in the bucket before it ends on Prometheus' own disk; allowed: >= 30",
    ]);
    // The longest resolution is the bucket's retention, whichever it is.
    expect(bucketRetentionDays({ rawDays: 40, fiveMinuteDays: 10, oneHourDays: 20 })).toEqual({ key: "rawDays", days: 40 });
    expect(problems(() => loadConfig(prodRaw({ aws: AWS, thanos: { retention: { rawDays: 30, fiveMinuteDays: 14, oneHourDays: 20 } } })))).toEqual([]);
  });

  test("without AWS, Thanos needs an S3-compatible endpoint and bucket; with AWS they are the stack's own", () => {
    // Prod's scalable Loki needs an object store of its own without AWS: given, so only Thanos' keys are in question.
    const loki = { objectStore: { endpoint: "objects.storage.internal:9000", region: "garage", chunksBucket: "obs-loki-chunks", rulerBucket: "obs-loki-ruler" } };
    expect(problems(() => loadConfig(prodRaw({ aws: { enabled: false }, loki })))).toEqual([
      'observability-stack:thanos.objectStorage.endpoint: missing; required when thanos.enabled is true and aws.enabled is false (an S3-compatible endpoint "host[:port]" whose bucket keeps the blocks; or set thanos.enabled false)',
      "observability-stack:thanos.objectStorage.bucket: missing; required when thanos.enabled is true and aws.enabled is false (the bucket at thanos.objectStorage.endpoint; its lifecycle is the operator's)",
    ]);
    expect(problems(() => loadConfig(prodRaw({ aws: { enabled: false }, loki, thanos: { objectStorage: { endpoint: "minio.storage.internal:9000", bucket: "thanos" } } })))).toEqual([]);
    expect(problems(() => loadConfig(prodRaw({ aws: { enabled: false }, loki, thanos: { enabled: false } })))).toEqual([]);
    expect(problems(() => loadConfig(prodRaw({ aws: AWS, thanos: { objectStorage: { bucket: "thanos" } } })))).toEqual([
      'observability-stack:thanos.objectStorage.bucket: "thanos" is not allowed with aws.enabled true; the stack creates the bucket (with its lifecycle) and uses it (allowed: unset)',
    ]);
  });

  test("a disabled Thanos is never read", () => {
    expect(problems(() => loadConfig(devRaw({ thanos: { retention: { rawDays: 1, fiveMinuteDays: 1, oneHourDays: 1 } } })))).toEqual([]);
  });
});

describe("Prometheus of an HA pair", () => {
  const base = { environment: "prod" as const, clusterName: "prod", scrapeIntervalSeconds: 15, evaluationIntervalSeconds: 15, serviceTargets: [], staticTargets: [] };
  const am = { namespace: "observability", service: "alertmanager", portName: "web" };

  test("each replica's external label is its pod name, and alerts drop it (Alertmanager sees one alert from the pair)", () => {
    const c = buildPrometheusConfig({ ...base, alertmanager: am, replicaLabel: { name: "prometheus_replica", envVar: "POD_NAME" } }) as Record<string, any>;
    expect(c.global.external_labels).toEqual({ cluster: "prod", environment: "prod", prometheus_replica: "${POD_NAME}" });
    expect(c.alerting.alert_relabel_configs).toEqual([{ action: "labeldrop", regex: "prometheus_replica" }]);
  });

  test("without Thanos: no replica label, no alert relabelling", () => {
    const c = buildPrometheusConfig({ ...base, alertmanager: am }) as Record<string, any>;
    expect(c.global.external_labels).toEqual({ cluster: "prod", environment: "prod" });
    expect(c.alerting.alert_relabel_configs).toBeUndefined();
  });
});

describe("Thanos' flags and objstore config", () => {
  test("the Compactor's retention per resolution, from thanos.retention", () => {
    expect(compactArgs({ dataDir: "/var/thanos", objstoreFile: "/etc/thanos/objstore.yaml", retention: { rawDays: 90, fiveMinuteDays: 180, oneHourDays: 365 } })).toEqual([
      "compact",
      "--wait",
      "--http-address=0.0.0.0:10902",
      "--data-dir=/var/thanos",
      "--objstore.config-file=/etc/thanos/objstore.yaml",
      "--retention.resolution-raw=90d",
      "--retention.resolution-5m=180d",
      "--retention.resolution-1h=365d",
    ]);
  });

  test("Query deduplicates by the replica label over every endpoint", () => {
    expect(queryArgs({ endpoints: ["dns+a:10901", "dns+b:10901"] })).toEqual([
      "query",
      "--grpc-address=0.0.0.0:10901",
      "--http-address=0.0.0.0:10902",
      "--query.replica-label=prometheus_replica",
      "--query.auto-downsampling",
      "--endpoint=dns+a:10901",
      "--endpoint=dns+b:10901",
    ]);
  });

  test("objstore: S3 over HTTPS, no credential field; IRSA through the AWS SDK only on AWS", () => {
    const aws = objstoreConfig({ bucket: "b", endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", awsSdkAuth: true });
    expect(aws).toEqual({ type: "S3", config: { bucket: "b", endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", insecure: false, aws_sdk_auth: true } });
    const other = objstoreConfig({ bucket: "b", endpoint: "minio.internal:9000", region: "eu-west-1", awsSdkAuth: false }) as { config: Record<string, unknown> };
    expect(Object.keys(other.config).filter((k) => /key|secret|token/i.test(k))).toEqual([]);
    expect([endpointPort("minio.internal:9000"), endpointPort("s3.eu-west-1.amazonaws.com")]).toEqual([9000, 443]);
  });
});

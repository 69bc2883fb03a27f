/**
 * Compliant fixtures shaped like what the stack registers (see components/): each test clones one
 * and changes a single thing.
 */
import { stringify } from "yaml";

export function labels(name: string, component = "metrics", environment = "prod"): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/version": "1.0.0",
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "observability-stack",
    "app.kubernetes.io/managed-by": "pulumi",
    environment,
    team: "platform",
  };
}

/** The labels of things that may never change (selectors, claim templates): no version. */
export function stableLabels(name: string, component = "metrics", environment = "prod"): Record<string, string> {
  const { "app.kubernetes.io/version": _, ...rest } = labels(name, component, environment);
  return rest;
}

export function container(name: string, image: string, extra: Record<string, any> = {}): Record<string, any> {
  return {
    name,
    image,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    securityContext: { runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    ...extra,
  };
}

/** A workload of an app with its pod template, labeled on both. */
export interface Fixture {
  type: string;
  name: string;
  props: Record<string, any>;
}

export function workload(
  kind: "StatefulSet" | "Deployment" | "DaemonSet",
  app: string,
  containers: Record<string, any>[],
  spec: Record<string, any> = {},
  podSpec: Record<string, any> = {},
): Fixture {
  const l = labels(app);
  return {
    type: `kubernetes:apps/v1:${kind}`,
    name: app,
    props: {
      metadata: { name: app, namespace: "observability", labels: l },
      spec: {
        selector: { matchLabels: { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app } },
        template: { metadata: { labels: l }, spec: { containers, securityContext: { runAsNonRoot: true, fsGroup: 65534 }, ...podSpec } },
        ...spec,
      },
    },
  };
}

export function configMap(app: string, data: Record<string, string>, name = app) {
  return {
    type: "kubernetes:core/v1:ConfigMap",
    name,
    props: { metadata: { name, namespace: "observability", labels: labels(app) }, data },
  };
}

export const prometheus = () =>
  workload(
    "StatefulSet",
    "prometheus",
    [
      container("prometheus", "quay.io/prometheus/prometheus:v3.16.0", {
        args: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=30d", "--storage.tsdb.retention.size=170GB"],
        volumeMounts: [{ name: "data", mountPath: "/prometheus" }],
      }),
    ],
    {
      replicas: 2,
      volumeClaimTemplates: [
        { metadata: { name: "data", labels: stableLabels("prometheus") }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "200Gi" } } } },
      ],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    },
  );

export const alertmanager = () =>
  workload("StatefulSet", "alertmanager", [container("alertmanager", "quay.io/prometheus/alertmanager:v0.34.2", { args: ["--config.file=/etc/alertmanager/alertmanager.yml", "--data.retention=120h"] })], {
    replicas: 3,
    volumeClaimTemplates: [{ metadata: { name: "data", labels: stableLabels("alertmanager") }, spec: { resources: { requests: { storage: "2Gi" } } } }],
  });

export const lokiConfig = (over: Record<string, any> = {}) => {
  const conf: Record<string, any> = {
    auth_enabled: false,
    compactor: { working_directory: "/var/loki/compactor", retention_enabled: true, retention_delete_delay: "2h", delete_request_store: "filesystem" },
    limits_config: { retention_period: "720h", ingestion_rate_mb: 16 },
  };
  for (const [k, v] of Object.entries(over)) conf[k] = { ...conf[k], ...v };
  return configMap("loki", { "loki.yaml": stringify(conf) });
};

export function ilmPolicy(deleteAfter: string | undefined) {
  const phases: Record<string, any> = { hot: { min_age: "0ms", actions: { rollover: { max_age: "1d" } } } };
  if (deleteAfter !== undefined) phases.delete = { min_age: deleteAfter, actions: { delete: {} } };
  return JSON.stringify({ policy: { phases } });
}

/** A composable index template; lifecycle null = no index.lifecycle.name. */
export function indexTemplate(cls: string, lifecycle: string | null = `logs-${cls}`) {
  const settings: Record<string, unknown> = { "index.number_of_shards": 1 };
  if (lifecycle !== null) settings["index.lifecycle.name"] = lifecycle;
  return JSON.stringify({ index_patterns: [`logs-${cls}-*`], template: { settings } });
}

export const elasticsearchConfig = (days: Record<string, string> = { application: "365d", audit: "2555d", security: "2555d" }) => {
  const data: Record<string, string> = {};
  for (const [cls, d] of Object.entries(days)) {
    data[`ilm-${cls}.json`] = ilmPolicy(d);
    data[`index-template-${cls}.json`] = indexTemplate(cls);
  }
  return configMap("elasticsearch", data, "elasticsearch-bootstrap");
};

export const jaegerConfig = (backend: Record<string, any> = { badger: { ttl: { spans: "168h" } } }) =>
  configMap("jaeger", {
    "config.yaml": stringify({
      extensions: { jaeger_storage: { backends: { traces: backend } } },
      service: { extensions: ["jaeger_storage"] },
    }),
  });

export const jaegerCleaner = (days: unknown = "7") => ({
  type: "kubernetes:batch/v1:CronJob",
  name: "jaeger-index-cleaner",
  props: {
    metadata: { name: "jaeger-index-cleaner", namespace: "observability", labels: labels("jaeger", "traces") },
    spec: {
      schedule: "55 23 * * *",
      jobTemplate: {
        spec: {
          template: {
            metadata: { labels: labels("jaeger", "traces") },
            spec: {
              restartPolicy: "OnFailure",
              securityContext: { runAsNonRoot: true },
              containers: [container("index-cleaner", "docker.io/jaegertracing/jaeger-es-index-cleaner:2.13.0", { args: [days, "http://elasticsearch:9200"] })],
            },
          },
        },
      },
    },
  },
});

export const ruleFile = (rules: Record<string, any>[]) =>
  configMap("prometheus", { "loki.rules.yaml": stringify({ groups: [{ name: "loki.alerts", rules }] }) }, "prometheus-rules");

export const alertRule = (over: Record<string, any> = {}) => ({
  alert: "LokiDown",
  expr: 'up{job="loki"} == 0',
  for: "5m",
  labels: { severity: "critical", category: "infrastructure" },
  annotations: {
    summary: "Loki is down",
    description: "Loki has been unreachable for 5 minutes.",
    runbook_url: "https://runbooks.example.com/observability/lokidown",
  },
  ...over,
});

/** The first container of a workload fixture's pod template, to change in place. */
export function container0(f: Fixture): Record<string, any> {
  return f.props.spec.template.spec.containers[0];
}

/** The Thanos Compactor as the stack registers it: raw 90 days, 5 m 180 days, 1 h 365 days. */
export const thanosCompactor = (retention: Record<string, string | undefined> = { raw: "90d", "5m": "180d", "1h": "365d" }) =>
  workload("StatefulSet", "thanos-compact", [
    container("thanos", "quay.io/thanos/thanos:v0.42.4", {
      args: [
        "compact",
        "--wait",
        "--data-dir=/var/thanos",
        "--objstore.config-file=/etc/thanos/objstore.yaml",
        ...Object.entries(retention)
          .filter(([, v]) => v !== undefined)
          .map(([res, v]) => `--retention.resolution-${res}=${v}`),
      ],
    }),
  ]);

/** Prometheus with its Thanos sidecar (the stack's prod Prometheus). */
export const prometheusWithSidecar = () => {
  const f = prometheus();
  f.props.spec.template.spec.containers.push(container("thanos-sidecar", "quay.io/thanos/thanos:v0.42.4", { args: ["sidecar", "--tsdb.path=/prometheus"] }));
  return f;
};

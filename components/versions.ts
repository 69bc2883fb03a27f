/**
 * Every image the stack deploys and every tool version the tests run, in one place.
 * Exact versions only: a test fails on any image without a pinned tag, and the tools built from the
 * Go module proxy (tools/) are checked against these so promtool/amtool test what we deploy.
 */
export const IMAGES = {
  nodeExporter: { repository: "quay.io/prometheus/node-exporter", tag: "v1.12.1" },
  /** In front of the node exporter on each node: authenticates and authorizes every scrape (TokenReview, SubjectAccessReview). */
  kubeRbacProxy: { repository: "quay.io/brancz/kube-rbac-proxy", tag: "v0.22.1" },
  prometheus: { repository: "quay.io/prometheus/prometheus", tag: "v3.16.0" },
  /** The config-reloader sidecar that POSTs /-/reload when the mounted config changes. */
  configReloader: { repository: "quay.io/prometheus-operator/prometheus-config-reloader", tag: "v0.85.0" },
  alertmanager: { repository: "quay.io/prometheus/alertmanager", tag: "v0.34.2" },
  loki: { repository: "docker.io/grafana/loki", tag: "3.7.8" },
  elasticsearch: { repository: "docker.elastic.co/elasticsearch/elasticsearch", tag: "8.19.2" },
  elasticsearchExporter: { repository: "quay.io/prometheuscommunity/elasticsearch-exporter", tag: "v1.9.0" },
  kibana: { repository: "docker.elastic.co/kibana/kibana", tag: "8.19.2" },
  jaeger: { repository: "docker.io/jaegertracing/jaeger", tag: "2.13.0" },
  jaegerIndexCleaner: { repository: "docker.io/jaegertracing/jaeger-es-index-cleaner", tag: "2.13.0" },
  fluentBit: { repository: "cr.fluentbit.io/fluent/fluent-bit", tag: "4.1.1" },
  grafana: { repository: "docker.io/grafana/grafana", tag: "13.2.3" },
  /** Sidecar, Query, Store Gateway and Compactor: one image. v0.42.5 needs a newer Go than the tools are built with. */
  thanos: { repository: "quay.io/thanos/thanos", tag: "v0.42.4" },
  /** Its Go module is not served by the module proxy, so no tool here runs it (see README). */
  kubeStateMetrics: { repository: "registry.k8s.io/kube-state-metrics/kube-state-metrics", tag: "v2.17.0" },
} as const;

export type ImageName = keyof typeof IMAGES;

/** "repository:tag" of a pinned image. */
export function image(name: ImageName): string {
  const i = IMAGES[name];
  return `${i.repository}:${i.tag}`;
}

/** Application version of an image, for the app.kubernetes.io/version label (no leading "v"). */
export function appVersion(name: ImageName): string {
  return IMAGES[name].tag.replace(/^v/, "");
}

/**
 * The tools built from the Go module proxy (tools/<folder>/go.mod pins them; a test holds each pin
 * to this table). Tools that check a deployed component are the image's version.
 * No AGPL-licensed Go module is built, directly or as a dependency (test/tools/licences.test.ts): so
 * no Loki binary (its config is checked against Loki's reference, test/loki/config-reference.test.ts)
 * and no Grafana dashboard linter (dashboards/lint.ts has our own checks).
 */
export const TOOLS = {
  /** Pulumi CLI: the engine version of the pinned @pulumi/pulumi SDK. */
  pulumi: { folder: "pulumi", module: "github.com/pulumi/pulumi/pkg/v3", version: "v3.248.0" },
  promtool: { folder: "prometheus", module: "github.com/prometheus/prometheus", version: "v0.316.0" },
  amtool: { folder: "alertmanager", module: "github.com/prometheus/alertmanager", version: IMAGES.alertmanager.tag },
  /**
   * The servers themselves, built beside promtool and amtool from the same pins (without their web
   * UIs, whose assets are not in the modules): the alert-path test runs them.
   */
  prometheusServer: { folder: "prometheus", module: "github.com/prometheus/prometheus", version: "v0.316.0" },
  alertmanagerServer: { folder: "alertmanager", module: "github.com/prometheus/alertmanager", version: IMAGES.alertmanager.tag },
  /** Jaeger v2.13.0 is published as Go module v1.76.0. */
  jaeger: { folder: "jaeger", module: "github.com/jaegertracing/jaeger", version: "v1.76.0" },
  actionlint: { folder: "actionlint", module: "github.com/rhysd/actionlint", version: "v1.7.12" },
  /**
   * The Pulumi Kubernetes provider plugin, release v4.25.0 (the pinned @pulumi/kubernetes). The
   * module proxy serves its provider module only at this pseudo-version, the commit of v4.25.0.
   */
  kubernetesProvider: { folder: "kubernetes", module: "github.com/pulumi/pulumi-kubernetes/provider/v4", version: "v4.0.0-20260115033456-f47bc2d6f199" },
  kubernetesSdk: { folder: "kubernetes", module: "github.com/pulumi/pulumi-kubernetes/sdk/v4", version: "v4.25.0" },
  /** The local Kubernetes of the deploy test (scripts/cluster.sh). */
  kubernetes: { folder: "kube", module: "k8s.io/kubernetes", version: "v1.34.4" },
  etcd: { folder: "etcd", module: "go.etcd.io/etcd/server/v3", version: "v3.6.16" },
  kwok: { folder: "kwok", module: "sigs.k8s.io/kwok", version: "v0.8.0" },
  /** SLO rule generator: the SLO tests compare its windows and burn-rate factors with ours. */
  sloth: { folder: "sloth", module: "github.com/slok/sloth", version: "v0.16.0" },
  /** `thanos tools rules-check` and the deduplication test run the image's version. Apache-2.0. */
  thanos: { folder: "thanos", module: "github.com/thanos-io/thanos", version: IMAGES.thanos.tag },
} as const;

/**
 * The Python tools, each installed into a virtualenv by tools/build.sh from
 * tools/<folder>/requirements.txt, which pins it and every package it runs with (a test holds the
 * tool's own pin to this table; test/tools/licences.test.ts reads the packages' licences).
 */
export const PYTHON_TOOLS = {
  /** Scans the rendered Kubernetes manifests of dev and prod (test/security/checkov.test.ts). Apache-2.0. */
  checkov: { folder: "checkov", package: "checkov", version: "3.3.30" },
} as const;

/** tools/ folders that build our own code (no upstream release to pin in TOOLS). */
export const OWN_TOOLS = ["preview-stub-provider", "random-test-double"] as const;

/**
 * Every policy of the pack, grouped by concern. index.ts serves them; tests import them from here
 * (importing index.ts would start the policy gRPC server).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { elasticsearchAllocationAwareness } from "./availability/elasticsearch-allocation-awareness";
import { elasticsearchRollingRestarts } from "./availability/elasticsearch-rolling-restarts";
import { distinctProbes } from "./availability/distinct-probes";
import { headlessGoverningServices } from "./availability/headless-governing-services";
import { lokiNoSingleReplica } from "./availability/loki-no-single-replica";
import { minimumReplicas } from "./availability/minimum-replicas";
import { persistentStorage } from "./availability/persistent-storage";
import { podAntiAffinity } from "./availability/pod-anti-affinity";
import { podDisruptionBudgets } from "./availability/pod-disruption-budgets";
import { zoneTopologySpread } from "./availability/zone-topology-spread";
import { awsRequiredTags } from "./labels/aws-required-tags";
import { grafanaDashboardMetadata } from "./labels/grafana-dashboard-metadata";
import { kubernetesRequiredLabels } from "./labels/kubernetes-required-labels";
import { prometheusAlertRuleMetadata } from "./labels/prometheus-alert-rule-metadata";
import { prometheusRuleCardinality } from "./labels/prometheus-rule-cardinality";
import { prometheusSloRules } from "./labels/prometheus-slo-rules";
import { singleEnvironment } from "./labels/single-environment";
import { stableImmutableLabels } from "./labels/stable-immutable-labels";
import { alertmanagerRetention } from "./retention/alertmanager-retention";
import { cloudwatchLogGroupRetention } from "./retention/cloudwatch-log-group-retention";
import { elasticsearchIlmRetention } from "./retention/elasticsearch-ilm-retention";
import { jaegerTraceRetention } from "./retention/jaeger-trace-retention";
import { lokiRetention } from "./retention/loki-retention";
import { prometheusRetention } from "./retention/prometheus-retention";
import { s3BucketLifecycle } from "./retention/s3-bucket-lifecycle";
import { telemetryRetentionConfigured } from "./retention/telemetry-retention-configured";
import { thanosRetention } from "./retention/thanos-retention";
import { containerResources } from "./security/container-resources";
import { defaultDenyNetworkPolicy } from "./security/default-deny-network-policy";
import { ephemeralStorageLimits } from "./security/ephemeral-storage-limits";
import { grafanaAdminPasswordFile } from "./security/grafana-admin-password-file";
import { namespacePodSecurity } from "./security/namespace-pod-security";
import { elasticsearchSecurity } from "./security/elasticsearch-security";
import { grafanaDatasourceSecrets } from "./security/grafana-datasource-secrets";
import { grafanaSecureAuth } from "./security/grafana-secure-auth";
import { noHostAccess } from "./security/no-host-access";
import { noPrivilegedContainers } from "./security/no-privileged-containers";
import { noSecretEnvLiterals } from "./security/no-secret-env-literals";
import { noSecretsInConfigmaps } from "./security/no-secrets-in-configmaps";
import { noUnpinnedImages } from "./security/no-unpinned-images";

export const PACK_NAME = "observability-stack";

export const RETENTION_POLICIES = [
  prometheusRetention,
  alertmanagerRetention,
  lokiRetention,
  elasticsearchIlmRetention,
  jaegerTraceRetention,
  cloudwatchLogGroupRetention,
  telemetryRetentionConfigured,
  s3BucketLifecycle,
  thanosRetention,
];

export const LABEL_POLICIES = [
  kubernetesRequiredLabels,
  stableImmutableLabels,
  singleEnvironment,
  awsRequiredTags,
  prometheusAlertRuleMetadata,
  prometheusRuleCardinality,
  prometheusSloRules,
  grafanaDashboardMetadata,
];

export const SECURITY_POLICIES = [
  noUnpinnedImages,
  containerResources,
  noPrivilegedContainers,
  noHostAccess,
  noSecretsInConfigmaps,
  noSecretEnvLiterals,
  grafanaSecureAuth,
  grafanaDatasourceSecrets,
  grafanaAdminPasswordFile,
  namespacePodSecurity,
  defaultDenyNetworkPolicy,
  ephemeralStorageLimits,
  elasticsearchSecurity,
];

/** Only meaningful in prod: disabled in policies/config/dev.json. */
export const AVAILABILITY_POLICIES = [
  minimumReplicas,
  podDisruptionBudgets,
  persistentStorage,
  podAntiAffinity,
  zoneTopologySpread,
  elasticsearchAllocationAwareness,
  elasticsearchRollingRestarts,
  lokiNoSingleReplica,
];

/** Every environment: how a workload reports its health, and how its replicas are named. */
export const HEALTH_POLICIES = [distinctProbes, headlessGoverningServices];

export const ALL_POLICIES: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  ...RETENTION_POLICIES,
  ...LABEL_POLICIES,
  ...SECURITY_POLICIES,
  ...AVAILABILITY_POLICIES,
  ...HEALTH_POLICIES,
];

/**
 * prometheus-retention: the Prometheus TSDB has an explicit, bounded retention by time and by size.
 *
 * Severity: high. Without `--storage.tsdb.retention.time` Prometheus keeps 15 days whatever the
 * environment wants; without `.size` a busy cluster fills the volume and Prometheus stops ingesting.
 *
 * A stack policy: the size must fit the volumes the pods really have. Those are the stack's claims
 * (`<template>-<statefulset>-<ordinal>`) where it declares them: a StatefulSet's claim template keeps
 * the size it was created with (Kubernetes never lets it change), so after the claims grew in place
 * the template understates the volume. Without such claims, the template's size is the volume's.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { DayBounds, dayBoundsSchema, describeBounds, readConfig, withinBounds } from "../lib/config";
import { formatDays, parseDurationDays, parsePrometheusBytes, parseQuantityBytes } from "../lib/duration";
import { appNameOf, asArray, asObj, findContainer, flagValue, namespaceOf, objectName, podTemplateOf } from "../lib/k8s";

export interface PrometheusRetentionConfig {
  /** app.kubernetes.io/name of the Prometheus workload. */
  appName: string;
  /** Name of the Prometheus container. */
  container: string;
  /** Allowed --storage.tsdb.retention.time, in days. */
  retention: DayBounds;
}

export const prometheusRetentionDefaults: PrometheusRetentionConfig = {
  appName: "prometheus",
  container: "prometheus",
  retention: { minDays: 1, maxDays: 90 },
};

const TIME = "--storage.tsdb.retention.time";
const SIZE = "--storage.tsdb.retention.size";

const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

/** The smallest of the stack's claims of a StatefulSet's claim template, with its name; undefined when the stack declares none. */
function smallestClaim(resources: PolicyResource[], sts: PolicyResource, template: string): { name: string; request: string; bytes: number } | undefined {
  const prefix = `${template}-${objectName(sts.props, sts.name)}-`;
  const ns = namespaceOf(sts.props);
  let smallest: { name: string; request: string; bytes: number } | undefined;
  for (const r of resources) {
    if (r.type !== PVC || namespaceOf(r.props) !== ns) continue;
    const name = objectName(r.props, r.name);
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
    const request = asObj(asObj(asObj(r.props.spec)?.resources)?.requests)?.storage;
    const bytes = parseQuantityBytes(request);
    if (typeof request === "string" && bytes !== undefined && (!smallest || bytes < smallest.bytes)) smallest = { name, request, bytes };
  }
  return smallest;
}

function checkWorkload(resources: PolicyResource[], r: PolicyResource, cfg: PrometheusRetentionConfig, reportViolation: (message: string) => void): void {
  const template = podTemplateOf(r.type, r.props);
  if (!template || appNameOf(r.type, r.props) !== cfg.appName) return;
  const c = findContainer(template.spec, cfg.container);
  if (!c) {
    reportViolation(`no container "${cfg.container}" to carry the retention flags`);
    return;
  }
  const time = flagValue(c, TIME);
  if (time === undefined || time === "") {
    reportViolation(`container "${cfg.container}" has no ${TIME}; set it (allowed: ${describeBounds(cfg.retention)})`);
  } else {
    const days = parseDurationDays(time);
    if (days === undefined) reportViolation(`${TIME}=${time} is not a duration like "30d"`);
    else if (!withinBounds(days, cfg.retention)) {
      reportViolation(`${TIME}=${time} is ${formatDays(days)} days; allowed: ${describeBounds(cfg.retention)}`);
    }
  }
  const size = flagValue(c, SIZE);
  if (size === undefined || size === "") {
    reportViolation(`container "${cfg.container}" has no ${SIZE}; set it below the volume size so the TSDB cannot fill its disk`);
    return;
  }
  const bytes = parsePrometheusBytes(size);
  if (bytes === undefined || bytes === 0) {
    reportViolation(`${SIZE}=${size} is not a size like "170GB"`);
    return;
  }
  // The TSDB's volume: the claims of the template the Prometheus container mounts.
  const mounts = asArray(c.volumeMounts).map((m) => asObj(m)?.name);
  for (const vct of asArray(asObj(r.props.spec)?.volumeClaimTemplates)) {
    const name = asObj(vct?.metadata)?.name;
    if (typeof name !== "string" || !mounts.includes(name)) continue;
    const claim = smallestClaim(resources, r, name);
    if (claim) {
      if (bytes >= claim.bytes) reportViolation(`${SIZE}=${size} does not fit the ${claim.request} volume claim "${claim.name}"; allowed: less than ${claim.request}, leaving room for the WAL`);
      continue;
    }
    const request = asObj(asObj(asObj(vct?.spec)?.resources)?.requests)?.storage;
    const volume = parseQuantityBytes(request);
    if (volume !== undefined && bytes >= volume) {
      reportViolation(`${SIZE}=${size} does not fit the ${request} volume claim "${name}"; allowed: less than ${request}, leaving room for the WAL`);
    }
  }
}

export const prometheusRetention: StackValidationPolicy = {
  name: "prometheus-retention",
  description: "Prometheus sets --storage.tsdb.retention.time within the environment's bounds and --storage.tsdb.retention.size below its volumes (the stack's claims, else the claim template).",
  severity: "high",
  configSchema: {
    properties: {
      appName: { type: "string", default: prometheusRetentionDefaults.appName },
      container: { type: "string", default: prometheusRetentionDefaults.container },
      retention: { ...dayBoundsSchema, default: { ...prometheusRetentionDefaults.retention } },
    },
  },
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const cfg = readConfig(args, prometheusRetentionDefaults);
    for (const r of args.resources) checkWorkload(args.resources, r, cfg, (message) => reportViolation(message, r.urn));
  },
};

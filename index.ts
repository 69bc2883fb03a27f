/**
 * Composition root: read and validate the stack's config once, build the stack, export its outputs.
 * A bad config fails here, with every problem named, before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig, requiredSecrets } from "./components/config";
import { readRawConfig, readSecrets } from "./components/raw-config";
import { ObservabilityStack } from "./components/stack";

function load() {
  try {
    return loadConfig(readRawConfig());
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const config = load();
const stack = new ObservabilityStack("observability", { config, secrets: readSecrets(requiredSecrets(config)) });

export const environment = config.environment;
export const namespace = config.namespace;
export const endpoints = stack.endpoints;
export const grafanaUrl = stack.endpoints.grafana;
export const grafanaAdminUser = stack.grafanaAdminUser;
/** Secret: shown only with `pulumi stack output --show-secrets`. */
export const grafanaAdminPassword = stack.grafanaAdminPassword;

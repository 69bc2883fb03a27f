/**
 * no-secrets-in-configmaps: ConfigMaps hold no credentials.
 *
 * Severity: critical. ConfigMaps are readable by anyone who can read the namespace, are not
 * encrypted at rest, and land in plain text in the Pulumi state. Credentials belong in Secrets
 * (Alertmanager's whole config, for instance) and reach config files as ${VAR} or *_file references.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { configMapData } from "../lib/k8s";
import { findSecretsInText, isReference, isSecretName } from "../lib/secrets";

export const noSecretsInConfigmaps: ResourceValidationPolicy = {
  name: "no-secrets-in-configmaps",
  description: "No ConfigMap holds a credential: no secret-named key with a literal value, no password or token set in a config file, no webhook URL, key or token.",
  severity: "critical",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "kubernetes:core/v1:ConfigMap") return;
    const data = configMapData(args.props);
    for (const key of Object.keys(data).sort()) {
      const value = data[key];
      const isFile = /\.(ya?ml|json|ini|conf|cfg|toml|properties|env|txt)$/i.test(key) || value.includes("\n");
      if (!isFile && isSecretName(key) && !isReference(value)) {
        reportViolation(`data "${key}" looks like a credential; put it in a Secret`);
        continue;
      }
      for (const finding of findSecretsInText(value)) reportViolation(`data "${key}": ${finding}; put it in a Secret and reference it`);
    }
  },
};

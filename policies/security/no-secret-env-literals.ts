/**
 * no-secret-env-literals: no container gets a credential as a literal environment value.
 *
 * Severity: critical. A literal env value is in the pod spec, readable with `kubectl get -o yaml`
 * and stored in plain text in the Pulumi state; valueFrom.secretKeyRef keeps it in a Secret.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asObj, containersOf, podTemplateOf } from "../lib/k8s";
import { isReference, isSecretName, secretValueKind } from "../lib/secrets";

export const noSecretEnvLiterals: ResourceValidationPolicy = {
  name: "no-secret-env-literals",
  description: "No container environment variable holds a credential as a literal value; credentials come from valueFrom.secretKeyRef.",
  severity: "critical",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const t = podTemplateOf(args.type, args.props);
    if (!t) return;
    for (const c of containersOf(t.spec)) {
      for (const e of asArray(c.container.env)) {
        const env = asObj(e);
        if (!env || typeof env.value !== "string" || env.value === "") continue;
        const name = String(env.name);
        const kind = secretValueKind(env.value);
        if (kind) reportViolation(`${c.role} "${c.name}": env ${name} holds ${kind} as a literal; use valueFrom.secretKeyRef`);
        else if (isSecretName(name) && !isReference(env.value)) {
          reportViolation(`${c.role} "${c.name}": env ${name} is a literal; use valueFrom.secretKeyRef`);
        }
      }
    }
  },
};

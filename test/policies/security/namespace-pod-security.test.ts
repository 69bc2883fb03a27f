import { namespacePodSecurity } from "../../../policies/security/namespace-pod-security";
import { labels } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("namespace-pod-security", () => {
  const levels = (level: string) => ({
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/warn": level,
    "pod-security.kubernetes.io/audit": level,
  });
  const namespace = (name: string, extra: Record<string, string>, component = "namespace") => ({
    type: "kubernetes:core/v1:Namespace",
    name,
    props: { metadata: { name, labels: { ...labels("observability-stack", component), ...extra } } },
  });

  test("compliant: the main namespace restricted, the agents' privileged", async () => {
    await assertResourceViolations(namespacePodSecurity, resourceArgs(namespace("observability", levels("restricted"))), []);
    await assertResourceViolations(namespacePodSecurity, resourceArgs(namespace("observability-agents", levels("privileged"), "agents-namespace")), []);
  });

  test("a privileged main namespace", () =>
    assertResourceViolations(namespacePodSecurity, resourceArgs(namespace("observability", { ...levels("restricted"), "pod-security.kubernetes.io/enforce": "privileged" })), [
      'namespace "observability" enforces Pod Security "privileged"; allowed: restricted (only the node agents\' namespace may be privileged)',
    ]));

  test("baseline: refused by default (prod), allowed where the config allows it (dev)", async () => {
    const ns = namespace("observability", levels("baseline"));
    await assertResourceViolations(namespacePodSecurity, resourceArgs(ns), [
      'namespace "observability" enforces Pod Security "baseline"; allowed: restricted (only the node agents\' namespace may be privileged)',
      'namespace "observability" warns Pod Security "baseline"; allowed: restricted (only the node agents\' namespace may be privileged)',
      'namespace "observability" audits Pod Security "baseline"; allowed: restricted (only the node agents\' namespace may be privileged)',
    ]);
    await assertResourceViolations(namespacePodSecurity, resourceArgs(ns, { allowedLevels: ["restricted", "baseline"] }), []);
  });

  test("no label at all", () =>
    assertResourceViolations(namespacePodSecurity, resourceArgs(namespace("observability", {})), [
      'namespace "observability" has no pod-security.kubernetes.io/enforce label; allowed: restricted',
      'namespace "observability" has no pod-security.kubernetes.io/warn label; allowed: restricted',
      'namespace "observability" has no pod-security.kubernetes.io/audit label; allowed: restricted',
    ]));

  test("the agents' namespace is privileged and nothing else", () =>
    assertResourceViolations(namespacePodSecurity, resourceArgs(namespace("observability-agents", { ...levels("privileged"), "pod-security.kubernetes.io/audit": "restricted" }, "agents-namespace")), [
      'namespace "observability-agents" audits Pod Security "restricted"; allowed: privileged',
    ]));
});

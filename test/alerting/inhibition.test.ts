/**
 * The inhibit rules of the generated alertmanager.yml applied, with Alertmanager's semantics, to the
 * label sets our alerts really carry (as in the promtool cases): a critical alert silences only the
 * lower tiers of the same alert on the same subject, and ServiceDown only the symptoms of its own
 * service. amtool cannot test inhibitions, so this reads the rules as Alertmanager does: every source
 * matcher matches the source, every target matcher the target, and every `equal` label has the same
 * value on both (a label missing on both counts as equal).
 */
import { buildAlertmanagerConfig } from "../../components/alerting/alertmanager";
import { FAKE_SECRETS, stackConfig } from "./helpers";

type Labels = Record<string, string>;
interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

function matches(matcher: string, labels: Labels): boolean {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"(.*)"$/.exec(matcher);
  if (!m) throw new Error(`matcher syntax not handled by this test: ${matcher}`);
  const [, name, op, value] = m;
  const v = labels[name] ?? "";
  switch (op) {
    case "=":
      return v === value;
    case "!=":
      return v !== value;
    case "=~":
      return new RegExp(`^(?:${value})$`).test(v);
    default:
      return !new RegExp(`^(?:${value})$`).test(v);
  }
}

const rules = (buildAlertmanagerConfig(stackConfig("prod"), FAKE_SECRETS) as { inhibit_rules: InhibitRule[] }).inhibit_rules;

/** Whether `target` is silenced while `source` fires. */
function inhibits(source: Labels, target: Labels): boolean {
  return rules.some(
    (r) =>
      r.source_matchers.every((m) => matches(m, source)) &&
      r.target_matchers.every((m) => matches(m, target)) &&
      r.equal.every((l) => (source[l] ?? "") === (target[l] ?? "")),
  );
}

const app = (alertname: string, severity: string, service = "checkout", category = "application") => ({
  alertname,
  severity,
  category,
  namespace: "shop",
  service,
});
const serviceDown = (service: string) => ({
  alertname: "ServiceDown",
  severity: "critical",
  category: "availability",
  job: "kubernetes-pods",
  namespace: "shop",
  service,
  instance: "10.0.0.7:8080",
  pod: `${service}-7d9f`,
});
const memory = (severity: string, instance: string) => ({ alertname: "HighMemoryUsage", severity, category: "infrastructure", instance, node: "node-a" });
const disk = (severity: string, mountpoint: string) => ({
  alertname: "DiskSpaceRunningLow",
  severity,
  category: "infrastructure",
  job: "node-exporter",
  namespace: "observability",
  service: "node-exporter",
  instance: "10.0.1.5:9100",
  node: "node-a",
  device: "/dev/nvme0n1p1",
  fstype: "ext4",
  mountpoint,
});

/** An SLO burn alert: its series carry only service and slo (components/slo/rules.ts). */
const burn = (slo: "availability" | "latency", severity: string, service = "checkout") => ({
  alertname: slo === "availability" ? "AvailabilityErrorBudgetBurn" : "LatencyErrorBudgetBurn",
  severity,
  category: slo === "availability" ? "availability" : "application",
  service,
  slo,
});

describe("inhibit rules", () => {
  it.each([
    ["critical HighErrorRate silences its warning tier on the same service", app("HighErrorRate", "critical"), app("HighErrorRate", "warning"), true],
    ["…but not on another service", app("HighErrorRate", "critical"), app("HighErrorRate", "warning", "catalog"), false],
    ["…nor another alert of the same service", app("HighErrorRate", "critical"), app("HighResponseTime", "warning"), false],
    ["a warning never silences a critical", app("HighErrorRate", "warning"), app("HighErrorRate", "critical"), false],
    ["critical memory silences its warning on the same node", memory("critical", "10.0.1.5:9100"), memory("warning", "10.0.1.5:9100"), true],
    ["…but not on another node", memory("critical", "10.0.1.5:9100"), memory("warning", "10.0.1.6:9100"), false],
    ["critical disk on / silences its warning on /", disk("critical", "/"), disk("warning", "/"), true],
    ["…but not the warning of another filesystem", disk("critical", "/"), disk("warning", "/data"), false],
    ["ServiceDown silences the error rate of its service", serviceDown("checkout"), app("HighErrorRate", "critical"), true],
    ["ServiceDown silences the latency of its service", serviceDown("checkout"), app("HighResponseTime", "warning"), true],
    ["ServiceDown does not silence another service", serviceDown("checkout"), app("HighErrorRate", "critical", "catalog"), false],
    ["ServiceDown does not silence business alerts", serviceDown("checkout"), app("PaymentProcessingFailures", "critical", "checkout", "business"), false],
    ["nothing silences the Watchdog", serviceDown("checkout"), { alertname: "Watchdog", severity: "info", category: "observability" }, false],
    ["an SLO page silences the ticket of the same SLO", burn("availability", "critical"), burn("availability", "warning"), true],
    ["…but not the ticket of the same service's other SLO", burn("availability", "critical"), burn("latency", "warning"), false],
    ["…nor the ticket of another service", burn("availability", "critical"), burn("availability", "warning", "catalog"), false],
    ["ServiceDown does not silence an SLO page (the SLO is what users get, whichever target is down)", serviceDown("checkout"), burn("availability", "critical"), false],
  ])("%s", (_name, source, target, expected) => {
    expect(inhibits(source, target)).toBe(expected);
  });
});

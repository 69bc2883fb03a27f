/**
 * The AWS builders' Kubernetes-side fragments, checked by the real tools at the pinned versions:
 * amtool for the SNS receiver. (The Loki S3 storage fragment is checked against Loki's configuration
 * reference in test/loki/config-reference.test.ts: no Loki binary is built, Loki being AGPL.)
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { snsReceiver } from "../../components/aws/sns";
import { run, scratchDir, tool } from "../alerting/helpers";

describe("snsReceiver with amtool", () => {
  it("is a receiver Alertmanager accepts", () => {
    const dir = scratchDir("aws-sns");
    const file = join(dir, "alertmanager.yml");
    const receiver = snsReceiver({ name: "aws-sns-critical", topicArn: "arn:aws:sns:eu-west-1:123456789012:obs-alerts", region: "eu-west-1" });
    writeFileSync(file, stringify({ route: { receiver: receiver.name }, receivers: [receiver] }));
    expect(run(tool("amtool"), ["check-config", file])).toContain("SUCCESS");
  });
});

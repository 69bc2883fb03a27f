/**
 * The AWS builders' Kubernetes-side fragments, checked by the real tools at the pinned versions:
 * amtool for the SNS receiver, loki -verify-config for the S3 storage fragment.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { deepMerge } from "../../components/config";
import { lokiS3Storage } from "../../components/aws/loki-s3";
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

describe("lokiS3Storage with loki -verify-config", () => {
  it("merged into a monolithic single-binary config, is a config Loki accepts (strict: unknown fields fail)", () => {
    const dir = scratchDir("aws-loki");
    const base = {
      auth_enabled: false,
      server: { http_listen_port: 3100 },
      common: { path_prefix: dir, replication_factor: 1, ring: { kvstore: { store: "inmemory" } } },
      compactor: { working_directory: `${dir}/compactor`, retention_enabled: true, delete_request_store: "filesystem" },
      limits_config: { retention_period: "720h" },
      ruler: { rule_path: `${dir}/rules-temp` },
    };
    const config = deepMerge(base, lokiS3Storage({ region: "eu-west-1", chunksBucket: "obs-loki-chunks-a1b2c3d", rulerBucket: "obs-loki-ruler-a1b2c3d" }));
    const file = join(dir, "loki.yaml");
    writeFileSync(file, stringify(config));
    expect(run(tool("loki"), [`-config.file=${file}`, "-verify-config"])).toBe("");
  });
});

import { stringify } from "yaml";
import { elasticsearchSecurity } from "../../../policies/security/elasticsearch-security";
import { securityYml } from "../../../components/elasticsearch/config-file";
import { configMap } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("elasticsearch-security", () => {
  const esConfig = (yml: Record<string, unknown>) => configMap("elasticsearch", { "elasticsearch.yml": stringify({ "cluster.name": "c", ...yml }) }, "elasticsearch-config");
  const secured = securityYml(true);
  test("compliant: the component's secured elasticsearch.yml", () => assertResourceViolations(elasticsearchSecurity, resourceArgs(esConfig(secured)), []));
  test("compliant: the same settings nested", () =>
    assertResourceViolations(
      elasticsearchSecurity,
      resourceArgs(esConfig({ xpack: { security: { enabled: true, http: { ssl: { enabled: true } }, transport: { ssl: { enabled: true, verification_mode: "certificate" } } } } })),
      [],
    ));
  test("security off (what dev's elasticsearch.security.enabled false renders)", () =>
    assertResourceViolations(elasticsearchSecurity, resourceArgs(esConfig(securityYml(false))), [
      "elasticsearch.yml: xpack.security.enabled is not true; any pod that reaches Elasticsearch can read and delete every index",
    ]));
  test("security on without TLS", () =>
    assertResourceViolations(elasticsearchSecurity, resourceArgs(esConfig({ "xpack.security.enabled": true })), [
      "elasticsearch.yml: xpack.security.http.ssl.enabled is not true; passwords and logs cross the network in clear text",
      "elasticsearch.yml: xpack.security.transport.ssl.enabled is not true; the nodes replicate every index in clear text",
    ]));
  test("certificates not verified", () =>
    assertResourceViolations(elasticsearchSecurity, resourceArgs(esConfig({ ...secured, "xpack.security.transport.ssl.verification_mode": "none" })), [
      'elasticsearch.yml: xpack.security.transport.ssl.verification_mode is "none"; a peer\'s certificate is never checked',
    ]));
  test("other apps' ConfigMaps and other keys are not its business", async () => {
    await assertResourceViolations(elasticsearchSecurity, resourceArgs(configMap("loki", { "elasticsearch.yml": stringify({ "xpack.security.enabled": false }) })), []);
    await assertResourceViolations(elasticsearchSecurity, resourceArgs(configMap("elasticsearch", { "bootstrap.sh": "#!/bin/bash" }, "elasticsearch-bootstrap")), []);
  });
});

import { elasticsearchIlmRetention } from "../../../policies/retention/elasticsearch-ilm-retention";
import { elasticsearchConfig, ilmPolicy, indexTemplate } from "../fixtures";
import { assertResourceViolations, resourceArgs, packConfig } from "../helpers";

const PROD_ES = packConfig("prod", "elasticsearch-ilm-retention");
const DEV_ES = packConfig("dev", "elasticsearch-ilm-retention");

describe("elasticsearch-ilm-retention", () => {
  const prod = (f = elasticsearchConfig()) => resourceArgs(f, PROD_ES);
  test("compliant prod: a year of application logs, seven years of audit and security logs", () => assertResourceViolations(elasticsearchIlmRetention, prod(), []));
  test("compliant dev: 7 days everywhere", () =>
    assertResourceViolations(elasticsearchIlmRetention, resourceArgs(elasticsearchConfig({ application: "7d", audit: "7d", security: "7d" }), DEV_ES), []));
  test("compliance tier: audit logs kept less than seven years", () =>
    assertResourceViolations(elasticsearchIlmRetention, prod(elasticsearchConfig({ application: "365d", audit: "365d", security: "2555d" })), [
      'ilm-audit.json: delete phase min_age "365d" is 365 days; allowed: at least 2555 days',
    ]));
  test("application logs kept too long", () =>
    assertResourceViolations(elasticsearchIlmRetention, prod(elasticsearchConfig({ application: "3650d", audit: "2555d", security: "2555d" })), [
      'ilm-application.json: delete phase min_age "3650d" is 3650 days; allowed: 30 to 400 days',
    ]));
  test("no delete phase", async () => {
    const f = elasticsearchConfig();
    f.props.data["ilm-security.json"] = ilmPolicy(undefined);
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), ["ilm-security.json has no delete phase with a delete action; allowed: at least 2555 days"]);
  });
  test("template attaches no ILM policy", async () => {
    const f = elasticsearchConfig();
    f.props.data["index-template-audit.json"] = indexTemplate("audit", null);
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), [
      "index-template-audit.json attaches no ILM policy (settings index.lifecycle.name is not set); its indices would never be deleted",
    ]);
  });
  test("template without a policy, policy without a template", async () => {
    const f = elasticsearchConfig();
    delete f.props.data["ilm-audit.json"];
    delete f.props.data["index-template-security.json"];
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), [
      "index-template-audit.json has no ILM policy ilm-audit.json for its class",
      "ilm-security.json is attached by no index template (index-template-security.json)",
    ]);
  });
  test("nested settings spelling is understood", async () => {
    const f = elasticsearchConfig();
    f.props.data["index-template-audit.json"] = JSON.stringify({ template: { settings: { index: { lifecycle: { name: "logs-audit" } } } } });
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), []);
  });
  test("an ILM policy that is not JSON", async () => {
    const f = elasticsearchConfig();
    f.props.data["ilm-audit.json"] = "{";
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), [expect.stringMatching(/^ilm-audit\.json is not valid JSON: /) as unknown as string]);
  });
  test("an index template that is not JSON", async () => {
    const f = elasticsearchConfig();
    f.props.data["index-template-audit.json"] = "{";
    await assertResourceViolations(elasticsearchIlmRetention, prod(f), [expect.stringMatching(/^index-template-audit\.json is not valid JSON: /) as unknown as string]);
  });
  test("a delete phase min_age that is not a duration", () =>
    assertResourceViolations(elasticsearchIlmRetention, prod(elasticsearchConfig({ application: "a year", audit: "2555d", security: "2555d" })), [
      'ilm-application.json: delete phase min_age "a year" is not a duration like "365d"',
    ]));
});

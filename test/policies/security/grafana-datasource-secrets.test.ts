import { grafanaDatasourceSecrets } from "../../../policies/security/grafana-datasource-secrets";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("grafana-datasource-secrets", () => {
  const ds = (jsonData: Record<string, unknown>) =>
    resourceArgs({ type: "grafana:oss/dataSource:DataSource", props: { uid: "es", type: "elasticsearch", url: "http://es:9200", jsonDataEncoded: JSON.stringify(jsonData) } });
  test("compliant: settings only", () => assertResourceViolations(grafanaDatasourceSecrets, ds({ index: "logs-*", timeField: "@timestamp", tlsSkipVerify: false }), []));
  test("a password in jsonData", () =>
    assertResourceViolations(grafanaDatasourceSecrets, ds({ index: "logs-*", basicAuthPassword: "hunter2" }), [
      "jsonData.basicAuthPassword is a credential in plain JSON; put it in secureJsonDataEncoded",
    ]));
  test("a header value holding a webhook URL, nested", () =>
    assertResourceViolations(grafanaDatasourceSecrets, ds({ headers: [{ name: "X", value: "https://hooks.slack.com/services/T0/B0/XX" }] }), [
      "jsonData.headers[0].value holds a Slack webhook URL in plain JSON; put it in secureJsonDataEncoded",
    ]));
  test("jsonDataEncoded that is not JSON", () =>
    assertResourceViolations(
      grafanaDatasourceSecrets,
      resourceArgs({ type: "grafana:oss/dataSource:DataSource", props: { uid: "es", type: "elasticsearch", url: "http://es:9200", jsonDataEncoded: "{" } }),
      [expect.stringMatching(/^jsonDataEncoded is not valid JSON: /) as unknown as string],
    ));
});

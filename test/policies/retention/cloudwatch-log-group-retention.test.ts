import { cloudwatchLogGroupRetention } from "../../../policies/retention/cloudwatch-log-group-retention";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("cloudwatch-log-group-retention", () => {
  const group = (props: Record<string, unknown>) => resourceArgs({ type: "aws:cloudwatch/logGroup:LogGroup", props });
  test("compliant: 30 days", () => assertResourceViolations(cloudwatchLogGroupRetention, group({ retentionInDays: 30 }), []));
  test("never expires", () =>
    assertResourceViolations(cloudwatchLogGroupRetention, group({}), ["retentionInDays is not set; the log group would keep events forever (allowed: 1 to 3653 days)"]));
  test("outside the bounds", () =>
    assertResourceViolations(cloudwatchLogGroupRetention, resourceArgs({ type: "aws:cloudwatch/logGroup:LogGroup", props: { retentionInDays: 3 } }, { retention: { minDays: 7 } }), [
      "retentionInDays 3 is outside the allowed at least 7 days",
    ]));
});

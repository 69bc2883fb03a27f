import { awsRequiredTags } from "../../../policies/labels/aws-required-tags";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("aws-required-tags", () => {
  const TAGS = { Environment: "prod", Team: "platform", CostCenter: "engineering", ManagedBy: "pulumi" };
  const provider = (tags: Record<string, string>) => ({ region: "eu-west-1", defaultTags: JSON.stringify({ tags }) });
  const bucket = (props: Record<string, unknown> = { forceDestroy: false }, tags = TAGS) => ({ type: "aws:s3/bucket:Bucket", props, providerProps: provider(tags) });
  const PROD = { environment: "prod" };

  test("compliant: tags from the provider's defaultTags", () => assertResourceViolations(awsRequiredTags, resourceArgs(bucket(), PROD), []));
  test("compliant: the resource's own tags", () =>
    assertResourceViolations(awsRequiredTags, resourceArgs({ type: "aws:iam/role:Role", props: { tags: TAGS } }, PROD), []));
  test("a tag missing", async () => {
    const { CostCenter: _, ...rest } = TAGS;
    await assertResourceViolations(awsRequiredTags, resourceArgs(bucket(undefined, rest as typeof TAGS), PROD), [
      "missing tags CostCenter; set them in the AWS provider's defaultTags",
    ]);
  });
  test("no provider tags at all", () =>
    assertResourceViolations(awsRequiredTags, resourceArgs({ type: "aws:kms/key:Key", props: {} }, PROD), [
      "missing tags Environment, Team, CostCenter, ManagedBy; set them in the AWS provider's defaultTags",
    ]));
  test("an empty tag", () => assertResourceViolations(awsRequiredTags, resourceArgs(bucket({ tags: { Team: "" } }), PROD), ["tag Team is empty"]));
  test("the wrong environment", () =>
    assertResourceViolations(awsRequiredTags, resourceArgs(bucket(undefined, { ...TAGS, Environment: "dev" }), PROD), ['tag Environment is "dev", not the stack\'s environment "prod"']));
  test("resources that take no tags are skipped", () =>
    assertResourceViolations(awsRequiredTags, resourceArgs({ type: "aws:s3/bucketVersioning:BucketVersioning", props: { bucket: "b" } }, PROD), []));
});

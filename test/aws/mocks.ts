/**
 * What the AWS component tests add to the shared harness (test/helpers/mocks.ts): AWS-like computed
 * attributes (bucket names with a random-looking suffix, ARNs in the account of the fixtures).
 */
import { ACCOUNT } from "./fixtures";

export { valueOf, type Recorded } from "../helpers/mocks";

/** State of a mocked AWS resource: its inputs, plus the attributes AWS would compute. */
export function awsState(region = "eu-west-1") {
  return (type: string, name: string, inputs: Record<string, any>): Record<string, unknown> => {
    const state: Record<string, unknown> = { ...inputs };
    switch (type) {
      case "aws:s3/bucket:Bucket":
        state.bucket = `${name}-a1b2c3d`;
        state.arn = `arn:aws:s3:::${state.bucket}`;
        break;
      case "aws:kms/key:Key":
        state.arn = `arn:aws:kms:${region}:${ACCOUNT}:key/${name}`;
        break;
      case "aws:iam/role:Role":
        state.arn = `arn:aws:iam::${ACCOUNT}:role/${name}`;
        break;
      case "aws:sns/topic:Topic":
        state.arn = `arn:aws:sns:${region}:${ACCOUNT}:${name}`;
        break;
    }
    return state;
  };
}

/** Wait until no new resource has been registered for a few turns of the event loop. */
export async function settle(resources: unknown[]): Promise<void> {
  let seen = -1;
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((r) => setTimeout(r, 5));
    quiet = resources.length === seen ? quiet + 1 : 0;
    seen = resources.length;
  }
}

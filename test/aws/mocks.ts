/**
 * A recording Pulumi mock for the AWS component tests: every registered resource with its inputs and
 * provider, AWS-like computed attributes (bucket names, ARNs), and an error on any invoke.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ACCOUNT } from "./fixtures";

export interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider?: string;
}

export function recordingMocks(region = "eu-west-1") {
  const resources: Recorded[] = [];
  const invokes: string[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
      resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
      const state: Record<string, unknown> = { ...args.inputs };
      switch (args.type) {
        case "aws:s3/bucket:Bucket":
          state.bucket = `${args.name}-a1b2c3d`;
          state.arn = `arn:aws:s3:::${state.bucket}`;
          break;
        case "aws:kms/key:Key":
          state.arn = `arn:aws:kms:${region}:${ACCOUNT}:key/${args.name}`;
          break;
        case "aws:iam/role:Role":
          state.arn = `arn:aws:iam::${ACCOUNT}:role/${args.name}`;
          break;
        case "aws:sns/topic:Topic":
          state.arn = `arn:aws:sns:${region}:${ACCOUNT}:${args.name}`;
          break;
      }
      return { id: `${args.name}-id`, state };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
      invokes.push(args.token);
      throw new Error(`unmocked invoke ${args.token}: build the data yourself instead of calling the provider`);
    },
  };
  return { mocks, resources, invokes };
}

/** The value of an Output (mocks resolve every value, so this never hangs on an unknown). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
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

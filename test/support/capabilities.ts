import { storageOf } from "@artifact-store/runtime/storage";
import type { StorageCapabilities } from "@artifact-store/storage";
import type { TestContext } from "vitest";
import type { TestStack } from "./stack";

/** What a test may need of the S3 server under test that not every server does. */
export const CAPABILITIES = {
  "content-md5": "contentMd5Enforced",
  "response-overrides": "responseOverridesHonoured",
  "signature-verification": "signaturesVerified",
} as const satisfies Record<string, keyof StorageCapabilities>;

export type Capability = keyof typeof CAPABILITIES;

/**
 * The S3 server the tests run on: `moto` in the moto project (test/support/moto-env.ts), else the
 * default one (a Ceph RGW, or what S3_ENDPOINT names).
 */
export const S3_SERVER_UNDER_TEST = process.env.TEST_S3_SERVER === "moto" ? "moto" : "default";

/**
 * Skips the running test where the S3 server under test lacks one of these capabilities, as the
 * stack's own probe found them, naming what it lacks: the only skips the suites have.
 */
export const requires = async (
  context: TestContext,
  stack: TestStack,
  ...capabilities: Capability[]
): Promise<void> => {
  const found = await storageOf(stack.runtime).capabilities();
  const lacking = capabilities.filter((capability) => !found[CAPABILITIES[capability]]);
  context.skip(lacking.length > 0, `the S3 server under test lacks ${lacking.join(", ")}`);
};

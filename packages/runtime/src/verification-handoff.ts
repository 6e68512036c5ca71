// How a deployed function hands a completed upload to the verify-artifacts function: Lambda's
// asynchronous invoke (one signed POST, answered 202 once Lambda has queued the event), so the
// bytes are read in a function of their own, not in one that freezes once it has answered.
import type { HandedOffVerification, VerificationHandoff } from "@artifact-store/artifacts";
import { NodeSha256 } from "@artifact-store/storage";
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { SignatureV4 } from "@smithy/signature-v4";

/** `arn:aws:lambda:eu-west-1:123456789012:function:name` -> its region and API host. */
const lambdaEndpointOf = (functionArn: string): { region: string; host: string } => {
  const [, partition, service, region] = functionArn.split(":");
  if (service !== "lambda" || !region) throw new Error(`${functionArn} is not a Lambda function ARN.`);
  return { region, host: `lambda.${region}.amazonaws.com${partition === "aws-cn" ? ".cn" : ""}` };
};

/**
 * Invokes the function at `functionArn` with `{ verifyArtifact }`, without waiting for it to run.
 * Lambda retries a failed run twice on its own; the scheduled run is the net beneath that.
 */
export const invokeVerifier = (functionArn: string): VerificationHandoff => {
  const { region, host } = lambdaEndpointOf(functionArn);
  // The execution role's keys, which Lambda puts in the environment.
  const signer = new SignatureV4({ service: "lambda", region, credentials: fromEnv(), sha256: NodeSha256 });
  const path = `/2015-03-31/functions/${encodeURIComponent(functionArn)}/invocations`;
  return async (artifactId) => {
    const body = JSON.stringify({ verifyArtifact: artifactId } satisfies HandedOffVerification);
    const signed = await signer.sign({
      method: "POST",
      protocol: "https:",
      hostname: host,
      path,
      query: {},
      headers: { host, "content-type": "application/json", "x-amz-invocation-type": "Event" },
      body,
    });
    const response = await fetch(`https://${host}${path}`, {
      method: "POST",
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 202) {
      throw new Error(
        `Invoking ${functionArn} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
      );
    }
  };
};

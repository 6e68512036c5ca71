import { type Event, PutBucketNotificationConfigurationCommand, type S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import type { StorageConfig } from "./client";
import { NodeSha256 } from "./node-sha256";

/** The explicit names (MinIO's `s3:ObjectCreated:*` also fires on tagging and metadata changes). */
export const OBJECT_CREATED_EVENTS: readonly Event[] = [
  "s3:ObjectCreated:Put",
  "s3:ObjectCreated:Post",
  "s3:ObjectCreated:Copy",
  "s3:ObjectCreated:CompleteMultipartUpload",
];

/** One action of the SNS-style topic API Ceph RGW serves on its S3 endpoint (SigV4, service `sns`). */
const topicAction = async (config: StorageConfig, params: Record<string, string>): Promise<string> => {
  if (!config.endpoint) throw new Error("Push topics need an S3 endpoint (Ceph RGW).");
  const url = new URL(config.endpoint);
  const body = new URLSearchParams(params).toString();
  const signer = new SignatureV4({
    service: "sns",
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: "/",
    query: {},
    headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  const response = await fetch(new URL("/", url), {
    method: "POST",
    headers: signed.headers,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${params.Action} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
};

/**
 * Ceph RGW's SNS-style topic API on the S3 endpoint itself: creates (or updates) a topic whose
 * events RGW pushes to `pushEndpoint` over HTTP, and answers its ARN. Not persistent: RGW 16
 * pushes while it answers the S3 request (its persistent queue never pushed on a single-node
 * cluster here), and drops an event the endpoint refuses.
 */
export const createPushTopic = async (
  config: StorageConfig,
  name: string,
  pushEndpoint: string,
): Promise<string> => {
  const answer = await topicAction(config, {
    Action: "CreateTopic",
    Name: name,
    "Attributes.entry.1.key": "push-endpoint",
    "Attributes.entry.1.value": pushEndpoint,
  });
  const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(answer)?.[1];
  if (!arn) throw new Error(`CreateTopic answered no TopicArn: ${answer.slice(0, 300)}`);
  return arn;
};

export const deletePushTopic = async (config: StorageConfig, topicArn: string): Promise<void> => {
  await topicAction(config, { Action: "DeleteTopic", TopicArn: topicArn });
};

/**
 * Sends the bucket's `events` under `prefix` to a topic, replacing the bucket's notification
 * rules; no topic removes them.
 */
export const notifyTopic = async (
  client: S3Client,
  bucket: string,
  topicArn: string | null,
  options: { prefix: string; events: readonly Event[] },
): Promise<void> => {
  await client.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        TopicConfigurations: !topicArn
          ? []
          : [
              {
                Id: "storage-events",
                TopicArn: topicArn,
                Events: [...options.events],
                Filter: { Key: { FilterRules: [{ Name: "prefix", Value: options.prefix }] } },
              },
            ],
      },
    }),
  );
};

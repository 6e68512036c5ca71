// The baseline for `npm run bench`: the AWS SDK's own multipart upload with storage credentials,
// no presigning and no catalogue. It is the physical limit our presigned path is measured against.
import { createReadStream } from "node:fs";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createS3Client, type StorageConfig } from "../src/client";

export const uploadWithSdk = async (
  config: StorageConfig,
  path: string,
  key: string,
  options: { partSize: number; concurrency: number },
): Promise<void> => {
  const s3 = createS3Client(config);
  try {
    await new Upload({
      client: s3,
      params: { Bucket: config.bucket, Key: key, Body: createReadStream(path) },
      partSize: options.partSize,
      queueSize: options.concurrency,
    }).done();
    await s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
  } finally {
    s3.destroy();
  }
};

import { routes } from "@artifact-store/api";
import {
  createPushTopic,
  createS3Client,
  deletePushTopic,
  notifyTopic,
  OBJECT_CREATED_EVENTS,
  type StorageConfig,
} from "@artifact-store/storage";

const WIRED = { prefix: "artifacts/", events: OBJECT_CREATED_EVENTS };

/**
 * Points the local S3 server (Ceph RGW) at the storage-events route: a topic pushing to it over
 * HTTP, with the token in the URL (RGW's push sends no headers), and the bucket's created events
 * under `artifacts/` sent to that topic. Answers how to undo it. Not the removed events: RGW 16's
 * (non-persistent) push is synchronous, so the API's own delete would be reported while it is
 * still under way, before the record is tombstoned, and the artifact flagged corrupt first.
 */
export const wireStorageNotifications = async (
  config: { storage: StorageConfig },
  apiUrl: string,
  token: string,
): Promise<() => Promise<void>> => {
  const { storage } = config;
  const pushEndpoint = `${apiUrl}${routes.storageEvents.path}?token=${encodeURIComponent(token)}`;
  const topicArn = await createPushTopic(storage, `storage-events-${storage.bucket}`, pushEndpoint);
  const client = createS3Client(storage);
  try {
    await notifyTopic(client, storage.bucket, topicArn, WIRED);
  } finally {
    client.destroy();
  }
  return async () => {
    const undo = createS3Client(storage);
    try {
      await notifyTopic(undo, storage.bucket, null, WIRED);
      await deletePushTopic(storage, topicArn);
    } catch {
      // Best effort: a topic left behind pushes to an endpoint that no longer answers.
    } finally {
      undo.destroy();
    }
  };
};

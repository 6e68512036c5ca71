import { defineRoute, error, errors } from "../common/routes";
import { StorageEventsRun, StorageNotificationBody } from "./schemas";

export const storageEvents = defineRoute({
  operationId: "storageEvents",
  method: "post",
  path: "/v1/storage-events",
  summary:
    "Bucket notifications from storage (S3, Ceph RGW, MinIO): complete single-PUT uploads, re-verify overwritten or removed objects",
  tag: "operations",
  // Not a user's credential: storage presents STORAGE_EVENTS_TOKEN (checked by the function).
  auth: "none",
  body: StorageNotificationBody,
  responses: {
    200: { description: "What the notification changed", schema: StorageEventsRun },
    400: errors[400],
    401: error("Missing or wrong storage events token, or none configured"),
  },
});

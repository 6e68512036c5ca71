import { artifactView, CompleteUploadItem, uploadIdOf } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, MAX_COMPLETION_BODY_BYTES, mount, settleEach } from "@artifact-store/http";
import { storageRuntime, uploadsOf, verifierOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime, { maxBodyBytes: MAX_COMPLETION_BODY_BYTES });

mount(app, routes.completeUploadBatch, async ({ body }, { c, principal, runtime }) => {
  const results = await settleEach(
    c,
    body.uploads,
    CompleteUploadItem,
    async (item) => {
      const uploaded = await uploadsOf(runtime).complete(
        principal,
        item.uploadId,
        { sha256: item.sha256, parts: item.parts },
        verifierOf(runtime).inline,
      );
      // As for one upload: small objects are proven before the uploader hears back.
      const artifact = await verifierOf(runtime).afterUpload(uploaded);
      return {
        status: 200,
        value: { artifact: artifactView(artifact) },
        audit: { artifactId: artifact.id, uploadId: item.uploadId },
      };
    },
    (item) => ({ uploadId: uploadIdOf(item) }),
  );
  return c.json({ results });
});

export const handler = handle(app);

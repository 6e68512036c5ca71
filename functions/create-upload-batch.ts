import { CreateUploadBody, uploadOpeningView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, settleEach } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.createUploadBatch, async ({ body }, { c, principal, runtime }) => {
  const uploads = uploadsOf(runtime);
  const results = await settleEach(c, body.uploads, CreateUploadBody, async (item) => {
    const opening = await uploads.create(principal, item);
    return opening.deduplicated
      ? {
          status: 200,
          value: { upload: uploadOpeningView(opening) },
          audit: { artifactId: opening.artifact.id },
        }
      : {
          status: 201,
          value: { upload: uploadOpeningView(opening) },
          audit: { artifactId: opening.upload.artifactId, uploadId: opening.upload.id },
        };
  });
  return c.json({ results });
});

export const handler = handle(app);

// Points every stack of the moto project at moto's server, before any test file builds one.
import { inject } from "vitest";
import { motoStorageEnv } from "../../packages/local/src/moto-server";

Object.assign(process.env, motoStorageEnv(inject("motoEndpoint")), {
  // moto applies a Deny to signed requests too; test/storage-portability.test.ts covers the rollback.
  S3_BUCKET_POLICY: "none",
  TEST_S3_SERVER: "moto",
});

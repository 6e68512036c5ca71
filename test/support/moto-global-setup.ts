// The moto project's S3 server: the one `npm test` started (TEST_MOTO_ENDPOINT), else one of its
// own for this run, so `vitest --project moto` works on its own too.
import type { TestProject } from "vitest/node";
import { startMotoServer } from "../../packages/local/src/moto-server";

declare module "vitest" {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_MOTO_ENDPOINT;
  if (given) {
    project.provide("motoEndpoint", given);
    return async () => {};
  }
  const moto = await startMotoServer();
  project.provide("motoEndpoint", moto.endpoint);
  return moto.stop;
}

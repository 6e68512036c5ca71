// esbuild plugins for every Lambda bundle. sst.config.ts passes this file as `nodejs.plugins` (SST
// runs it in plain Node, so it is JavaScript), and packages/bundle builds with it too, so the
// sizes and cold starts `npm run bench` reports are those of the deployed code.
import { fileURLToPath } from "node:url";

const ENV_CREDENTIALS = fileURLToPath(new URL("../storage/src/env-credentials.ts", import.meta.url));

/**
 * The AWS SDK's default credential chain (SSO, INI profiles, STS web identity, container and
 * instance metadata, and the clients they use: about 100 KiB of every storage function) replaced
 * by environment credentials, all a Lambda function ever has.
 */
const credentialsFromEnvironment = {
  name: "credentials-from-environment",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: ENV_CREDENTIALS }));
  },
};

export default [credentialsFromEnvironment];

/// <reference path="./.sst/platform/config.d.ts" />

// One Lambda function per operation behind one HTTP API, all read from the same manifest the
// local server mounts. Storage, catalogue and JWT settings come in as secrets.
export default $config({
  app(input) {
    return {
      name: "artifact-store",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
    };
  },
  async run() {
    // sst.config.ts may not import at the top level.
    const { FUNCTIONS } = await import("./packages/manifest/src/index");

    const secret = {
      s3Endpoint: new sst.Secret("S3Endpoint", ""),
      s3AccessKeyId: new sst.Secret("S3AccessKeyId"),
      s3SecretAccessKey: new sst.Secret("S3SecretAccessKey"),
      s3Bucket: new sst.Secret("S3Bucket", "artifacts"),
      databaseUrl: new sst.Secret("DatabaseUrl"),
      jwtSecret: new sst.Secret("AuthJwtSecret"),
    };

    $transform(sst.aws.Function, (args) => {
      args.runtime ??= "nodejs20.x";
      args.architecture ??= "arm64";
      args.memory ??= "512 MB";
      args.timeout ??= "30 seconds";
      args.nodejs = { format: "esm", minify: true, ...args.nodejs };
      args.environment = {
        S3_ENDPOINT: secret.s3Endpoint.value,
        S3_ACCESS_KEY_ID: secret.s3AccessKeyId.value,
        S3_SECRET_ACCESS_KEY: secret.s3SecretAccessKey.value,
        S3_BUCKET: secret.s3Bucket.value,
        DATABASE_URL: secret.databaseUrl.value,
        AUTH_JWT_SECRET: secret.jwtSecret.value,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...args.environment,
      };
    });

    const api = new sst.aws.ApiGatewayV2("Api", { cors: true });
    const resourceName = (name: string) =>
      name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
    for (const entry of FUNCTIONS) {
      const fn = new sst.aws.Function(resourceName(entry.name), {
        handler: entry.module.replace(/\.ts$/, ".handler"),
      });
      for (const route of entry.routes) {
        api.route(`${route.method.toUpperCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`, fn.arn);
      }
    }
    return { api: api.url };
  },
});

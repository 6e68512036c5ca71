/// <reference path="./.sst/platform/config.d.ts" />

// One Lambda function per operation behind one HTTP API, all read from the same manifest the
// local server mounts (packages/manifest), so the two cannot drift. Scheduled entries also get
// an EventBridge schedule (CronV2); entries marked `url` get a function URL. Storage, catalogue,
// JWT and CORS settings are per-stage secrets (`sst secret set ...`, see docs/DEPLOY.md).
// Checked offline by `npm test`: tsc against the generated platform types (tsconfig.sst.json)
// and packages/manifest/src/sst-config.test.ts, which runs `run()` against stand-ins.

export default $config({
  app(input) {
    return {
      name: "artifact-store",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
    };
  },
  async run() {
    // sst.config.ts may not import at the top level.
    const { FUNCTIONS, LAMBDA_EXTERNAL, LAMBDA_PLUGINS, gatewayRoute, lambdaHandler, resourceName } =
      await import("./packages/manifest/src/index");
    const { SCHEMA_VERSION } = await import("./packages/catalog/src/schema-version");

    // The headers the functions' own CORS middleware allows and exposes: the gateway must agree.
    const { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } = await import(
      "./packages/http/src/cors"
    );
    const CORS_METHODS: ("GET" | "POST" | "PUT" | "PATCH" | "DELETE")[] = [
      "GET",
      "POST",
      "PUT",
      "PATCH",
      "DELETE",
    ];

    /** Non-secret tuning taken from the environment of `sst deploy` when set there. */
    const PASSED_THROUGH = [
      "S3_FORCE_PATH_STYLE",
      "LOG_LEVEL",
      "UPLOAD_SINGLE_THRESHOLD_BYTES",
      "UPLOAD_PART_SIZE_BYTES",
      "UPLOAD_MAX_SIZE_BYTES",
      "UPLOAD_INITIAL_PART_URLS",
      "UPLOAD_URL_TTL_SECONDS",
      "DOWNLOAD_URL_TTL_SECONDS",
      "UPLOAD_TTL_SECONDS",
      "RATE_LIMIT_SIGNING_PER_MINUTE",
      "AUTH_ALLOW_TOKENS_WITHOUT_EXP",
      "AUTH_MAX_TOKEN_LIFETIME_SECONDS",
      "AUDIT_SEGMENT_SIZE",
      "AUDIT_SEGMENT_MAX_AGE_SECONDS",
      "VERIFY_INLINE_MAX_BYTES",
      "VERIFY_RUN_BUDGET_BYTES",
      "CONTENT_TYPE_MISMATCH",
      "RECONCILE_DELETE_ORPHANS_AFTER_SECONDS",
    ] as const;

    // Secret name -> environment variable the code reads (packages/runtime/src/config.ts).
    // A placeholder makes a secret optional; an empty string means "unset" to the code.
    const secrets = {
      S3_ENDPOINT: new sst.Secret("S3Endpoint", ""), // empty: AWS S3
      S3_REGION: new sst.Secret("S3Region", "us-east-1"),
      S3_ACCESS_KEY_ID: new sst.Secret("S3AccessKeyId"),
      S3_SECRET_ACCESS_KEY: new sst.Secret("S3SecretAccessKey"),
      S3_BUCKET: new sst.Secret("S3Bucket", "artifacts"),
      S3_CORS_ORIGINS: new sst.Secret("S3CorsOrigins", ""),
      API_CORS_ORIGINS: new sst.Secret("ApiCorsOrigins", ""),
      DATABASE_URL: new sst.Secret("DatabaseUrl"),
      // Tokens are verified with a shared HS256 secret, an identity provider's JWKS, or both.
      AUTH_JWT_SECRET: new sst.Secret("AuthJwtSecret", ""),
      AUTH_JWKS_URL: new sst.Secret("AuthJwksUrl", ""),
      AUTH_JWT_ISSUER: new sst.Secret("AuthJwtIssuer", ""),
      AUTH_JWT_AUDIENCE: new sst.Secret("AuthJwtAudience", ""),
      // What storage presents with bucket notifications; empty: the storage-events function refuses all.
      STORAGE_EVENTS_TOKEN: new sst.Secret("StorageEventsToken", ""),
    };

    $resolve([secrets.AUTH_JWT_SECRET.value, secrets.AUTH_JWKS_URL.value]).apply(([hs256, jwks]) => {
      if (!hs256 && !jwks) {
        throw new Error("Set AuthJwtSecret or AuthJwksUrl: `sst secret set AuthJwtSecret <32+ bytes>`.");
      }
    });

    const environment: Record<string, $util.Input<string>> = {
      // One request at a time per Lambda instance: a small pool, ideally behind RDS Proxy/PgBouncer.
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE || "2",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    for (const [name, secret] of Object.entries(secrets)) environment[name] = secret.value;
    for (const name of PASSED_THROUGH) {
      const value = process.env[name];
      if (value) environment[name] = value;
    }

    $transform(sst.aws.Function, (args) => {
      args.runtime ??= "nodejs20.x";
      args.architecture ??= "arm64";
      args.memory ??= "512 MB";
      args.timeout ??= "30 seconds";
      args.nodejs = {
        format: "esm",
        minify: true,
        // Deployed functions always use DATABASE_URL; PGlite stays out of every bundle.
        esbuild: { external: [...LAMBDA_EXTERNAL] },
        // Environment credentials in place of the SDK's whole default chain (see the file).
        plugins: LAMBDA_PLUGINS,
        ...args.nodejs,
      };
      args.environment = { ...environment, ...args.environment };
    });

    const apiCorsOrigins = secrets.API_CORS_ORIGINS.value.apply((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ""),
    );
    const api = new sst.aws.ApiGatewayV2("Api", {
      // The gateway answers preflights itself (and then ignores the functions' CORS headers), so
      // it gets the same origins as the functions; no origins means no CORS at all.
      cors: apiCorsOrigins.apply((origins) =>
        origins.length === 0
          ? false
          : {
              allowOrigins: origins,
              allowMethods: CORS_METHODS,
              allowHeaders: CORS_ALLOW_HEADERS,
              exposeHeaders: CORS_EXPOSE_HEADERS,
              maxAge: `${CORS_MAX_AGE_SECONDS} seconds` as const,
            },
      ),
    });

    const urls: Record<string, $util.Output<string>> = {};
    for (const entry of FUNCTIONS) {
      const name = resourceName(entry.name);
      const fn = new sst.aws.Function(name, {
        handler: lambdaHandler(entry),
        description: `artifact-store ${entry.name}`,
        ...(entry.timeoutSeconds ? { timeout: `${entry.timeoutSeconds} seconds` as const } : {}),
        ...(entry.memoryMiB ? { memory: `${entry.memoryMiB} MB` as const } : {}),
        ...(entry.url ? { url: true } : {}),
      });
      for (const route of entry.routes) api.route(gatewayRoute(route), fn.arn);
      if (entry.schedule) {
        new sst.aws.CronV2(`${name}Schedule`, { schedule: entry.schedule, function: fn.arn });
      }
      if (entry.url) urls[`${entry.name}Url`] = fn.url;
      if (entry.runOnDeploy) {
        // Invoked again only when the schema version changes (a new trigger value).
        new aws.lambda.Invocation(`${name}OnDeploy`, {
          functionName: fn.name,
          input: JSON.stringify({ deploy: entry.name }),
          triggers: { schemaVersion: String(SCHEMA_VERSION) },
        });
      }
    }
    return { api: api.url, ...urls };
  },
});

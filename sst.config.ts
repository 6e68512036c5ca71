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
    const { SETTINGS } = await import("./packages/runtime/src/settings");
    type SettingName = keyof typeof SETTINGS;

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

    // Every setting and how a stage sets it: packages/runtime/src/settings.ts (the README's and
    // docs/DEPLOY.md's tables are written from it too).
    // A placeholder makes a secret optional; an empty string means "unset" to the code.
    const secrets = new Map<string, sst.Secret>();
    /** Non-secret tuning, taken from the environment of `sst deploy` when set there. */
    const passedThrough = new Map<string, string | undefined>();
    for (const [name, { deploy }] of Object.entries(SETTINGS)) {
      if (deploy.kind === "secret") secrets.set(name, new sst.Secret(deploy.name, deploy.placeholder));
      if (deploy.kind === "passed") passedThrough.set(name, deploy.deployed);
    }
    const secretOf = (name: SettingName): sst.Secret => {
      const secret = secrets.get(name);
      if (!secret) throw new Error(`${name} is not an sst secret in packages/runtime/src/settings.ts`);
      return secret;
    };

    $resolve([secretOf("AUTH_JWT_SECRET").value, secretOf("AUTH_JWKS_URL").value]).apply(([hs256, jwks]) => {
      if (!hs256 && !jwks) {
        throw new Error("Set AuthJwtSecret or AuthJwksUrl: `sst secret set AuthJwtSecret <32+ bytes>`.");
      }
    });

    const environment: Record<string, $util.Input<string>> = {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    for (const [name, secret] of secrets) environment[name] = secret.value;
    for (const [name, deployed] of passedThrough) {
      const value = process.env[name] || deployed;
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

    const apiCorsOrigins = secretOf("API_CORS_ORIGINS").value.apply((value) =>
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
    // The verifier first: the functions that complete uploads invoke it (asynchronously) by ARN.
    const VERIFIER = "verify-artifacts";
    const ordered = [...FUNCTIONS].sort((a, b) => Number(b.name === VERIFIER) - Number(a.name === VERIFIER));
    let verifierArn: $util.Output<string> | undefined;
    for (const entry of ordered) {
      const name = resourceName(entry.name);
      if (entry.handsOffVerification && !verifierArn) throw new Error(`${VERIFIER} is not in the manifest`);
      const fn = new sst.aws.Function(name, {
        handler: lambdaHandler(entry),
        description: `artifact-store ${entry.name}`,
        ...(entry.timeoutSeconds ? { timeout: `${entry.timeoutSeconds} seconds` as const } : {}),
        ...(entry.memoryMiB ? { memory: `${entry.memoryMiB} MB` as const } : {}),
        ...(entry.url ? { url: true } : {}),
        ...(entry.handsOffVerification && verifierArn
          ? {
              environment: { VERIFY_FUNCTION_ARN: verifierArn },
              permissions: [{ actions: ["lambda:InvokeFunction"], resources: [verifierArn] }],
            }
          : {}),
      });
      if (entry.name === VERIFIER) verifierArn = fn.arn;
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
    // The web console: a static build of packages/console that calls the API at its URL. Add the
    // console's URL to ApiCorsOrigins and S3CorsOrigins (docs/DEPLOY.md), so it may call both.
    const webConsole = new sst.aws.StaticSite("Console", {
      path: "packages/console",
      build: { command: "npm run build", output: "dist" },
      environment: { VITE_API_URL: api.url },
    });

    return { api: api.url, console: webConsole.url, ...urls };
  },
});

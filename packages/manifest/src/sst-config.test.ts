// Runs `run()` of sst.config.ts offline, against stand-ins for the SST globals, and checks what it
// declares against the manifest. `sst deploy` cannot run here (it needs AWS and Pulumi); the types
// of the config are checked apart, by tsc over tsconfig.sst.json (npm test).
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SCHEMA_VERSION } from "@artifact-store/catalog";
import { SETTINGS } from "@artifact-store/runtime/settings";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  FUNCTIONS,
  type FunctionEntry,
  gatewayRoute,
  LAMBDA_EXTERNAL,
  LAMBDA_PLUGINS,
  lambdaHandler,
  resourceName,
} from "./index";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Enough of a Pulumi Output for the config: a known value and `apply`. */
class Output<T> {
  constructor(readonly value: T) {}
  apply<U>(transform: (value: T) => U | Output<U>): Output<U> {
    const result = transform(this.value);
    return result instanceof Output ? result : new Output(result);
  }
}

type Args = Record<string, unknown>;
type Transform = (args: Args, opts: Args, name: string) => void;

interface Declared {
  app?: Args;
  secrets: Map<string, { placeholder: string | undefined; value: Output<string> }>;
  functions: Map<string, { args: Args; arn: string; url: Output<string> }>;
  apis: { name: string; args: Args }[];
  routes: { api: string; route: string; handler: unknown }[];
  crons: { name: string; args: Args }[];
  invocations: { name: string; args: Args }[];
  sites: { name: string; args: Args }[];
}

const GLOBALS = [
  "$config",
  "$app",
  "$transform",
  "$output",
  "$resolve",
  "$interpolate",
  "sst",
  "aws",
] as const;

/** Installs the SST globals as stand-ins that record every declaration. */
const installStandIns = (): Declared => {
  const declared: Declared = {
    secrets: new Map(),
    functions: new Map(),
    apis: [],
    routes: [],
    crons: [],
    invocations: [],
    sites: [],
  };
  const transforms = new Map<unknown, Transform[]>();
  const applyTransforms = (component: unknown, name: string, args: Args) => {
    for (const transform of transforms.get(component) ?? []) transform(args, {}, name);
  };
  const unique = (kind: string, name: string, taken: boolean) => {
    if (taken) throw new Error(`${kind} ${name} declared twice`);
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name))
      throw new Error(`${kind} name ${name} is not PascalCase letters and digits`);
  };

  class Secret {
    readonly value: Output<string>;
    constructor(
      readonly name: string,
      placeholder?: string,
    ) {
      unique("Secret", name, declared.secrets.has(name));
      // As SST: the value set for the stage, else the placeholder; a required one gets a marker.
      this.value = new Output(process.env[`SST_SECRET_${name}`] ?? placeholder ?? `<secret ${name}>`);
      declared.secrets.set(name, { placeholder, value: this.value });
    }
  }
  class FunctionStandIn {
    readonly arn: string;
    readonly name: Output<string>;
    readonly url: Output<string>;
    constructor(name: string, args: Args) {
      unique("Function", name, declared.functions.has(name));
      applyTransforms(FunctionStandIn, name, args);
      this.arn = `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
      this.name = new Output(`artifact-store-ci-${name}`);
      this.url = new Output(`https://${name.toLowerCase()}.lambda-url.us-east-1.on.aws/`);
      declared.functions.set(name, { args, arn: this.arn, url: this.url });
    }
  }
  class ApiGatewayV2 {
    readonly url = new Output("https://api.example.execute-api.us-east-1.amazonaws.com");
    constructor(
      readonly name: string,
      args: Args = {},
    ) {
      applyTransforms(ApiGatewayV2, name, args);
      declared.apis.push({ name, args });
    }
    route(route: string, handler: unknown) {
      declared.routes.push({ api: this.name, route, handler });
    }
  }
  class CronV2 {
    constructor(name: string, args: Args) {
      applyTransforms(CronV2, name, args);
      declared.crons.push({ name, args });
    }
  }
  class StaticSite {
    readonly url = new Output("https://console.example.cloudfront.net");
    constructor(name: string, args: Args) {
      declared.sites.push({ name, args });
    }
  }
  /** The Pulumi AWS provider's `aws.lambda.Invocation`: invokes a function during the deploy. */
  class Invocation {
    constructor(name: string, args: Args) {
      declared.invocations.push({ name, args });
    }
  }

  const globals: Record<string, unknown> = {
    $config: (config: unknown) => config,
    $app: { name: "artifact-store", stage: "ci" },
    $transform: (component: unknown, transform: Transform) => {
      transforms.set(component, [...(transforms.get(component) ?? []), transform]);
    },
    $output: <T>(value: T) => new Output(value),
    $resolve: (values: Output<unknown>[]) => new Output(values.map((value) => value.value)),
    sst: { Secret, aws: { Function: FunctionStandIn, ApiGatewayV2, CronV2, StaticSite } },
    aws: { lambda: { Invocation } },
  };
  Object.assign(globalThis, globals);
  return declared;
};

interface SstConfig {
  app: (input: { stage: string }) => Args;
  run: () => Promise<Record<string, unknown>>;
}

/** Imports sst.config.ts afresh (it reads the globals at call time) and runs it. */
const runConfig = async (declared: Declared, stage = "ci") => {
  // Through a computed URL, so the repository's tsc does not follow it into the SST types.
  const url = pathToFileURL(resolve(root, "sst.config.ts")).href;
  const { default: config } = (await import(/* @vite-ignore */ url)) as { default: SstConfig };
  declared.app = config.app({ stage });
  const outputs = await config.run();
  return { config, outputs };
};

const functionOf = (declared: Declared, entry: FunctionEntry) => {
  const fn = declared.functions.get(resourceName(entry.name));
  if (!fn) throw new Error(`no sst.aws.Function for ${entry.name}`);
  return fn;
};

/** Where SST looks for a handler's file: `dir/base.handler` with the first Node extension that exists. */
const handlerFile = (handler: string): string | undefined => {
  const base = handler.slice(0, handler.lastIndexOf("."));
  return [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]
    .map((extension) => resolve(root, `${base}${extension}`))
    .find((file) => existsSync(file));
};

let declared: Declared;

beforeEach(() => {
  vi.resetModules();
  process.env.SST_SECRET_AuthJwtSecret = "a".repeat(32);
  declared = installStandIns();
});

afterEach(() => {
  vi.doUnmock("./index");
  delete process.env.SST_SECRET_ApiCorsOrigins;
  delete process.env.SST_SECRET_AuthJwtSecret;
  for (const name of GLOBALS) Reflect.deleteProperty(globalThis, name);
});

describe("sst.config.ts", () => {
  it("names the app and keeps production resources", async () => {
    await runConfig(declared);
    expect(declared.app).toMatchObject({ name: "artifact-store", home: "aws", removal: "remove" });
    const { config } = await runConfig(installStandIns());
    expect(config.app({ stage: "production" })).toMatchObject({ removal: "retain", protect: true });
  });

  it("lets the functions that complete uploads, and only those, invoke the verifier by its ARN", async () => {
    await runConfig(declared);
    const verifier = declared.functions.get("VerifyArtifacts");
    expect(verifier).toBeDefined();
    const handing = FUNCTIONS.filter((entry) => entry.handsOffVerification).map((entry) => entry.name);
    expect(handing.sort()).toEqual([
      "complete-upload",
      "complete-upload-batch",
      "reconcile-storage",
      "storage-events",
      "uppy-complete-upload",
    ]);
    for (const entry of FUNCTIONS) {
      const { args } = functionOf(declared, entry);
      const environment = args.environment as Record<string, unknown>;
      if (entry.handsOffVerification) {
        expect(environment.VERIFY_FUNCTION_ARN).toBe(verifier?.arn);
        expect(args.permissions).toEqual([
          { actions: ["lambda:InvokeFunction"], resources: [verifier?.arn] },
        ]);
      } else {
        expect(environment.VERIFY_FUNCTION_ARN).toBeUndefined();
        expect(args.permissions).toBeUndefined();
      }
    }
  });

  it("declares one function per manifest entry, and nothing else", async () => {
    await runConfig(declared);
    expect([...declared.functions.keys()].sort()).toEqual(FUNCTIONS.map((e) => resourceName(e.name)).sort());
    for (const entry of FUNCTIONS) {
      expect(functionOf(declared, entry).args.handler).toBe(lambdaHandler(entry));
    }
  });

  it("points every function at a module that exists and exports a Lambda handler", async () => {
    await runConfig(declared);
    for (const [name, { args }] of declared.functions) {
      const file = handlerFile(String(args.handler));
      expect(file, `${name}: ${String(args.handler)}`).toBeDefined();
      const module = (await import(/* @vite-ignore */ pathToFileURL(file ?? "").href)) as Record<
        string,
        unknown
      >;
      const exported = String(args.handler).split(".").pop() ?? "";
      expect(typeof module[exported], `${name} exports ${exported}`).toBe("function");
    }
  });

  it("wires every route of every entry to its own function on one HTTP API", async () => {
    await runConfig(declared);
    expect(declared.apis).toHaveLength(1);
    const expected = FUNCTIONS.flatMap((entry) =>
      entry.routes.map((route) => ({
        api: declared.apis[0]?.name,
        route: gatewayRoute(route),
        handler: functionOf(declared, entry).arn,
      })),
    );
    expect(declared.routes).toEqual(expect.arrayContaining(expected));
    expect(declared.routes).toHaveLength(expected.length);
    expect(new Set(declared.routes.map((r) => r.route)).size).toBe(declared.routes.length);
    for (const { route } of declared.routes) expect(route).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/[^:]*$/);
  });

  it("gives scheduled entries a CronV2 invoking their function", async () => {
    await runConfig(declared);
    const scheduled = FUNCTIONS.filter((entry) => entry.schedule);
    expect(declared.crons).toHaveLength(scheduled.length);
    for (const entry of scheduled) {
      expect(declared.crons).toContainEqual({
        name: `${resourceName(entry.name)}Schedule`,
        args: { schedule: entry.schedule, function: functionOf(declared, entry).arn },
      });
    }
  });

  it("invokes the migrate-catalog function on deploy, again whenever the schema version changes", async () => {
    await runConfig(declared);
    const onDeploy = FUNCTIONS.filter((entry) => entry.runOnDeploy);
    expect(onDeploy.map((entry) => entry.name)).toEqual(["migrate-catalog"]);
    expect(declared.invocations).toEqual(
      onDeploy.map((entry) => ({
        name: `${resourceName(entry.name)}OnDeploy`,
        args: expect.objectContaining({
          functionName: new Output(`artifact-store-ci-${resourceName(entry.name)}`),
          triggers: { schemaVersion: String(SCHEMA_VERSION) },
        }),
      })),
    );
    // Nothing but the deployer can run it: no route, no URL, no schedule.
    for (const entry of onDeploy) {
      expect(entry.routes).toEqual([]);
      expect(entry.url ?? false).toBe(false);
      expect(entry.schedule).toBeUndefined();
    }
  });

  it("declares the storage, catalogue and JWT secrets, and hands them to every function", async () => {
    await runConfig(declared);
    const required = ["S3AccessKeyId", "S3SecretAccessKey", "DatabaseUrl"];
    const optional = ["S3Endpoint", "S3Region", "S3Bucket", "S3CorsOrigins", "ApiCorsOrigins"];
    for (const name of required) expect(declared.secrets.get(name)?.placeholder, name).toBeUndefined();
    for (const name of [...optional, "AuthJwtSecret", "AuthJwksUrl", "AuthJwtIssuer", "AuthJwtAudience"]) {
      expect(declared.secrets.get(name)?.placeholder, name).toBeTypeOf("string");
    }
    const envFor: Record<string, string> = {
      S3_ENDPOINT: "S3Endpoint",
      S3_REGION: "S3Region",
      S3_ACCESS_KEY_ID: "S3AccessKeyId",
      S3_SECRET_ACCESS_KEY: "S3SecretAccessKey",
      S3_BUCKET: "S3Bucket",
      S3_CORS_ORIGINS: "S3CorsOrigins",
      API_CORS_ORIGINS: "ApiCorsOrigins",
      DATABASE_URL: "DatabaseUrl",
      AUTH_JWT_SECRET: "AuthJwtSecret",
      AUTH_JWKS_URL: "AuthJwksUrl",
      AUTH_JWT_ISSUER: "AuthJwtIssuer",
      AUTH_JWT_AUDIENCE: "AuthJwtAudience",
    };
    for (const [name, { args }] of declared.functions) {
      const environment = args.environment as Record<string, unknown>;
      for (const [variable, secret] of Object.entries(envFor)) {
        expect(environment[variable], `${name} ${variable}`).toBe(declared.secrets.get(secret)?.value);
      }
      expect(environment.DATABASE_POOL_SIZE).toMatch(/^\d+$/);
    }
  });

  /** Runs the config as `VAR=value sst deploy` would, every other passed setting unset. */
  const deployingWith = async (values: Record<string, string>) => {
    const passed = Object.entries(SETTINGS).flatMap(([name, { deploy }]) =>
      deploy.kind === "passed" ? [name] : [],
    );
    const saved = new Map(passed.map((name) => [name, process.env[name]]));
    try {
      for (const name of passed) delete process.env[name];
      Object.assign(process.env, values);
      return await runConfig(declared);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };

  it("deploys every setting of the table: its secret, or the deploy's environment, to every function", async () => {
    const passed = Object.entries(SETTINGS).filter(([, { deploy }]) => deploy.kind === "passed");
    await deployingWith(Object.fromEntries(passed.map(([name]) => [name, `value of ${name}`])));
    const secrets = Object.values(SETTINGS).flatMap(({ deploy }) =>
      deploy.kind === "secret" ? [deploy.name] : [],
    );
    expect([...declared.secrets.keys()].sort()).toEqual(secrets.sort());
    for (const [fn, { args }] of declared.functions) {
      const environment = args.environment as Record<string, unknown>;
      for (const [name, { deploy }] of Object.entries(SETTINGS)) {
        if (deploy.kind === "secret") {
          expect(declared.secrets.get(deploy.name)?.placeholder, deploy.name).toBe(deploy.placeholder);
          expect(environment[name], `${fn} ${name}`).toBe(declared.secrets.get(deploy.name)?.value);
        } else if (deploy.kind === "passed") {
          expect(environment[name], `${fn} ${name}`).toBe(`value of ${name}`);
        } else if (deploy.kind === "local") {
          expect(environment[name], `${fn} ${name} is the local stack's`).toBeUndefined();
        }
      }
    }
  });

  it("leaves a passed setting the deploy does not set to the code's default, or the table's deployed one", async () => {
    await deployingWith({});
    for (const [fn, { args }] of declared.functions) {
      const environment = args.environment as Record<string, unknown>;
      for (const [name, { deploy }] of Object.entries(SETTINGS)) {
        if (deploy.kind === "passed") expect(environment[name], `${fn} ${name}`).toBe(deploy.deployed);
      }
      expect(environment.DATABASE_POOL_SIZE).toBe("2");
    }
  });

  it("refuses to deploy without a way to verify tokens", async () => {
    delete process.env.SST_SECRET_AuthJwtSecret;
    await expect(runConfig(installStandIns())).rejects.toThrow(/AuthJwtSecret or AuthJwksUrl/);
  });

  it("applies the shared Lambda defaults and keeps PGlite out of every bundle", async () => {
    await runConfig(declared);
    for (const [name, { args }] of declared.functions) {
      expect(args, name).toMatchObject({ runtime: "nodejs20.x", timeout: expect.any(String) });
      const nodejs = args.nodejs as { format: string; minify: boolean; esbuild: { external: string[] } };
      expect(nodejs).toMatchObject({ format: "esm", minify: true });
      expect(nodejs.esbuild.external).toEqual(expect.arrayContaining([...LAMBDA_EXTERNAL]));
      expect(nodejs.esbuild.external).toContain("@electric-sql/pglite");
      // The plugins file packages/bundle builds with too, found where SST resolves it (from the root).
      expect((args.nodejs as { plugins?: string }).plugins, name).toBe(LAMBDA_PLUGINS);
      expect(existsSync(resolve(root, LAMBDA_PLUGINS))).toBe(true);
    }
  });

  it("leaves API CORS off without origins, and allows exactly the configured ones", async () => {
    await runConfig(declared);
    expect((declared.apis[0]?.args.cors as Output<unknown> | undefined)?.value).toBe(false);

    process.env.SST_SECRET_ApiCorsOrigins = "https://app.example.com, https://admin.example.com";
    const again = installStandIns();
    await runConfig(again);
    expect((again.apis[0]?.args.cors as Output<unknown> | undefined)?.value).toMatchObject({
      allowOrigins: ["https://app.example.com", "https://admin.example.com"],
      allowHeaders: expect.arrayContaining(["Authorization", "Content-Type"]),
    });
  });

  it("adds a CronV2, a function URL and per-entry limits for entries that ask for them", async () => {
    const job: FunctionEntry = {
      name: "nightly-job",
      module: "functions/health.ts",
      routes: [],
      usesStorage: true,
      schedule: "cron(0 3 * * ? *)",
      timeoutSeconds: 600,
      memoryMiB: 1024,
    };
    const hook: FunctionEntry = {
      name: "bucket-hook",
      module: "functions/health.ts",
      routes: [],
      usesStorage: true,
      url: true,
    };
    vi.doMock("./index", async (importOriginal) => {
      const actual = await importOriginal<typeof import("./index")>();
      return { ...actual, FUNCTIONS: [...actual.FUNCTIONS, job, hook] };
    });
    const { outputs } = await runConfig(declared);
    const jobFn = functionOf(declared, job);
    expect(declared.crons).toContainEqual({
      name: "NightlyJobSchedule",
      args: { schedule: "cron(0 3 * * ? *)", function: jobFn.arn },
    });
    expect(jobFn.args).toMatchObject({ timeout: "600 seconds", memory: "1024 MB" });
    expect(jobFn.args.url).toBeUndefined();
    expect(functionOf(declared, hook).args).toMatchObject({ url: true, timeout: "30 seconds" });
    expect(outputs["bucket-hookUrl"]).toBe(functionOf(declared, hook).url);
    expect(declared.routes.some((r) => r.handler === jobFn.arn)).toBe(false);
  });

  it("deploys the web console as a static site pointed at the API", async () => {
    const { outputs } = await runConfig(declared);
    expect(declared.sites).toEqual([
      {
        name: "Console",
        args: {
          path: "packages/console",
          build: { command: "npm run build", output: "dist" },
          environment: {
            VITE_API_URL: expect.objectContaining({
              value: "https://api.example.execute-api.us-east-1.amazonaws.com",
            }),
          },
        },
      },
    ]);
    expect(existsSync(resolve(root, "packages/console/package.json"))).toBe(true);
    expect(outputs.console).toEqual(
      expect.objectContaining({ value: "https://console.example.cloudfront.net" }),
    );
  });
});

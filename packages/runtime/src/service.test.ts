import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config";
import { catalogRuntime, type Runtime, sharedRuntime, unreadiedRuntime, useRuntime } from "./runtime";
import { service } from "./service";

/** Services only see what they read; these read nothing but their own identity. */
const fakeRuntime = (name: string) => ({ name, ready: async () => {} }) as unknown as Runtime;

describe("service()", () => {
  it("builds a service on first use and hands the same instance back for that runtime", () => {
    let builds = 0;
    const counterOf = service(() => {
      builds += 1;
      return { n: builds };
    });
    const runtime = fakeRuntime("a");
    expect(builds).toBe(0);
    const first = counterOf(runtime);
    expect(counterOf(runtime)).toBe(first);
    expect(builds).toBe(1);
  });

  it("keeps one instance per runtime: two runtimes never share a service", () => {
    const ownerOf = service((runtime) => ({ of: (runtime as unknown as { name: string }).name }));
    const a = fakeRuntime("a");
    const b = fakeRuntime("b");
    expect(ownerOf(a)).toEqual({ of: "a" });
    expect(ownerOf(b)).toEqual({ of: "b" });
    expect(ownerOf(a)).not.toBe(ownerOf(b));
  });

  it("lets a service be built from others, each still built once", () => {
    const built: string[] = [];
    const storageOf = service(() => {
      built.push("storage");
      return {};
    });
    const uploadsOf = service((runtime) => {
      built.push("uploads");
      return { storage: storageOf(runtime) };
    });
    const verifierOf = service((runtime) => {
      built.push("verifier");
      return { storage: storageOf(runtime) };
    });
    const runtime = fakeRuntime("a");
    expect(uploadsOf(runtime).storage).toBe(verifierOf(runtime).storage);
    expect(built).toEqual(["uploads", "storage", "verifier"]);
  });

  it("builds again after a failed build, rather than remembering the failure", () => {
    let attempts = 0;
    const flakyOf = service(() => {
      attempts += 1;
      if (attempts === 1) throw new Error("first build fails");
      return { attempts };
    });
    const runtime = fakeRuntime("a");
    expect(() => flakyOf(runtime)).toThrow("first build fails");
    expect(flakyOf(runtime)).toEqual({ attempts: 2 });
  });
});

describe("the process's runtime", () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  it("is built from the environment, and a failed build is tried again on the next request", async () => {
    for (const name of ["AUTH_JWT_SECRET", "AUTH_JWKS_URL"]) delete process.env[name];
    await expect(sharedRuntime()).rejects.toBeInstanceOf(ConfigError);
    process.env.AUTH_JWT_SECRET = "x".repeat(32);
    // A PostgreSQL client connects on its first query, so building one needs no server.
    process.env.DATABASE_URL = "postgres://127.0.0.1:1/nothing-listens-here";
    const runtime = await sharedRuntime();
    try {
      expect(await sharedRuntime()).toBe(runtime);
      expect(runtime.config.auth.hs256Secret).toBe("x".repeat(32));
    } finally {
      await runtime.close();
    }
  });

  it("is the injected one once useRuntime is called: the seam npm start and the tests use", async () => {
    let readied = 0;
    const injected = {
      ready: async () => {
        readied += 1;
      },
    } as unknown as Runtime;
    useRuntime(injected);
    expect(await sharedRuntime()).toBe(injected);
    expect(await catalogRuntime.runtime()).toBe(injected);
    expect(await unreadiedRuntime.runtime()).toBe(injected);
    await catalogRuntime.ready(injected);
    expect(readied).toBe(1);
    expect("ready" in unreadiedRuntime).toBe(false);
  });
});

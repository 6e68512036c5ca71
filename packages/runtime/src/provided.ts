import type { CatalogRuntime } from "./catalog-runtime";
import type { Runtime } from "./runtime";

/** What a runtime may hold ready-made; anything else a service builder is keyed by. */
export type ServiceName = Exclude<keyof Runtime, keyof CatalogRuntime>;

const built = new WeakMap<object, Map<ServiceName, unknown>>();

/**
 * One instance of a service per runtime, built on first use. A deployed function asks only for
 * the services its routes use, so esbuild leaves every other one (and its libraries) out of its
 * bundle. A runtime that already holds the service (the full one that npm start and the tests
 * build and inject) hands back its own, so one process never holds two.
 */
export const provided = <S>(runtime: object, name: ServiceName, build: () => S): S => {
  const own = (runtime as Partial<Record<ServiceName, unknown>>)[name];
  if (own !== undefined) return own as S;
  let services = built.get(runtime);
  if (!services) {
    services = new Map();
    built.set(runtime, services);
  }
  if (!services.has(name)) services.set(name, build());
  return services.get(name) as S;
};

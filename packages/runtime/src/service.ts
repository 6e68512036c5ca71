import type { Runtime } from "./runtime";

/**
 * A service: one instance per runtime, built by `build` on first use and kept for the runtime's
 * life. The accessor is the key, so a service is defined once, where it is built, and nothing
 * lists them all:
 *
 *   export const uploadsOf = /* @__PURE__ *\/ service((runtime) => new Uploads(...));
 *
 * The `@__PURE__` mark lets esbuild drop the definition (and the libraries only it reaches) from
 * a function that never calls the accessor; without it the call would count as a side effect and
 * stay in every bundle that imports the module. packages/bundle's tests check that it does.
 */
export const service = <S>(build: (runtime: Runtime) => S): ((runtime: Runtime) => S) => {
  const built = new WeakMap<Runtime, S>();
  return (runtime) => {
    if (!built.has(runtime)) built.set(runtime, build(runtime));
    return built.get(runtime) as S;
  };
};

// Pages live in the URL's fragment (#/artifacts/…), so the same build works from any static host
// without rewrites, and a search or an artifact is a link to share.
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** "/", "/artifacts/<id>", "/upload", "/admin/<section>". */
  path: string;
  params: URLSearchParams;
}

const current = (): Route => {
  const hash = window.location.hash.replace(/^#/, "") || "/";
  const [path = "/", query = ""] = hash.split("?", 2);
  return { path, params: new URLSearchParams(query) };
};

export const useRoute = (): Route => {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const changed = () => setRoute(current());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
};

export const href = (path: string, params?: URLSearchParams): string => {
  const query = params?.toString();
  return `#${path}${query ? `?${query}` : ""}`;
};

/** Goes to a page; `replace` keeps the history short while a search form is edited. */
export const navigate = (path: string, params?: URLSearchParams, options: { replace?: boolean } = {}) => {
  const target = href(path, params);
  if (options.replace) {
    window.history.replaceState(null, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = target;
  }
};

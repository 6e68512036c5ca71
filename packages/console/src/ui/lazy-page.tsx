import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type Problem, problemOf } from "./problem";
import { Loading, ProblemMessage } from "./problem-message";

/**
 * A page whose code is fetched the first time it is shown (Vite gives a dynamic import its own
 * chunk), so what every visitor loads first stays small.
 */
export const lazyPage = <P extends object>(load: () => Promise<ComponentType<P>>, what: string) => {
  let loaded: ComponentType<P> | null = null;
  return (props: P) => {
    const [Page, setPage] = useState<ComponentType<P> | null>(() => loaded);
    const [problem, setProblem] = useState<Problem | null>(null);
    useEffect(() => {
      if (Page) return;
      let current = true;
      load().then(
        (component) => {
          loaded = component;
          if (current) setPage(() => component);
        },
        (error: unknown) => {
          if (current) setProblem(problemOf(error));
        },
      );
      return () => {
        current = false;
      };
    }, []);
    if (Page) return <Page {...props} />;
    return (
      <main id="main">
        {problem ? (
          <ProblemMessage problem={problem} title={`Could not load ${what}`} />
        ) : (
          <Loading what={what} />
        )}
      </main>
    );
  };
};

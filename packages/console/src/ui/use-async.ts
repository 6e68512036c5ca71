import { useCallback, useEffect, useState } from "preact/hooks";
import { type Problem, problemOf } from "./problem";

export interface AsyncState<T> {
  value: T | null;
  problem: Problem | null;
  loading: boolean;
  reload: () => void;
  set: (value: T) => void;
}

/** Loads once per change of `keys`; `reload` loads again. Answers of an outdated load are dropped. */
export const useAsync = <T>(load: () => Promise<T>, keys: unknown[]): AsyncState<T> => {
  const [value, setValue] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  // The caller names what the load depends on.
  useEffect(() => {
    let current = true;
    setLoading(true);
    setProblem(null);
    load().then(
      (loaded) => {
        if (!current) return;
        setValue(loaded);
        setLoading(false);
      },
      (error: unknown) => {
        if (!current) return;
        setProblem(problemOf(error));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [...keys, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { value, problem, loading, reload, set: setValue };
};

import { useState } from "preact/hooks";
import { type Problem, problemOf } from "../ui/problem";

export interface Action {
  busy: boolean;
  problem: Problem | null;
  /** Runs `work` once at a time; a failure becomes `problem` (the API's message), never a throw. */
  run: <T>(work: () => Promise<T>) => Promise<T | undefined>;
}

/** A button's call to the API: busy while it runs, and what went wrong, as a person reads it. */
export const useAction = (): Action => {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setProblem(null);
    try {
      return await work();
    } catch (error) {
      setProblem(problemOf(error));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, run };
};

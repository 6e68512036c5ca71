import type { Problem } from "./problem";

/** An error as a person reads it, announced to screen readers. */
export const ProblemMessage = ({ problem, title }: { problem: Problem | null; title?: string }) =>
  problem ? (
    <div class="problem" role="alert">
      <strong>{title ?? "Something went wrong"}</strong>
      <p>{problem.message}</p>
      {problem.requestId ? <p class="quiet">Request id: {problem.requestId}</p> : null}
    </div>
  ) : null;

export const Loading = ({ what }: { what: string }) => (
  <p class="loading" role="status" aria-live="polite">
    Loading {what}…
  </p>
);

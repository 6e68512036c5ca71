import type { Problem } from "../ui/problem";
import { ProblemMessage } from "../ui/problem-message";

/** The API refused the caller this page (403): its message, and nothing of the page behind it. */
export const refusal = (problem: Problem | null) =>
  problem?.status === 403 ? <ProblemMessage problem={problem} title="Only admins may use this page" /> : null;

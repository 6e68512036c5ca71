import type { IntegrityRun } from "@artifact-store/core";
import type { IntegrityRunView } from "./schemas";

export const integrityRunView = (run: IntegrityRun): IntegrityRunView => ({
  id: run.id,
  kind: run.kind,
  startedAt: run.startedAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
  summary: run.summary,
  findings: run.findings,
});

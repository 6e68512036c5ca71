export type IntegrityRunKind = "scrub" | "reconcile";

/** A scrub or reconcile run as recorded: what it checked (summary) and what it found (findings). */
export interface IntegrityRun {
  id: string;
  kind: IntegrityRunKind;
  startedAt: Date;
  finishedAt: Date | null;
  summary: Record<string, unknown>;
  findings: Record<string, unknown>[];
}

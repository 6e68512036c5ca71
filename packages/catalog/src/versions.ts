import type { Artifact, ArtifactVersion, EditableFields, Lifecycle } from "@artifact-store/core";
import type { Database } from "./database";
import { type Row, toIsoOrNull } from "./row-values";
import { artifactFromRow, versionFromRow } from "./rows";

export interface EditRequest {
  /** Versions the caller's If-Match accepts; null when it sets no precondition. */
  acceptVersions: readonly number[] | null;
  changedBy: string;
  at: Date;
  /**
   * The new fields from the current ones, computed under the row lock (so tag adds never race).
   * Expiry and legal hold change with the version, but only the editable fields go to history.
   */
  change: (current: Artifact) => EditableFields & Lifecycle;
  /** Runs before commit, with the row still locked: a failure rolls the change back. */
  publish: (updated: Artifact) => Promise<void>;
}

export type EditOutcome =
  | { kind: "missing" }
  | { kind: "stale"; version: number }
  | { kind: "updated"; artifact: Artifact };

/** Versioned changes of an artifact's metadata, tags and visibility, and the states they replaced. */
export class ArtifactVersions {
  constructor(private readonly db: Database) {}

  /**
   * Locks the row, checks the precondition, keeps the current state in artifact_versions and
   * writes the new one with version + 1, conditional on the version it read: of two writers
   * holding the same version, exactly one wins.
   */
  edit(artifactId: string, request: EditRequest): Promise<EditOutcome> {
    return this.db.transaction(async (tx): Promise<EditOutcome> => {
      const [row] = await tx.query<Row>(
        "select * from artifacts where id = $1 and state <> 'deleted' for update",
        [artifactId],
      );
      if (!row) return { kind: "missing" };
      const current = artifactFromRow(row);
      if (request.acceptVersions && !request.acceptVersions.includes(current.version)) {
        return { kind: "stale", version: current.version };
      }
      const next = request.change(current);
      const at = request.at.toISOString();
      const [updated] = await tx.query<Row>(
        `update artifacts set metadata = $3::text::jsonb, tags = $4::text[], visibility = $5,
           version = version + 1, updated_at = $6::timestamptz, expires_at = $7::timestamptz,
           legal_hold = $8::boolean, legal_hold_by = $9, legal_hold_at = $10::timestamptz,
           legal_hold_reason = $11
         where id = $1 and version = $2 returning *`,
        [
          artifactId,
          current.version,
          JSON.stringify(next.metadata),
          next.tags,
          next.visibility,
          at,
          toIsoOrNull(next.expiresAt),
          next.legalHold !== null,
          next.legalHold?.setBy ?? null,
          toIsoOrNull(next.legalHold?.setAt),
          next.legalHold?.reason ?? null,
        ],
      );
      if (!updated) return { kind: "stale", version: current.version };
      await tx.query(
        `insert into artifact_versions (artifact_id, version, metadata, tags, visibility, changed_by, changed_at)
         values ($1, $2, $3::text::jsonb, $4::text[], $5, $6, $7::timestamptz)`,
        [
          artifactId,
          current.version,
          JSON.stringify(current.metadata),
          current.tags,
          current.visibility,
          request.changedBy,
          at,
        ],
      );
      const artifact = artifactFromRow(updated);
      await request.publish(artifact);
      return { kind: "updated", artifact };
    });
  }

  /** The states changes replaced, newest first. */
  async history(artifactId: string): Promise<ArtifactVersion[]> {
    const rows = await this.db.query<Row>(
      "select * from artifact_versions where artifact_id = $1 order by version desc",
      [artifactId],
    );
    return rows.map(versionFromRow);
  }
}

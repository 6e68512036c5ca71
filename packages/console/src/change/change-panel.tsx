import type { ArtifactView, UpdateArtifactInput } from "@artifact-store/client";
import { useEffect, useState } from "preact/hooks";
import { useSignedIn } from "../session/context";
import { isAdmin } from "../session/session";
import { splitList } from "../ui/format";
import { type Problem, problemOf } from "../ui/problem";
import { ProblemMessage } from "../ui/problem-message";

interface Draft {
  visibility: "private" | "public";
  tags: string;
  metadata: string;
  legalHold: boolean;
  legalHoldReason: string;
}

const draftOf = (artifact: ArtifactView): Draft => ({
  visibility: artifact.visibility,
  tags: artifact.tags.join(", "),
  metadata: JSON.stringify(artifact.metadata, null, 2),
  legalHold: Boolean(artifact.legalHold),
  legalHoldReason: artifact.legalHold?.reason ?? "",
});

/** Someone else saved a newer version between this page's read and its save. */
interface Conflict {
  mine: number;
  theirs: ArtifactView | null;
}

/**
 * Visibility, tags and metadata, saved as one new version with If-Match on the version shown, so
 * a change made meanwhile by someone else is never overwritten unless the person chooses to.
 */
export const ChangePanel = ({
  artifact,
  onChanged,
  onReload,
}: {
  artifact: ArtifactView;
  onChanged: (artifact: ArtifactView) => void;
  onReload: () => void;
}) => {
  const { client, session } = useSignedIn();
  const [draft, setDraft] = useState(() => draftOf(artifact));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  // A new version read is a new starting point.
  useEffect(() => setDraft(draftOf(artifact)), [artifact.id, artifact.version]);

  const changeOf = (): UpdateArtifactInput | null => {
    let metadata: unknown;
    try {
      metadata = JSON.parse(draft.metadata || "{}");
    } catch {
      setProblem({ message: 'Metadata must be JSON, such as {"lang": "en"}.' });
      return null;
    }
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
      setProblem({ message: "Metadata must be a JSON object (between { and })." });
      return null;
    }
    const change: UpdateArtifactInput = {
      visibility: draft.visibility,
      tags: { replace: splitList(draft.tags) },
      metadata: metadata as Record<string, unknown>,
    };
    if (isAdmin(session) && draft.legalHold !== Boolean(artifact.legalHold)) {
      change.legalHold = draft.legalHold;
      if (draft.legalHold && draft.legalHoldReason.trim())
        change.legalHoldReason = draft.legalHoldReason.trim();
    }
    return change;
  };

  const save = async (ifMatch: number | "*") => {
    setProblem(null);
    setSaved(false);
    const change = changeOf();
    if (!change) return;
    setBusy(true);
    try {
      const updated = await client.update(artifact.id, change, { ifMatch });
      setConflict(null);
      setSaved(true);
      onChanged(updated);
    } catch (error) {
      const found = problemOf(error);
      if (found.status === 412) {
        const theirs = await client.get(artifact.id).catch(() => null);
        setConflict({ mine: artifact.version, theirs });
      } else setProblem(found);
    } finally {
      setBusy(false);
    }
  };

  const field = <K extends keyof Draft>(name: K, value: Draft[K]) => setDraft({ ...draft, [name]: value });

  return (
    <section aria-labelledby="change-title">
      <h2 id="change-title">Tags, metadata and visibility</h2>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void save(artifact.version);
        }}
      >
        <div class="field">
          <label for="change-visibility">Visibility</label>
          <select
            id="change-visibility"
            value={draft.visibility}
            onChange={(event) => field("visibility", event.currentTarget.value as Draft["visibility"])}
          >
            <option value="private">Private: you, admins and those you share it with</option>
            <option value="public">Public: everyone signed in</option>
          </select>
        </div>
        <div class="field">
          <label for="change-tags">
            Tags <span class="hint">(comma-separated)</span>
          </label>
          <input
            id="change-tags"
            value={draft.tags}
            onInput={(event) => field("tags", event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="change-metadata">
            Metadata <span class="hint">(a JSON object)</span>
          </label>
          <textarea
            id="change-metadata"
            rows={5}
            spellcheck={false}
            value={draft.metadata}
            onInput={(event) => field("metadata", event.currentTarget.value)}
          />
        </div>
        {isAdmin(session) ? (
          <fieldset>
            <legend>Legal hold (admins)</legend>
            <label class="inline">
              <input
                type="checkbox"
                checked={draft.legalHold}
                onChange={(event) => field("legalHold", event.currentTarget.checked)}
              />{" "}
              Hold: no one can delete it while this is on
            </label>
            <label for="change-hold-reason">Reason</label>
            <input
              id="change-hold-reason"
              value={draft.legalHoldReason}
              onInput={(event) => field("legalHoldReason", event.currentTarget.value)}
            />
          </fieldset>
        ) : null}
        <div class="row">
          <button type="submit" disabled={busy}>
            Save changes
          </button>
          {saved ? (
            <span role="status" class="ok">
              Saved as version {artifact.version}.
            </span>
          ) : null}
        </div>
      </form>
      {conflict ? (
        <div class="problem conflict" role="alert">
          <strong>Someone else changed this artifact while you were editing</strong>
          <p>
            You started from version {conflict.mine}
            {conflict.theirs
              ? `; it is now at version ${conflict.theirs.version}, changed ${new Date(conflict.theirs.updatedAt).toLocaleString()}`
              : ""}
            . Your changes are not saved yet.
          </p>
          <div class="row">
            <button
              type="button"
              onClick={() => {
                setConflict(null);
                onReload();
              }}
            >
              Reload their version (discard mine)
            </button>
            <button type="button" class="danger" onClick={() => void save("*")} disabled={busy}>
              Overwrite with mine
            </button>
          </div>
        </div>
      ) : null}
      <ProblemMessage problem={problem} title="Not saved" />
    </section>
  );
};

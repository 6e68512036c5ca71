import type { ArtifactView } from "@artifact-store/client";
import { useState } from "preact/hooks";
import { useSignedIn } from "../session/context";
import { formatTime } from "../ui/format";
import { type Problem, problemOf } from "../ui/problem";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { useAsync } from "../ui/use-async";

/** Who else may see a private artifact, and until when. */
export const GrantsPanel = ({ artifact }: { artifact: ArtifactView }) => {
  const { client } = useSignedIn();
  const grants = useAsync(() => client.listGrants(artifact.id), [artifact.id]);
  const [grantee, setGrantee] = useState("");
  const [until, setUntil] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
      grants.reload();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="grants-title">
      <h2 id="grants-title">Shared with</h2>
      {artifact.visibility === "public" ? (
        <p class="hint">This artifact is public: everyone signed in can see it, grants or not.</p>
      ) : null}
      {grants.loading && !grants.value ? <Loading what="the grants" /> : null}
      <ProblemMessage problem={grants.problem} />
      {grants.value && grants.value.length === 0 ? <p class="empty">Not shared with anyone.</p> : null}
      {grants.value && grants.value.length > 0 ? (
        <ul class="grants">
          {grants.value.map((grant) => (
            <li key={grant.grantee}>
              <span>
                <strong>{grant.grantee}</strong>{" "}
                <span class="hint">
                  {grant.expiresAt ? `until ${formatTime(grant.expiresAt)}` : "no expiry"}, by{" "}
                  {grant.grantedBy}
                </span>
              </span>
              <button
                type="button"
                class="secondary"
                disabled={busy}
                aria-label={`Stop sharing with ${grant.grantee}`}
                onClick={() => void run(() => client.revokeGrant(artifact.id, grant.grantee))}
              >
                Stop sharing
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form
        class="row wrap"
        onSubmit={(event) => {
          event.preventDefault();
          const expiresAt = until ? new Date(until) : undefined;
          void run(async () => {
            await client.grant(artifact.id, grantee.trim(), expiresAt);
            setGrantee("");
            setUntil("");
          });
        }}
      >
        <div class="field">
          <label for="grant-user">Share with user</label>
          <input
            id="grant-user"
            required
            value={grantee}
            onInput={(event) => setGrantee(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="grant-until">
            Until <span class="hint">(optional)</span>
          </label>
          <input
            id="grant-until"
            type="datetime-local"
            value={until}
            onInput={(event) => setUntil(event.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy || grantee.trim() === ""}>
          Share
        </button>
      </form>
      <ProblemMessage problem={problem} title="Sharing failed" />
    </section>
  );
};

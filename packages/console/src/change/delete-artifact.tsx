import type { ArtifactView } from "@artifact-store/client";
import { useRef, useState } from "preact/hooks";
import { navigate } from "../routing/hash-route";
import { useSignedIn } from "../session/context";
import { type Problem, problemOf } from "../ui/problem";
import { ProblemMessage } from "../ui/problem-message";

/** Delete, behind a dialog that names what goes. */
export const DeleteArtifact = ({ artifact }: { artifact: ArtifactView }) => {
  const { client } = useSignedIn();
  const dialog = useRef<HTMLDialogElement>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const remove = async () => {
    setBusy(true);
    try {
      await client.delete(artifact.id);
      dialog.current?.close();
      navigate("/");
    } catch (error) {
      setProblem(problemOf(error));
      dialog.current?.close();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="delete-title" class="danger-zone">
      <h2 id="delete-title">Delete</h2>
      <button type="button" class="danger" onClick={() => dialog.current?.showModal()}>
        Delete this artifact…
      </button>
      <dialog ref={dialog} aria-labelledby="delete-dialog-title">
        <h2 id="delete-dialog-title">Delete {artifact.filename}?</h2>
        <p>Its bytes and its record go; those it is shared with lose it too. This cannot be undone here.</p>
        <div class="row">
          <button type="button" class="danger" onClick={() => void remove()} disabled={busy}>
            Delete
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()} autofocus>
            Keep it
          </button>
        </div>
      </dialog>
      <ProblemMessage problem={problem} title="Not deleted" />
    </section>
  );
};

import type { BackupReport, BackupSnapshotView, RestoreReport } from "@artifact-store/client";
import { useRef, useState } from "preact/hooks";
import { useSignedIn } from "../session/context";
import { formatBytes, formatTime, splitList } from "../ui/format";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { useAsync } from "../ui/use-async";
import { refusal } from "./refusal";
import { useAction } from "./use-action";

/** Snapshots of the catalogue and its content: take one now, list them, restore from one. */
export const BackupsSection = () => {
  const { client } = useSignedIn();
  const backups = useAsync(() => client.listBackups(), []);
  const take = useAction();
  const [taken, setTaken] = useState<BackupReport | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const snapshot = backups.value?.snapshots.find((each) => each.id === selected) ?? null;
  const refused = refusal(backups.problem);
  if (refused) return refused;

  return (
    <>
      <section aria-labelledby="backup-now-title">
        <h2 id="backup-now-title">Back up now</h2>
        <p class="hint">
          Also scheduled. A snapshot holds every artifact record; content the content store lacks is copied
          server-side. Retention then removes the snapshots no longer kept.
        </p>
        <div class="row">
          <button
            type="button"
            disabled={take.busy}
            onClick={() =>
              void take.run(async () => {
                setTaken(await client.backupNow());
                backups.reload();
              })
            }
          >
            {take.busy ? "Taking a backup…" : "Take a backup now"}
          </button>
          {taken ? (
            <p class="ok" role="status">
              Snapshot {taken.snapshot.id} taken: {taken.snapshot.artifacts} artifacts,{" "}
              {taken.snapshot.copied} objects copied ({formatBytes(taken.snapshot.copiedBytes)})
              {taken.resumed ? ", resuming a run that was cut off" : ""}
              {taken.pruned.snapshots.length > 0
                ? `; ${taken.pruned.snapshots.length} old snapshots removed`
                : ""}
              .
            </p>
          ) : null}
        </div>
        <ProblemMessage problem={take.problem} title="No backup taken" />
      </section>

      <section aria-labelledby="snapshots-title">
        <h2 id="snapshots-title">Snapshots</h2>
        {backups.loading ? <Loading what="the snapshots" /> : null}
        <ProblemMessage problem={backups.problem} title="Could not list the snapshots" />
        {backups.value && backups.value.snapshots.length === 0 ? <p class="empty">No snapshot yet.</p> : null}
        {backups.value && backups.value.snapshots.length > 0 ? (
          <div class="table-scroll">
            <table class="stacked snapshots">
              <caption class="visually-hidden">Snapshots, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Taken</th>
                  <th scope="col">Snapshot</th>
                  <th scope="col">Artifacts</th>
                  <th scope="col">Content</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {backups.value.snapshots.map((each) => (
                  <tr key={each.id} data-snapshot={each.id}>
                    <td data-label="Taken">{formatTime(each.takenAt)}</td>
                    <td data-label="Snapshot" class="wrap-anywhere">
                      <code>{each.id}</code>
                    </td>
                    <td data-label="Artifacts">{each.artifacts}</td>
                    <td data-label="Content">{formatBytes(each.bytes)}</td>
                    <td data-label="">
                      <button
                        type="button"
                        class="secondary"
                        aria-pressed={selected === each.id}
                        aria-label={`Restore from the snapshot of ${formatTime(each.takenAt)}`}
                        onClick={() => setSelected(selected === each.id ? null : each.id)}
                      >
                        Restore…
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {snapshot ? <Restore key={snapshot.id} snapshot={snapshot} /> : null}
    </>
  );
};

/** A dry run lists what a restore would change; the real one asks once more. */
const Restore = ({ snapshot }: { snapshot: BackupSnapshotView }) => {
  const { client } = useSignedIn();
  const [owner, setOwner] = useState("");
  const [tags, setTags] = useState("");
  const [overwriteNewer, setOverwriteNewer] = useState(false);
  const [report, setReport] = useState<RestoreReport | null>(null);
  const restore = useAction();
  const confirm = useRef<HTMLDialogElement>(null);
  const request = (dryRun: boolean) => ({
    dryRun,
    overwriteNewer,
    ...(owner.trim() ? { owner: owner.trim() } : {}),
    ...(splitList(tags).length > 0 ? { tags: splitList(tags) } : {}),
  });
  const run = (dryRun: boolean) =>
    void restore.run(async () => {
      setReport(null);
      confirm.current?.close();
      setReport(await client.restoreBackup(snapshot.id, request(dryRun)));
    });

  return (
    <section aria-labelledby="restore-title">
      <h2 id="restore-title">Restore from the snapshot of {formatTime(snapshot.takenAt)}</h2>
      <div class="row wrap">
        <div class="field">
          <label for="restore-owner">
            Only this owner's <span class="hint">(optional)</span>
          </label>
          <input id="restore-owner" value={owner} onInput={(event) => setOwner(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="restore-tags">
            Only with tags <span class="hint">(comma-separated, optional)</span>
          </label>
          <input id="restore-tags" value={tags} onInput={(event) => setTags(event.currentTarget.value)} />
        </div>
      </div>
      <p>
        <label class="inline">
          <input
            type="checkbox"
            checked={overwriteNewer}
            onChange={(event) => setOverwriteNewer(event.currentTarget.checked)}
          />{" "}
          Also replace records changed after the snapshot
        </label>
      </p>
      <div class="row">
        <button type="button" disabled={restore.busy} onClick={() => run(true)}>
          Dry run
        </button>
        <button
          type="button"
          class="danger"
          disabled={restore.busy}
          onClick={() => confirm.current?.showModal()}
        >
          Restore…
        </button>
        {restore.busy ? <Loading what="the restore's report" /> : null}
      </div>
      <dialog ref={confirm} aria-labelledby="restore-dialog-title">
        <h2 id="restore-dialog-title">Restore from {formatTime(snapshot.takenAt)}?</h2>
        <p>
          Records the selection matches are written back to the catalogue and their bytes copied back. A dry
          run first shows what changes.
        </p>
        <div class="row">
          <button type="button" class="danger" onClick={() => run(false)}>
            Restore
          </button>
          <button type="button" class="secondary" onClick={() => confirm.current?.close()} autofocus>
            Cancel
          </button>
        </div>
      </dialog>
      <ProblemMessage problem={restore.problem} title="Restore failed" />
      {report ? <RestoreResult report={report} /> : null}
    </section>
  );
};

const ACTIONS: Record<RestoreReport["changes"][number]["action"], string> = {
  create: "create (not in the catalogue)",
  replace: "replace the catalogue's record",
  keep_newer: "keep (changed since the snapshot)",
};

const RestoreResult = ({ report }: { report: RestoreReport }) => (
  <div class="restore-report">
    <p role="status" class={report.mismatched.length > 0 ? "warn" : "ok"}>
      {report.dryRun
        ? `Dry run: ${report.selected} records selected; nothing was changed.`
        : `Restored ${report.restored} of ${report.selected} records; ${report.copied} objects copied back (${formatBytes(report.copiedBytes)}).`}
      {report.mismatched.length > 0
        ? ` ${report.mismatched.length} read back with another SHA-256 (now corrupt).`
        : ""}
    </p>
    {report.changes.length > 0 ? (
      <div class="table-scroll">
        <table class="stacked restore-changes">
          <caption class="visually-hidden">
            {report.dryRun ? "What a restore would do" : "What the restore did"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Artifact</th>
              <th scope="col">Owner</th>
              <th scope="col">{report.dryRun ? "Would" : "Did"}</th>
            </tr>
          </thead>
          <tbody>
            {report.changes.map((change) => (
              <tr key={change.id}>
                <td data-label="Artifact" class="wrap-anywhere">
                  {change.filename}
                </td>
                <td data-label="Owner" class="wrap-anywhere">
                  {change.ownerId}
                </td>
                <td data-label={report.dryRun ? "Would" : "Did"}>{ACTIONS[change.action]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    ) : null}
  </div>
);

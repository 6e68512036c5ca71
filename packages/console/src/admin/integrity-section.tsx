import type { IntegrityRunView } from "@artifact-store/client";
import { href } from "../routing/hash-route";
import { useSignedIn } from "../session/context";
import { formatBytes, formatTime } from "../ui/format";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { useAsync } from "../ui/use-async";
import { refusal } from "./refusal";
import { useAction } from "./use-action";

const RUNS = {
  scrub: { label: "Run a scrub now", says: "re-reads verified artifacts, least recently verified first" },
  reconcile: { label: "Run a reconcile now", says: "compares the catalogue with the bucket" },
} as const;

/** Scrub and reconcile reports, running one now, and the artifacts found corrupt. */
export const IntegritySection = () => {
  const { client } = useSignedIn();
  const reports = useAsync(() => client.integrityReport({ limit: 10 }), []);
  const corrupt = useAsync(() => client.search({ state: ["corrupt"], limit: 100 }), []);
  const runNow = useAction();
  const refused = refusal(reports.problem);
  if (refused) return refused;

  return (
    <>
      <section aria-labelledby="integrity-run-title">
        <h2 id="integrity-run-title">Check now</h2>
        <p class="hint">
          Both run on a schedule too. A scrub {RUNS.scrub.says}; a reconcile {RUNS.reconcile.says} and closes
          uploads left open past their expiry.
        </p>
        <div class="row">
          {(["scrub", "reconcile"] as const).map((kind) => (
            <button
              key={kind}
              type="button"
              disabled={runNow.busy}
              onClick={() =>
                void runNow.run(async () => {
                  await (kind === "scrub" ? client.scrub() : client.reconcile());
                  reports.reload();
                  corrupt.reload();
                })
              }
            >
              {RUNS[kind].label}
            </button>
          ))}
          {runNow.busy ? <Loading what="the run's report" /> : null}
        </div>
        <ProblemMessage problem={runNow.problem} title="The run failed" />
      </section>

      <section aria-labelledby="corrupt-title">
        <h2 id="corrupt-title">Corrupt artifacts</h2>
        {corrupt.loading ? <Loading what="the corrupt artifacts" /> : null}
        <ProblemMessage problem={corrupt.problem} title="Could not list the corrupt artifacts" />
        {corrupt.value && corrupt.value.artifacts.length === 0 ? (
          <p class="ok corrupt-none">No artifact is corrupt.</p>
        ) : null}
        {corrupt.value && corrupt.value.artifacts.length > 0 ? (
          <ul class="corrupt-list">
            {corrupt.value.artifacts.map((artifact) => (
              <li key={artifact.id}>
                <a href={href(`/artifacts/${encodeURIComponent(artifact.id)}`)}>{artifact.filename}</a>{" "}
                <span class="hint">
                  {artifact.ownerId} · {formatBytes(artifact.size)} ·{" "}
                  {artifact.integrity?.reason ?? "corrupt"} ({formatTime(artifact.integrity?.checkedAt)})
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="integrity-reports-title">
        <h2 id="integrity-reports-title">Latest reports</h2>
        {reports.loading ? <Loading what="the reports" /> : null}
        <ProblemMessage problem={reports.problem} title="Could not read the reports" />
        {reports.value && reports.value.runs.length === 0 ? (
          <p class="empty">No scrub or reconcile has run yet.</p>
        ) : null}
        {reports.value?.runs.map((run) => (
          <IntegrityRun key={run.id} run={run} />
        ))}
      </section>
    </>
  );
};

/** "objectsWithoutRecord" -> "objects without record". */
const words = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

/** {details: {actual: "a"}} -> [["details actual", "a"]]: a finding's facts, one a line. */
const flatten = (value: Record<string, unknown>, prefix = ""): [string, string][] =>
  Object.entries(value).flatMap(([name, each]): [string, string][] =>
    each !== null && typeof each === "object" && !Array.isArray(each)
      ? // "details" says nothing its keys (expected, actual) do not.
        flatten(each as Record<string, unknown>, name === "details" ? prefix : `${prefix}${words(name)} `)
      : [[`${prefix}${words(name)}`, typeof each === "string" ? each : JSON.stringify(each)]],
  );

const IntegrityRun = ({ run }: { run: IntegrityRunView }) => (
  <article class="card integrity-run" data-kind={run.kind}>
    <h3>
      {run.kind === "scrub" ? "Scrub" : "Reconcile"} of {formatTime(run.startedAt)}{" "}
      {run.finishedAt ? null : <span class="badge">running</span>}
    </h3>
    <dl class="summary">
      {Object.entries(run.summary).map(([name, value]) => (
        <div key={name}>
          <dt>{words(name)}</dt>
          <dd>
            {name.toLowerCase().endsWith("bytes") && typeof value === "number"
              ? formatBytes(value)
              : String(value)}
          </dd>
        </div>
      ))}
    </dl>
    {run.findings.length === 0 ? (
      <p class="ok">Nothing found.</p>
    ) : (
      <div class="table-scroll">
        <table class="stacked">
          <caption class="visually-hidden">Findings</caption>
          <thead>
            <tr>
              <th scope="col">Finding</th>
              <th scope="col">Artifact</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {run.findings.map((finding, index) => {
              const { kind, artifactId, ...details } = finding;
              return (
                // A finding has no id; a finished report's order never changes.
                <tr key={index}>
                  <td data-label="Finding">{words(String(kind ?? "finding")).replaceAll("_", " ")}</td>
                  <td data-label="Artifact" class="wrap-anywhere">
                    {typeof artifactId === "string" ? (
                      <a href={href(`/artifacts/${encodeURIComponent(artifactId)}`)}>{artifactId}</a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td data-label="Details">
                    <dl class="finding-details">
                      {flatten(details).map(([name, value]) => (
                        <div key={name}>
                          <dt>{name}</dt>
                          <dd class="wrap-anywhere">{value}</dd>
                        </div>
                      ))}
                    </dl>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    )}
  </article>
);

import type { ArtifactView } from "@artifact-store/client";
import { useSignedIn } from "../session/context";
import { formatTime } from "../ui/format";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { useAsync } from "../ui/use-async";

/** Every version of the editable fields, newest first. */
export const VersionsPanel = ({ artifact }: { artifact: ArtifactView }) => {
  const { client } = useSignedIn();
  const history = useAsync(() => client.history(artifact.id), [artifact.id, artifact.version]);
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <ProblemMessage problem={history.problem} />
      {history.loading && !history.value ? <Loading what="the versions" /> : null}
      {history.value ? (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard
        <section class="table-scroll" tabIndex={0} aria-label="Versions">
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Visibility</th>
                <th scope="col">Tags</th>
                <th scope="col">Metadata</th>
                <th scope="col">Replaced</th>
              </tr>
            </thead>
            <tbody>
              {history.value.versions.map((version) => (
                <tr key={version.version}>
                  <td>{version.version}</td>
                  <td>{version.visibility}</td>
                  <td>{version.tags.join(", ") || "—"}</td>
                  <td>
                    <code>{JSON.stringify(version.metadata)}</code>
                  </td>
                  <td>
                    {version.replacedAt
                      ? `${formatTime(version.replacedAt)} by ${version.replacedBy}`
                      : "current"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </section>
  );
};

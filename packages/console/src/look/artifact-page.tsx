import type { ArtifactView } from "@artifact-store/client";
import { ChangePanel } from "../change/change-panel";
import { DeleteArtifact } from "../change/delete-artifact";
import { GrantsPanel } from "../change/grants-panel";
import { href } from "../routing/hash-route";
import { useSignedIn } from "../session/context";
import { isAdmin } from "../session/session";
import { formatBytes, formatTime } from "../ui/format";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { StateBadge } from "../ui/state-badge";
import { useAsync } from "../ui/use-async";
import { Preview } from "./preview";
import { VersionsPanel } from "./versions-panel";

export const ArtifactPage = ({ id }: { id: string }) => {
  const { client, session } = useSignedIn();
  const artifact = useAsync(() => client.get(id), [id]);

  if (artifact.problem) {
    const notFound = artifact.problem.status === 404;
    return (
      <main id="main">
        <h1>{notFound ? "Artifact not found" : "Could not open the artifact"}</h1>
        <ProblemMessage
          problem={
            notFound
              ? { message: "There is no such artifact, or it is not shared with you." }
              : artifact.problem
          }
          title={notFound ? "Not found" : undefined}
        />
        <p>
          <a href={href("/")}>Back to the search</a>
        </p>
      </main>
    );
  }
  if (!artifact.value) {
    return (
      <main id="main">
        <Loading what="the artifact" />
      </main>
    );
  }
  const current = artifact.value;
  const mine = current.ownerId === session.user || isAdmin(session);
  return (
    <main id="main" class="artifact">
      <header class="artifact-head">
        <h1>{current.filename}</h1>
        <div class="row">
          <StateBadge state={current.state} />
          <span class="badge">{current.visibility}</span>
          <DownloadButton artifact={current} />
        </div>
      </header>
      <Preview artifact={current} />
      <div class="columns">
        <Details artifact={current} />
        <Integrity artifact={current} />
        <Provenance artifact={current} />
      </div>
      {mine ? (
        <>
          <ChangePanel artifact={current} onChanged={artifact.set} onReload={artifact.reload} />
          <GrantsPanel artifact={current} />
          <VersionsPanel artifact={current} />
          <DeleteArtifact artifact={current} />
        </>
      ) : (
        <section aria-labelledby="tags-title">
          <h2 id="tags-title">Tags and metadata</h2>
          <TagList tags={current.tags} />
          <pre class="metadata">{JSON.stringify(current.metadata, null, 2)}</pre>
        </section>
      )}
    </main>
  );
};

const DownloadButton = ({ artifact }: { artifact: ArtifactView }) => {
  const { client } = useSignedIn();
  const download = async () => {
    // A fresh short-lived URL per click; storage answers it as an attachment.
    const { url } = await client.downloadUrl(artifact.id);
    window.location.assign(url);
  };
  return (
    <button type="button" onClick={() => void download()} disabled={artifact.state === "pending"}>
      Download
    </button>
  );
};

export const TagList = ({ tags }: { tags: string[] }) =>
  tags.length === 0 ? (
    <p class="empty">No tags.</p>
  ) : (
    <ul class="tags" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag}>
          <a class="tag" href={href("/", new URLSearchParams({ tags: tag }))}>
            {tag}
          </a>
        </li>
      ))}
    </ul>
  );

const Facts = ({ rows }: { rows: [string, preact.ComponentChildren][] }) => (
  <dl class="facts">
    {rows.map(([name, value]) => (
      <div key={name}>
        <dt>{name}</dt>
        <dd>{value ?? "—"}</dd>
      </div>
    ))}
  </dl>
);

const Details = ({ artifact }: { artifact: ArtifactView }) => (
  <section aria-labelledby="details-title">
    <h2 id="details-title">Details</h2>
    <Facts
      rows={[
        ["Id", <code key="id">{artifact.id}</code>],
        ["Owner", artifact.ownerId],
        ["Type", artifact.contentType],
        ["Size", `${formatBytes(artifact.size)} (${artifact.size.toLocaleString()} bytes)`],
        ["SHA-256", artifact.sha256 ? <code class="hash">{artifact.sha256}</code> : "not yet known"],
        ["Created", formatTime(artifact.createdAt)],
        ["Uploaded", formatTime(artifact.uploadedAt)],
        ["Changed", `${formatTime(artifact.updatedAt)} (version ${artifact.version})`],
        ["Expires", artifact.expiresAt ? formatTime(artifact.expiresAt) : "never"],
        [
          "Legal hold",
          artifact.legalHold
            ? `on, by ${artifact.legalHold.setBy} (${artifact.legalHold.reason ?? "no reason given"})`
            : "off",
        ],
      ]}
    />
  </section>
);

const INTEGRITY_WORDS: Record<string, string> = {
  unverified: "not checked yet",
  verified: "the stored bytes match the SHA-256",
  corrupt: "the stored bytes do not match",
};

const Integrity = ({ artifact }: { artifact: ArtifactView }) => {
  const integrity = artifact.integrity;
  if (!integrity) return null;
  return (
    <section aria-labelledby="integrity-title">
      <h2 id="integrity-title">Integrity</h2>
      <Facts
        rows={[
          ["State", `${integrity.state}: ${INTEGRITY_WORDS[integrity.state] ?? ""}`],
          ...(integrity.reason
            ? ([["Reason", integrity.reason.replaceAll("_", " ")]] as [string, string][])
            : []),
          ["Last checked", formatTime(integrity.checkedAt)],
          ["Verified", formatTime(integrity.verifiedAt)],
          [
            "Sniffed type",
            integrity.sniffedType
              ? `${integrity.sniffedType}${integrity.contentTypeMismatch ? " (contradicts the declared type)" : ""}`
              : "—",
          ],
        ]}
      />
    </section>
  );
};

const Provenance = ({ artifact }: { artifact: ArtifactView }) => {
  const provenance = artifact.provenance;
  return (
    <section aria-labelledby="provenance-title">
      <h2 id="provenance-title">Provenance</h2>
      {provenance ? (
        <Facts
          rows={[
            ["Source URL", provenance.sourceUrl ? <span class="url">{provenance.sourceUrl}</span> : null],
            ["Final URL", provenance.finalUrl ? <span class="url">{provenance.finalUrl}</span> : null],
            ["HTTP status", provenance.httpStatus],
            ["Fetched", formatTime(provenance.fetchedAt)],
            [
              "Job",
              provenance.jobId ? (
                <a href={href("/", new URLSearchParams({ jobId: provenance.jobId }))}>{provenance.jobId}</a>
              ) : null,
            ],
            [
              "Run",
              provenance.runId ? (
                <a href={href("/", new URLSearchParams({ runId: provenance.runId }))}>{provenance.runId}</a>
              ) : null,
            ],
            ["User agent", provenance.userAgent],
            [
              "Headers",
              Object.keys(provenance.headers).length > 0 ? (
                <pre class="metadata">{JSON.stringify(provenance.headers, null, 2)}</pre>
              ) : null,
            ],
          ]}
        />
      ) : (
        <p class="empty">No crawl provenance was recorded.</p>
      )}
    </section>
  );
};

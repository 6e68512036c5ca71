import type { ArtifactStoreClient, ArtifactView } from "@artifact-store/client";
import { useEffect, useState } from "preact/hooks";
import { useSignedIn } from "../session/context";
import { formatBytes } from "../ui/format";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { useAsync } from "../ui/use-async";
import { csvRows, inertHtml, PDF_PREVIEW_BYTES, previewKindOf, TEXT_PREVIEW_BYTES } from "./preview-kind";

interface Text {
  text: string;
  /** Only the first TEXT_PREVIEW_BYTES were fetched. */
  cut: boolean;
}

/** The first bytes of a text artifact, straight from storage through its presigned URL. */
const fetchText = async (client: ArtifactStoreClient, artifact: ArtifactView): Promise<Text> => {
  const { url } = await client.downloadUrl(artifact.id);
  const cut = artifact.size > TEXT_PREVIEW_BYTES;
  const response = await fetch(url, cut ? { headers: { range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` } } : {});
  if (!response.ok) throw new Error(`Storage answered HTTP ${response.status}.`);
  const bytes = new Uint8Array(await response.arrayBuffer()).slice(0, TEXT_PREVIEW_BYTES);
  return { text: new TextDecoder().decode(bytes), cut };
};

export const Preview = ({ artifact }: { artifact: ArtifactView }) => {
  const kind = previewKindOf(artifact);
  if (artifact.state === "pending" || artifact.state === "deleted") return null;
  return (
    <section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      {kind === "image" ? <ImagePreview artifact={artifact} /> : null}
      {kind === "pdf" ? <PdfPreview artifact={artifact} /> : null}
      {kind === "html" || kind === "json" || kind === "csv" || kind === "text" ? (
        <TextPreview artifact={artifact} kind={kind} />
      ) : null}
      {kind === "none" ? (
        <p class="empty">No preview for {artifact.contentType}: download it to open it.</p>
      ) : null}
    </section>
  );
};

const ImagePreview = ({ artifact }: { artifact: ArtifactView }) => {
  const { client } = useSignedIn();
  const link = useAsync(() => client.downloadUrl(artifact.id), [artifact.id]);
  if (link.problem) return <ProblemMessage problem={link.problem} title="No preview" />;
  if (!link.value) return <Loading what="the image" />;
  // An <img> never runs scripts, SVG ones included.
  return <img class="preview-image" src={link.value.url} alt={`Preview of ${artifact.filename}`} />;
};

const PdfPreview = ({ artifact }: { artifact: ArtifactView }) => {
  const { client } = useSignedIn();
  const [url, setUrl] = useState<string | null>(null);
  const tooLarge = artifact.size > PDF_PREVIEW_BYTES;
  // Fetched into a Blob: the presigned URL answers as an attachment, which a frame would download.
  const blob = useAsync(
    async () =>
      tooLarge
        ? null
        : new Blob([await (await client.download(artifact.id)).arrayBuffer()], { type: "application/pdf" }),
    [artifact.id],
  );
  useEffect(() => {
    if (!blob.value) return;
    const objectUrl = URL.createObjectURL(blob.value);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [blob.value]);
  if (tooLarge) return <p class="empty">This PDF is {formatBytes(artifact.size)}: download it to read it.</p>;
  if (blob.problem) return <ProblemMessage problem={blob.problem} title="No preview" />;
  if (!url) return <Loading what="the PDF" />;
  return <iframe class="preview-frame" title={`PDF preview of ${artifact.filename}`} src={url} />;
};

const TextPreview = ({
  artifact,
  kind,
}: {
  artifact: ArtifactView;
  kind: "html" | "json" | "csv" | "text";
}) => {
  const { client } = useSignedIn();
  const text = useAsync(() => fetchText(client, artifact), [artifact.id]);
  const [asSource, setAsSource] = useState(kind !== "html");
  if (text.problem) return <ProblemMessage problem={text.problem} title="No preview" />;
  if (!text.value) return <Loading what="the preview" />;
  const { text: body, cut } = text.value;
  return (
    <div>
      {cut ? (
        <p class="hint">
          Showing the first {formatBytes(TEXT_PREVIEW_BYTES)} of {formatBytes(artifact.size)}.
        </p>
      ) : null}
      {kind === "html" ? (
        <fieldset class="row plain">
          <legend class="visually-hidden">How to show the page</legend>
          <button type="button" class="chip" aria-pressed={!asSource} onClick={() => setAsSource(false)}>
            Rendered (scripts off)
          </button>
          <button type="button" class="chip" aria-pressed={asSource} onClick={() => setAsSource(true)}>
            Source
          </button>
        </fieldset>
      ) : null}
      {kind === "html" && !asSource ? (
        // sandbox="" : no scripts, no forms, no popups, and an opaque origin of its own, so the
        // captured page can reach neither this console nor its token.
        <iframe
          class="preview-frame"
          title={`Rendered preview of ${artifact.filename}`}
          sandbox=""
          referrerpolicy="no-referrer"
          srcdoc={inertHtml(body)}
        />
      ) : kind === "csv" ? (
        <CsvTable text={body} />
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard
        <pre class="preview-text" tabIndex={0}>
          {kind === "json" && !cut ? prettyJson(body) : body}
        </pre>
      )}
    </div>
  );
};

const prettyJson = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

const CsvTable = ({ text }: { text: string }) => {
  const [header, ...rows] = csvRows(text, 101);
  if (!header) return <p class="empty">The file is empty.</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard
    <section class="table-scroll" tabIndex={0} aria-label="CSV preview">
      <table>
        <thead>
          <tr>
            {header.map((cell, index) => (
              <th key={index} scope="col">
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {row.map((cell, index) => (
                <td key={index}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};

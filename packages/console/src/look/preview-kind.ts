import type { ArtifactView } from "@artifact-store/client";

export type PreviewKind = "image" | "pdf" | "html" | "json" | "csv" | "text" | "none";

const TEXT_TYPES = new Set([
  "application/xml",
  "application/javascript",
  "application/x-ndjson",
  "application/yaml",
  "application/x-yaml",
  "application/toml",
]);

/** How an artifact is previewed, by its declared type (a sniffed type that contradicts it wins). */
export const previewKindOf = (artifact: ArtifactView): PreviewKind => {
  const declared = artifact.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const type =
    artifact.integrity?.contentTypeMismatch && artifact.integrity.sniffedType
      ? artifact.integrity.sniffedType
      : declared;
  if (type.startsWith("image/")) return "image";
  if (type === "application/pdf") return "pdf";
  if (type === "text/html" || type === "application/xhtml+xml") return "html";
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (type === "text/csv") return "csv";
  if (type.startsWith("text/") || TEXT_TYPES.has(type)) return "text";
  return "none";
};

/** At most this much of a text is fetched and shown. */
export const TEXT_PREVIEW_BYTES = 256 * 1024;
/** PDFs above this are not fetched for a preview. */
export const PDF_PREVIEW_BYTES = 20 * 1024 * 1024;

/**
 * A captured page as a sandboxed document may show it: no scripts (the iframe's sandbox), and no
 * requests of its own (this policy), so opening a capture tells no one that it was opened.
 */
export const inertHtml = (html: string): string =>
  `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">${html}`;

/** A CSV's first rows as cells, quotes and doubled quotes understood. */
export const csvRows = (text: string, maxRows: number): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < text.length && rows.length < maxRows; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  if ((cell !== "" || row.length > 0) && rows.length < maxRows) rows.push([...row, cell]);
  return rows;
};

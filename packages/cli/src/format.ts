// How numbers, errors and tables look on the terminal.
import { ArtifactStoreError, UploadInterruptedError } from "@artifact-store/client";

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export const bytes = (count: number): string => {
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
};

export const rate = (bytesPerSecond: number): string => `${bytes(Math.round(bytesPerSecond))}/s`;

export const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return "-";
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
};

/** An error as JSON lines and --json answers carry it: the API's code where there is one. */
export const errorJson = (error: unknown): { code: string; message: string; status?: number } => {
  const inner = error instanceof UploadInterruptedError ? error.cause : error;
  if (inner instanceof ArtifactStoreError)
    return { code: inner.code, message: inner.message, status: inner.status };
  const code = (inner as { code?: unknown } | null)?.code;
  return {
    code: typeof code === "string" ? code : inner instanceof Error ? inner.name : "error",
    message: inner instanceof Error ? inner.message : String(inner),
  };
};

/** One line for people: `403 insufficient_scope: ...` for API errors, the message otherwise. */
export const errorLine = (error: unknown): string => {
  const inner = error instanceof UploadInterruptedError ? error.cause : error;
  if (inner instanceof ArtifactStoreError) return `${inner.status} ${inner.code}: ${inner.message}`;
  return inner instanceof Error ? inner.message : String(inner);
};

/** Columns padded to their widest cell; the last column is not padded. */
export const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
};

/** Shortens a name to `width` characters, keeping its end (where the extension and the distinct part are). */
export const fit = (name: string, width: number): string =>
  name.length <= width ? name.padEnd(width) : `…${name.slice(name.length - width + 1)}`;

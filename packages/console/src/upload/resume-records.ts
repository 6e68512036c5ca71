// Uploads left unfinished (tab closed, page reloaded, paused), so choosing the same file again
// continues the same upload: only the parts storage does not hold yet are sent. A File cannot
// outlive the page, so the person picks it again; these records say which upload it belongs to.
const KEY = "artifact-store.console.unfinished-uploads";

export interface UnfinishedUpload {
  uploadId: string;
  user: string;
  filename: string;
  size: number;
  lastModified: number;
  startedAt: string;
}

/** The same file, as far as a browser can tell without reading it again. */
export const fingerprintOf = (user: string, file: { name: string; size: number; lastModified: number }) =>
  `${user}\n${file.name}\n${file.size}\n${file.lastModified}`;

const readAll = (): Record<string, UnfinishedUpload> => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "{}") as Record<string, UnfinishedUpload>;
  } catch {
    return {};
  }
};

const writeAll = (records: Record<string, UnfinishedUpload>) =>
  localStorage.setItem(KEY, JSON.stringify(records));

export const unfinishedUploads = (user: string): UnfinishedUpload[] =>
  Object.values(readAll()).filter((record) => record.user === user);

export const findUnfinished = (user: string, file: File): UnfinishedUpload | undefined =>
  readAll()[fingerprintOf(user, file)];

export const rememberUnfinished = (record: UnfinishedUpload): void => {
  writeAll({ ...readAll(), [fingerprintOf(record.user, { name: record.filename, ...record })]: record });
};

export const forgetUnfinished = (
  user: string,
  file: { name: string; size: number; lastModified: number },
) => {
  const records = readAll();
  delete records[fingerprintOf(user, file)];
  writeAll(records);
};

export const forgetUnfinishedById = (uploadId: string): void => {
  writeAll(
    Object.fromEntries(Object.entries(readAll()).filter(([, record]) => record.uploadId !== uploadId)),
  );
};

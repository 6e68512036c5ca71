/** Something about the storage server an operator must know: an event name and its details. */
export type StorageWarning = (event: string, fields: Record<string, unknown>) => void;

/**
 * One JSON line on stdout, shaped as the API's own log lines (packages/http/src/log.ts), which this
 * package cannot import; quiet only under LOG_LEVEL=error or silent.
 */
export const logStorageWarning: StorageWarning = (event, fields) => {
  if (["error", "silent"].includes(process.env.LOG_LEVEL ?? "")) return;
  console.log(JSON.stringify({ time: new Date().toISOString(), level: "warn", event, ...fields }));
};

type Level = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** LOG_LEVEL's order, read on the first event (scripts may set LOG_LEVEL after their imports ran). */
let threshold: number | undefined;

/** One JSON line per event on stdout: what Lambda, CloudWatch and any log shipper read best. */
export const log = (
  level: Exclude<Level, "silent">,
  event: string,
  fields: Record<string, unknown>,
): void => {
  threshold ??= ORDER[(process.env.LOG_LEVEL as Level) || "info"] ?? ORDER.info;
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
};

// Where the CLI finds the API and its credential: flags, then the environment, then the saved login.
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export const DEFAULT_URL = "http://127.0.0.1:8787";

/** $XDG_CONFIG_HOME/artifact-store (~/.config/artifact-store): the login and the upload journal. */
export const configDir = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "artifact-store");

export const configFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(configDir(env), "config.json");

export interface SavedLogin {
  url: string;
  token: string;
  savedAt: string;
}

export interface Settings {
  url: string;
  token: string | undefined;
  /** Where the token came from, for messages. */
  tokenFrom: "ARTIFACT_STORE_TOKEN" | "login" | "none";
}

export const readLogin = async (file = configFile()): Promise<SavedLogin | null> => {
  try {
    const saved = JSON.parse(await readFile(file, "utf8")) as Partial<SavedLogin>;
    if (typeof saved.url !== "string" || typeof saved.token !== "string") return null;
    if (((await stat(file)).mode & 0o077) !== 0) {
      console.error(`warning: ${file} is readable by others; it holds a credential (chmod 600 it).`);
    }
    return saved as SavedLogin;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/** Written whole to a temporary file (mode 600) and renamed, so a crash never leaves half a credential. */
export const saveLogin = async (login: SavedLogin, file = configFile()): Promise<void> => {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
};

export const forgetLogin = (file = configFile()): Promise<void> => rm(file, { force: true });

export const normalizeUrl = (url: string): string => {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TypeError("not http(s)");
  return parsed.toString().replace(/\/+$/, "");
};

/**
 * --url wins, then ARTIFACT_STORE_URL, then the saved login's URL. The saved token is only sent
 * to the URL it was saved for: pointing the CLI elsewhere never hands that server the credential.
 */
export const resolveSettings = async (
  flags: { url?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Settings> => {
  const saved = await readLogin(configFile(env));
  const url = normalizeUrl(flags.url || env.ARTIFACT_STORE_URL || saved?.url || DEFAULT_URL);
  if (env.ARTIFACT_STORE_TOKEN)
    return { url, token: env.ARTIFACT_STORE_TOKEN, tokenFrom: "ARTIFACT_STORE_TOKEN" };
  if (saved && normalizeUrl(saved.url) === url) return { url, token: saved.token, tokenFrom: "login" };
  return { url, token: undefined, tokenFrom: "none" };
};

/** The subject of a JWT, read without verifying it (only to say who is logged in); null for API keys. */
export const subjectOf = (token: string): string | null => {
  const [, payload] = token.split(".");
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown };
    return typeof claims.sub === "string" ? claims.sub : null;
  } catch {
    return null;
  }
};

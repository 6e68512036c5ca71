// The development identity of `npm start`: the HS256 secret it keeps under its data folder, and
// tokens signed with it for any user, so a second user (to try sharing) is one command away.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createTokenVerifier, signToken } from "@artifact-store/auth";
import { loadConfig } from "@artifact-store/runtime";
import { decodeJwt } from "jose";

type Env = Record<string, string | undefined>;

/** The data folder `npm start` runs on: DATA_DIR, else `.data` in the working directory. */
export const dataDirOf = (env: Env = process.env): string => resolve(env.DATA_DIR || ".data");

const secretPath = (dataDir: string) => join(dataDir, "dev-jwt-secret");

/** A development JWT secret kept under the data folder, so tokens stay valid across restarts. */
export const developmentSecret = async (dataDir: string): Promise<string> => {
  try {
    return (await readFile(secretPath(dataDir), "utf8")).trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    await mkdir(dataDir, { recursive: true });
    await writeFile(secretPath(dataDir), secret, { mode: 0o600 });
    return secret;
  }
};

export interface DevelopmentTokenRequest {
  /** The user id (the token's `sub`). */
  sub: string;
  /** `admin` makes an admin. */
  roles?: readonly string[];
  /** A time span ("30d", "12h", "900s"); 30 days (what the banner's tokens get) unless said. */
  expiresIn?: string;
}

export interface DevelopmentToken {
  token: string;
  sub: string;
  roles: string[];
  expiresAt: Date;
}

/**
 * A token the store under `npm start` accepts, for any user: signed with AUTH_JWT_SECRET when set,
 * else with the secret `npm start` keeps in DATA_DIR, which must exist already (a token signed
 * with a secret of its own would be refused). Issuer, audience and the longest lifetime come from
 * the same settings the server reads.
 */
export const mintDevelopmentToken = async (
  request: DevelopmentTokenRequest,
  env: Env = process.env,
): Promise<DevelopmentToken> => {
  let secret = env.AUTH_JWT_SECRET;
  if (!secret) {
    const path = secretPath(dataDirOf(env));
    try {
      secret = (await readFile(path, "utf8")).trim();
    } catch {
      throw new Error(
        `No development secret at ${path}: start the store once with \`npm start\` (with the same ` +
          "DATA_DIR), or set AUTH_JWT_SECRET to the secret it runs with.",
      );
    }
  }
  const { auth } = loadConfig({ ...env, AUTH_JWT_SECRET: secret });
  const roles = [...new Set(request.roles ?? [])];
  const token = await signToken(auth, { sub: request.sub, roles, expiresIn: request.expiresIn ?? "30d" });
  // The server's own check, so a token it would refuse (a user id with spaces) is never handed out.
  try {
    await createTokenVerifier(auth)(token);
  } catch (error) {
    throw new Error(`The store would refuse this token: ${(error as Error).message}`);
  }
  return { token, sub: request.sub, roles, expiresAt: new Date((decodeJwt(token).exp ?? 0) * 1000) };
};

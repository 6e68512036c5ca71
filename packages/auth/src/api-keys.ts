import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  type ApiKeyRecord,
  DomainError,
  invalid,
  type Principal,
  SCOPES,
  type Scope,
  unauthenticated,
} from "@artifact-store/core";

/** Where key records live; the catalogue implements it. */
export interface ApiKeyStore {
  insert(record: ApiKeyRecord): Promise<void>;
  find(id: string): Promise<ApiKeyRecord | null>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(id: string, at: Date): Promise<boolean>;
  touch(id: string, at: Date): Promise<void>;
}

export interface NewApiKey {
  subject: string;
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | undefined;
}

// ask_<12 hex id>_<43 base64url secret>: the id finds the record, the secret proves possession.
const KEY_FORMAT = /^ask_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const SUBJECT = /^[\x21-\x7e]{1,256}$/;
// Recording every use would turn each read into a write; once a minute is enough to see use.
const LAST_USED_RESOLUTION_MS = 60_000;

export const looksLikeApiKey = (credential: string): boolean => credential.startsWith("ask_");

const digest = (secret: string): Buffer => createHash("sha256").update(secret).digest();

const checkScopes = (scopes: readonly string[]): Scope[] => {
  const unknown = scopes.filter((scope) => !SCOPES.includes(scope as Scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw invalid("invalid_scopes", `Scopes must be one or more of ${SCOPES.join(", ")}.`, { unknown });
  }
  return [...new Set(scopes)] as Scope[];
};

/**
 * API keys for scrapers and services. The key is shown once, at creation; only a SHA-256 of its
 * secret is stored (the secret is 256 random bits, so a slow hash would add nothing).
 */
export class ApiKeys {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(createdBy: Principal, request: NewApiKey): Promise<{ record: ApiKeyRecord; key: string }> {
    if (!SUBJECT.test(request.subject))
      throw invalid("invalid_subject", "subject must be 1-256 visible ASCII characters.");
    const now = this.now();
    if (request.expiresAt && request.expiresAt.getTime() <= now.getTime()) {
      throw invalid("invalid_expiry", "expiresAt must be in the future.");
    }
    const id = randomBytes(6).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const record: ApiKeyRecord = {
      id,
      subject: request.subject,
      name: request.name,
      scopes: checkScopes(request.scopes),
      secretHash: digest(secret).toString("hex"),
      createdBy: createdBy.id ?? "anonymous",
      createdAt: now,
      expiresAt: request.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.insert(record);
    return { record, key: `ask_${id}_${secret}` };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.store.list();
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.revoke(id, this.now()))) {
      throw new DomainError("not_found", "api_key_not_found", `No active API key ${id}.`);
    }
  }

  /** The principal a key acts as, or a 401 that says why (unknown, revoked, expired). */
  async authenticate(key: string): Promise<Principal> {
    const match = KEY_FORMAT.exec(key);
    const record = match?.[1] ? await this.store.find(match[1]) : null;
    const presented = digest(match?.[2] ?? "");
    const stored = Buffer.from(record?.secretHash ?? "", "hex");
    if (!record || stored.length !== presented.length || !timingSafeEqual(stored, presented)) {
      throw unauthenticated("api_key_invalid", "The API key is not valid.");
    }
    const now = this.now();
    if (record.revokedAt) throw unauthenticated("api_key_revoked", "The API key has been revoked.");
    if (record.expiresAt && record.expiresAt.getTime() <= now.getTime()) {
      throw unauthenticated("api_key_expired", "The API key has expired.");
    }
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.store.touch(record.id, now);
    }
    return {
      kind: "apiKey",
      id: record.subject,
      keyId: record.id,
      roles: [],
      scopes: checkScopes(record.scopes),
    };
  }
}

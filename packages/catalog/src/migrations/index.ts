import { migration as v1 } from "./0001-artifacts-and-upload-sessions";
import { migration as v2 } from "./0002-access-control-and-audit-trail";
import { migration as v3 } from "./0003-crawl-provenance-and-search-indexes";
import { migration as v4 } from "./0004-artifact-versions";
import { migration as v5 } from "./0005-tag-postings-in-time-order";
import { migration as v6 } from "./0006-artifact-verification";
import { migration as v7 } from "./0007-upload-part-checksums";
import { migration as v8 } from "./0008-integrity-runs";
import { migration as v9 } from "./0009-webhooks-and-event-outbox";
import { migration as v10 } from "./0010-storage-events-processed";
import { migration as v11 } from "./0011-backup-runs";
import { migration as v12 } from "./0012-artifact-expiry-and-legal-hold";
import { migration as v13 } from "./0013-never-used";
import { migration as v14 } from "./0014-phrase-search-word-pairs";
import { migration as v15 } from "./0015-metadata-statistics-and-public-indexes";
import { migration as v16 } from "./0016-crash-safe-completion-and-verification-backoff";
import { migration as v17 } from "./0017-uploads-without-part-checksums";
import type { Migration, UnusedVersion } from "./migration";

export type { Migration, UnusedVersion } from "./migration";

/**
 * Every schema version in order, one file each (NNNN-what-it-does.ts). Append only: a released
 * migration is never edited, a change is a new version (and SCHEMA_VERSION moves with it).
 */
export const SCHEMA_HISTORY: readonly (Migration | UnusedVersion)[] = [
  v1,
  v2,
  v3,
  v4,
  v5,
  v6,
  v7,
  v8,
  v9,
  v10,
  v11,
  v12,
  v13,
  v14,
  v15,
  v16,
  v17,
];

const isApplied = (entry: Migration | UnusedVersion): entry is Migration => "sql" in entry;

/** The versions migrate applies, in order. Pure, so the bundles of functions that never migrate drop the SQL. */
export const MIGRATIONS: readonly Migration[] = /* @__PURE__ */ SCHEMA_HISTORY.filter(isApplied);

import type { UnusedVersion } from "./migration";

// 12 and 13 were set aside for artifact lifecycle (expiry and legal hold) when search's phrase
// indexes took 14 and 15; both landed in one commit (a34f73b), lifecycle with migration 12 only,
// so no release ever had a 13. A real, empty migration 13 would be recorded on every database
// already at 16 at its next deploy; an unused version changes no database.
export const migration: UnusedVersion = {
  version: 13,
  unused: "set aside for artifact lifecycle beside 12, which needed only one migration",
};

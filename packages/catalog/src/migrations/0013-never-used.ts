import type { UnusedVersion } from "./migration";

// Artifact lifecycle (expiry and legal hold) was given 12 and 13 while search took 14 and 15 in
// parallel (commit a34f73b); lifecycle needed only 12, and no release ever applied a 13. Making
// 13 a real, empty migration would record it on every database already at 16 at its next deploy.
export const migration: UnusedVersion = {
  version: 13,
  unused: "reserved for artifact lifecycle beside 12, which needed only one migration",
};

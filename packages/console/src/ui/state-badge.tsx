import type { ArtifactView } from "@artifact-store/client";

const LABELS: Record<ArtifactView["state"], string> = {
  pending: "uploading",
  uploaded: "checking",
  verified: "verified",
  corrupt: "corrupt",
  deleted: "deleted",
};

/** The artifact's state in words (not only a colour). */
export const StateBadge = ({ state }: { state: ArtifactView["state"] }) => (
  <span class={`badge state-${state}`}>{LABELS[state]}</span>
);

import { invalid } from "./errors";
import { type Lifecycle, parseExpiry } from "./lifecycle";
import type { EditableFields, Metadata, Visibility } from "./model";
import { normalizeTags, validateMetadata } from "./validation";

/** Tags to add and remove, or a whole new set (applied first, then remove, then add). */
export interface TagChange {
  add?: readonly string[];
  remove?: readonly string[];
  replace?: readonly string[];
}

/** What a caller asks to change; absent fields are kept. */
export interface ArtifactEdit {
  visibility?: Visibility;
  /** Replaces the metadata whole. */
  metadata?: Metadata;
  tags?: TagChange;
  /** An ISO time in the future sets the expiry; null clears it. */
  expiresAt?: string | null;
  /** true puts the artifact under legal hold, false releases it (admins only). */
  legalHold?: boolean;
  /** Why the hold is set; only with legalHold: true. */
  legalHoldReason?: string;
}

export const isEmptyEdit = (edit: ArtifactEdit): boolean =>
  edit.visibility === undefined &&
  edit.metadata === undefined &&
  edit.tags === undefined &&
  edit.expiresAt === undefined &&
  edit.legalHold === undefined;

/**
 * The fields after an edit, normalised and validated against the same limits as at upload (the
 * tag count limit applies to the result). Removing a tag the artifact lacks is not an error.
 */
export const applyEdit = (current: EditableFields, edit: ArtifactEdit): EditableFields => {
  if (isEmptyEdit(edit)) {
    throw invalid(
      "empty_update",
      "Give at least one of visibility, metadata, tags, expiresAt or legalHold to change.",
    );
  }
  const { add = [], remove = [], replace } = edit.tags ?? {};
  const base = replace ? normalizeTags(replace) : current.tags;
  const removed = new Set(remove.map((tag) => tag.trim().toLowerCase()));
  const tags = normalizeTags([...base.filter((tag) => !removed.has(tag)), ...add]);
  return {
    visibility: edit.visibility ?? current.visibility,
    metadata: edit.metadata === undefined ? current.metadata : validateMetadata(edit.metadata),
    tags,
  };
};

/**
 * Expiry and legal hold after an edit. A hold already on keeps who set it and when (a new reason
 * replaces the old one). Whether the caller may change the hold is the caller's check.
 */
export const applyLifecycleEdit = (
  current: Partial<Lifecycle>,
  edit: ArtifactEdit,
  by: { actor: string; at: Date },
): Lifecycle => {
  if (edit.legalHoldReason !== undefined && edit.legalHold !== true) {
    throw invalid("invalid_legal_hold", "legalHoldReason goes with legalHold: true.");
  }
  const held = current.legalHold ?? null;
  const legalHold =
    edit.legalHold === undefined
      ? held
      : edit.legalHold
        ? {
            setBy: held?.setBy ?? by.actor,
            setAt: held?.setAt ?? by.at,
            reason: edit.legalHoldReason ?? held?.reason ?? null,
          }
        : null;
  const expiresAt =
    edit.expiresAt === undefined
      ? (current.expiresAt ?? null)
      : edit.expiresAt === null
        ? null
        : parseExpiry(edit.expiresAt, by.at);
  return { expiresAt, legalHold };
};

import { invalid } from "./errors";
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
}

export const isEmptyEdit = (edit: ArtifactEdit): boolean =>
  edit.visibility === undefined && edit.metadata === undefined && edit.tags === undefined;

/**
 * The fields after an edit, normalised and validated against the same limits as at upload (the
 * tag count limit applies to the result). Removing a tag the artifact lacks is not an error.
 */
export const applyEdit = (current: EditableFields, edit: ArtifactEdit): EditableFields => {
  if (isEmptyEdit(edit)) {
    throw invalid("empty_update", "Give at least one of visibility, metadata or tags to change.");
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

import type { Artifact } from "@artifact-store/core";
import { describe, expect, it } from "vitest";
import { mirrorTags, OBJECT_TAGS_MAX, objectTagsOf } from "./object-tags";
import { FakeStorage } from "./testing/fake-storage";

const KEY = "artifacts/users/alice/0b9e2f4c-1d2a-4e6b-9c3d-5f7a8b9c0d1e.txt";
const artifactWith = (state: Artifact["state"], tags: string[]) =>
  ({ objectKey: KEY, state, tags }) as unknown as Artifact;

describe("object tags", () => {
  it("are the first ten tags, each set to true", () => {
    const tags = Array.from({ length: 12 }, (_, index) => `tag-${index}`);
    const objectTags = objectTagsOf(tags);
    expect(Object.keys(objectTags)).toEqual(tags.slice(0, OBJECT_TAGS_MAX));
    expect(new Set(Object.values(objectTags))).toEqual(new Set(["true"]));
  });

  it("are mirrored onto a stored object, replacing what it had", async () => {
    const storage = new FakeStorage();
    storage.putObject(KEY, "bytes");
    await mirrorTags(storage.asObjectStorage, artifactWith("verified", ["a", "b"]));
    await mirrorTags(storage.asObjectStorage, artifactWith("verified", ["c"]));
    expect(storage.objects.get(KEY)?.tags).toEqual({ c: "true" });
  });

  it("are not set while the bytes are not there, or after the artifact is deleted", async () => {
    const storage = new FakeStorage();
    storage.failing.add("setObjectTags"); // any call would throw
    await mirrorTags(storage.asObjectStorage, artifactWith("pending", ["a"]));
    await mirrorTags(storage.asObjectStorage, artifactWith("deleted", ["a"]));
  });
});

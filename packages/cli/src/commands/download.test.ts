import { describe, expect, it } from "vitest";
import { safeName, targetPath } from "./download";

const artifact = (filename: string, relativePath?: unknown) => ({
  id: "0b9c1f4e-9a35-4c1b-8d1e-5a0f4d3c2b1a",
  filename,
  metadata: relativePath === undefined ? {} : { relativePath },
});

describe("where a download is written", () => {
  it("is the filename, when the artifact was not uploaded from a folder", () => {
    expect(targetPath(artifact("page.html"))).toBe("page.html");
  });

  it("rebuilds the folders it was uploaded from, named by the artifact's filename", () => {
    expect(targetPath(artifact("a.png", "site/img/a.png"))).toBe("site/img/a.png");
    expect(targetPath(artifact("renamed.png", "site/img/a.png"))).toBe("site/img/renamed.png");
  });

  it("never climbs out of the output folder nor starts at the root", () => {
    expect(targetPath(artifact("x.txt", "../../etc/x.txt"))).toBe("etc/x.txt");
    expect(targetPath(artifact("x.txt", "/abs/./x.txt"))).toBe("abs/x.txt");
    expect(targetPath(artifact("x.txt", "a\\..\\..\\b\\x.txt"))).toBe("a/b/x.txt");
    expect(targetPath(artifact("x.txt", "a/\u0000\u001b/x.txt"))).toBe("a/x.txt");
  });

  it("ignores a relativePath that is not text", () => {
    expect(targetPath(artifact("x.txt", { path: "a/b" }))).toBe("x.txt");
  });

  it("falls back to the id for a name that is no name", () => {
    expect(safeName("..", "id-1")).toBe("id-1");
    expect(safeName("dir/", "id-2")).toBe("id-2");
  });
});

// The user CLI (`artifact-store`, packages/cli/bin) as a person or a script meets it: the real
// binary as a child process against a stack, asserting what it prints and exits with.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArtifactView, SearchPage } from "@artifact-store/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, randomBytesOf, randomFile, sha256, startTestStack, type TestStack } from "./support/stack";

const BIN = join(import.meta.dirname, "../packages/cli/bin/artifact-store.js");

let stack: TestStack;
let work: string;
beforeAll(async () => {
  // Small parts, so a file of a few MiB is a multipart upload that can stop halfway.
  stack = await startTestStack({ UPLOAD_PART_SIZE_BYTES: String(5 * MiB) });
  work = await mkdtemp(join(tmpdir(), "artifact-cli-"));
});
afterAll(async () => {
  await stack?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A user of their own: a config folder (login, journal) and, unless told otherwise, the stack's URL. */
const user = async (name = `cli-${randomUUID().slice(0, 8)}`) => {
  const home = await mkdtemp(join(work, "home-"));
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    XDG_CONFIG_HOME: home,
    ARTIFACT_STORE_URL: stack.url,
    ARTIFACT_STORE_TOKEN: "",
    ...extra,
  });
  const run = (args: string[], extra: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile("node", [BIN, ...args], { env: env(extra), cwd: work }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  const token = await stack.tokenFor(name);
  const client = await stack.clientFor(name);
  return { name, home, token, client, env, run, login: () => run(["login", "--token", token]) };
};

const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const folderOf = async (files: Record<string, Uint8Array>) => {
  const folder = await mkdtemp(join(work, "folder-"));
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(join(folder, name, ".."), { recursive: true });
    await writeFile(join(folder, name), bytes);
  }
  return folder;
};

describe("login", () => {
  it("checks the token, keeps it in a file only its owner can read, and later commands use it", async () => {
    const alice = await user();
    const saved = await alice.login();
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain(`Logged in to ${stack.url} as ${alice.name}`);
    const file = join(alice.home, "artifact-store", "config.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ url: stack.url, token: alice.token });

    const whoami = await alice.run(["whoami", "--json"]);
    expect(JSON.parse(whoami.stdout)).toEqual({ url: stack.url, subject: alice.name, tokenFrom: "login" });
    // The environment wins over the saved login.
    const bob = await stack.tokenFor("cli-bob");
    const overridden = await alice.run(["whoami", "--json"], { ARTIFACT_STORE_TOKEN: bob });
    expect(JSON.parse(overridden.stdout)).toMatchObject({
      subject: "cli-bob",
      tokenFrom: "ARTIFACT_STORE_TOKEN",
    });
    // The saved token is never sent to another URL.
    const elsewhere = await alice.run(["whoami", "--json"], { ARTIFACT_STORE_URL: "http://127.0.0.1:9" });
    expect(JSON.parse(elsewhere.stdout)).toMatchObject({ subject: null, tokenFrom: "none" });
  });

  it("refuses a bad token with exit 1, and a command without credentials with exit 2", async () => {
    const carol = await user();
    const refused = await carol.run(["login", "--token", "not-a-token"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^401 /);
    expect(await stat(join(carol.home, "artifact-store", "config.json")).catch(() => null)).toBeNull();

    const notLoggedIn = await carol.run(["upload", BIN]);
    expect(notLoggedIn.code).toBe(2);
    expect(notLoggedIn.stderr).toContain("Not logged in");
    expect(notLoggedIn.stderr).toContain("artifact-store login");
  });
});

describe("upload", () => {
  it("uploads a folder with --recursive, several files at once, with tags, metadata and provenance", async () => {
    const dave = await user();
    await dave.login();
    const files = {
      "a.html": randomBytesOf(1000),
      "b.json": randomBytesOf(2000),
      "nested/c.bin": randomBytesOf(3000),
      "nested/deeper/d.txt": randomBytesOf(10),
    };
    const folder = await folderOf(files);

    const refused = await dave.run(["upload", folder]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("is a folder: pass --recursive");
    const missing = await dave.run(["upload", join(folder, "nope.txt")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file or folder");

    const uploaded = await dave.run([
      "upload",
      "-r",
      folder,
      "--tag",
      "crawl:9",
      "--tag",
      "cli",
      "--metadata",
      "lang=en",
      "--metadata",
      "pages:=3",
      "--source-url",
      "https://example.com/a",
      "--job-id",
      "job-9",
      "--http-status",
      "200",
      "--json",
    ]);
    expect(uploaded.code).toBe(0);
    const lines = jsonLines(uploaded.stdout);
    const summary = lines.pop();
    expect(summary).toMatchObject({ event: "summary", uploaded: 4, skipped: 0, failed: 0, files: 4 });
    expect(lines.map((line) => line.event)).toEqual(["uploaded", "uploaded", "uploaded", "uploaded"]);
    for (const line of lines) {
      const artifact = line.artifact as ArtifactView;
      const [name, bytes] = Object.entries(files).find(([name]) => line.path === join(folder, name)) ?? [];
      expect(name).toBeDefined();
      expect(line).toMatchObject({ size: bytes?.byteLength, artifactId: artifact.id });
      expect(artifact).toMatchObject({
        filename: name?.split("/").pop(),
        sha256: sha256(bytes as Uint8Array),
        tags: ["crawl:9", "cli"],
        metadata: { lang: "en", pages: 3 },
        provenance: { sourceUrl: "https://example.com/a", jobId: "job-9", httpStatus: 200 },
      });
    }
    const html = lines.find((line) => String(line.path).endsWith("a.html"))?.artifact as ArtifactView;
    expect(html.contentType).toBe("text/html");
    expect(uploaded.stderr).toMatch(/uploaded 4 files .* files\/s/);

    // People get a line per file, `<id>  <path>`, and no bars when stdout is not a terminal.
    const again = await dave.run(["upload", "-r", folder, "--tag", "other"]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split("\n")).toHaveLength(4);
    expect(again.stdout).toMatch(/^[0-9a-f-]{36} {2}folder-\w+\/a\.html$/m);
    expect(again.stderr).not.toContain("\u001b[");
    expect(again.stderr).not.toContain("█");
  });

  it("a folder uploaded with --recursive downloads as the same tree", async () => {
    const grace = await user();
    await grace.login();
    const files = {
      "index.html": randomBytesOf(100),
      "img/logo.png": randomBytesOf(200),
      "img/icons/a.svg": randomBytesOf(300),
      "api/index.html": randomBytesOf(400),
    };
    const folder = await folderOf(files);
    const tag = `tree-${randomUUID().slice(0, 6)}`;
    const uploaded = await grace.run(["upload", "-r", folder, "--tag", tag, "--json"]);
    expect(uploaded.code).toBe(0);
    const site = folder.split("/").pop() as string;
    const artifacts = jsonLines(uploaded.stdout)
      .filter((line) => line.event === "uploaded")
      .map((line) => line.artifact as ArtifactView);
    expect(artifacts.map((artifact) => artifact.metadata.relativePath).sort()).toEqual(
      Object.keys(files)
        .map((name) => `${site}/${name}`)
        .sort(),
    );

    const out = join(work, `tree-${randomUUID().slice(0, 6)}`);
    const downloaded = await grace.run(["download", "--tag", tag, "-o", out]);
    expect(downloaded.code).toBe(0);
    for (const [name, bytes] of Object.entries(files))
      expect(sha256(await readFile(join(out, site, name)))).toBe(sha256(bytes));

    // A path that tries to climb out of the folder (metadata anyone can set) lands inside it.
    const climbing = await grace.client.upload(randomBytesOf(10), {
      filename: "evil.txt",
      metadata: { relativePath: "../../../tmp/x/evil.txt" },
      tags: [`${tag}-climb`],
    });
    const contained = await grace.run(["download", climbing.id, "-o", out, "--json"]);
    expect(contained.code).toBe(0);
    expect(jsonLines(contained.stdout)[0]).toMatchObject({ path: join(out, "tmp/x/evil.txt") });
  });

  it("uploads what a quoted glob matches", async () => {
    const erin = await user();
    await erin.login();
    const folder = await folderOf({
      "x.html": randomBytesOf(5),
      "y.html": randomBytesOf(6),
      "z.txt": randomBytesOf(7),
    });
    const uploaded = await erin.run(["upload", join(folder, "*.html"), "--json"]);
    expect(uploaded.code).toBe(0);
    const lines = jsonLines(uploaded.stdout);
    expect(lines.filter((line) => line.event === "uploaded").map((line) => line.path)).toEqual(
      expect.arrayContaining([join(folder, "x.html"), join(folder, "y.html")]),
    );
    expect(lines.at(-1)).toMatchObject({ event: "summary", uploaded: 2 });
    expect((await erin.run(["upload", join(folder, "*.pdf")])).code).toBe(2);
  });

  it("Ctrl-C stops an upload halfway; the same command again skips finished files and sends only the missing parts", async () => {
    const frank = await user();
    await frank.login();
    const small = randomBytesOf(1000);
    const big = await randomFile(96 * MiB);
    const folder = await folderOf({ "a-small.txt": small });
    await writeFile(join(folder, "b-big.bin"), await readFile(big.path));
    await big.remove();
    const args = ["upload", "-r", folder, "--concurrency", "1", "--part-concurrency", "1", "--json"];

    // Interrupted once the big file's upload is open and storage holds some of its parts.
    const child: ChildProcess = spawn("node", [BIN, ...args], { env: frank.env(), cwd: work });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const journal = join(frank.home, "artifact-store", "upload-journal.json");
    let uploadId: string | undefined;
    let heldBefore = 0;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && !uploadId; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const text = await readFile(journal, "utf8").catch(() => "");
      const entries = text
        ? Object.values(JSON.parse(text).entries as Record<string, { uploadId?: string }>)
        : [];
      const open = entries.find((entry) => entry.uploadId)?.uploadId;
      if (open && (await frank.client.getUpload(open)).parts.length >= 2) {
        uploadId = open;
        child.kill("SIGINT");
      }
    }
    expect(uploadId).toBeDefined();
    expect(await exited).toBe(130);
    expect(stderr).toContain("Run the same command again to resume");
    const first = jsonLines(stdout);
    expect(first.find((line) => line.event === "uploaded")).toMatchObject({
      path: join(folder, "a-small.txt"),
    });
    expect(first.find((line) => line.event === "interrupted")).toMatchObject({
      path: join(folder, "b-big.bin"),
    });
    heldBefore = (await frank.client.getUpload(uploadId as string)).parts.length;
    expect(heldBefore).toBeGreaterThanOrEqual(2);
    expect(heldBefore).toBeLessThan(20);

    const resumed = await frank.run(args);
    expect(resumed.code).toBe(0);
    const lines = jsonLines(resumed.stdout);
    expect(lines.find((line) => line.path === join(folder, "a-small.txt"))).toMatchObject({
      event: "skipped",
    });
    const finished = lines.find((line) => line.path === join(folder, "b-big.bin"));
    expect(finished).toMatchObject({ event: "uploaded", resumed: true });
    // What storage held before is not sent again: the upload went on from there.
    expect(finished?.heldBytes).toBeGreaterThanOrEqual(heldBefore * 5 * MiB);
    const status = await frank.client.getUpload(uploadId as string);
    expect(status).toMatchObject({ state: "completed", artifactId: finished?.artifactId });
    expect(lines.at(-1)).toMatchObject({
      event: "summary",
      uploaded: 1,
      skipped: 1,
      bytes: 96 * MiB,
      sentBytes: 96 * MiB - Number(finished?.heldBytes),
    });
    // One artifact per file: nothing was uploaded twice.
    const mine = await frank.client.search({ owner: frank.name, limit: 10 });
    expect(mine.artifacts).toHaveLength(2);
  });
});

describe("upload: many small files through the batch calls", () => {
  it("a folder of 250 small files and a large one: batches of 100, every file found by search with its path", async () => {
    const heidi = await user();
    await heidi.login();
    const files: Record<string, Uint8Array> = { "site/big.bin": randomBytesOf(2 * MiB) };
    for (let n = 0; n < 250; n += 1) files[`site/section-${n % 5}/page-${n}.html`] = randomBytesOf(500 + n);
    const folder = await folderOf(files);
    const root = folder.split("/").pop() as string;
    const tag = `many-${randomUUID().slice(0, 6)}`;

    const uploaded = await heidi.run(["upload", "-r", folder, "--tag", tag, "--concurrency", "16"]);
    expect(uploaded.code).toBe(0);
    expect(uploaded.stdout.trim().split("\n")).toHaveLength(251);
    expect(uploaded.stderr).toMatch(/^uploaded 251 files \(2\.\d MiB\) in [\dhms.]+; .* files\/s$/m);

    const listed = await heidi.run(["search", "--tag", tag, "--all", "--json"]);
    const { artifacts } = JSON.parse(listed.stdout) as SearchPage;
    expect(artifacts.map((artifact) => artifact.metadata.relativePath).sort()).toEqual(
      Object.keys(files)
        .map((name) => `${root}/${name}`)
        .sort(),
    );
    for (const artifact of artifacts) {
      const bytes = files[String(artifact.metadata.relativePath).slice(root.length + 1)] as Uint8Array;
      expect(artifact).toMatchObject({ sha256: sha256(bytes), size: bytes.byteLength, state: "verified" });
    }
    // What the operator's audit trail shows: three batch opens (an event per file, one request id
    // per call), every small file completed by a batch call (one resent after a stall under load
    // completes again, harmlessly), and the large file an upload of its own.
    const admin = await stack.tokenFor("cli-batch-auditor", ["admin"]);
    const events: { action: string; requestId: string; artifactId: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({
        actor: `user:${heidi.name}`,
        limit: "500",
        ...(cursor ? { cursor } : {}),
      });
      const page = (await (await stack.api(`/v1/audit?${query}`, { token: admin })).json()) as {
        events: typeof events;
        nextCursor: string | null;
      };
      events.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    const calls = (action: string) =>
      new Set(events.filter((event) => event.action === action).map((event) => event.requestId)).size;
    expect([calls("createUploadBatch"), calls("createUpload")]).toEqual([3, 1]);
    expect(events.filter((event) => event.action === "createUploadBatch")).toHaveLength(250);
    const completedInBatches = events.filter((event) => event.action === "completeUploadBatch");
    expect(new Set(completedInBatches.map((event) => event.artifactId)).size).toBe(250);
    expect(calls("completeUploadBatch")).toBeLessThanOrEqual(6);

    // Again: every file skipped through the journal.
    const again = await heidi.run(["upload", "-r", folder, "--tag", tag, "--json"]);
    expect(again.code).toBe(0);
    expect(jsonLines(again.stdout).at(-1)).toMatchObject({ event: "summary", uploaded: 0, skipped: 251 });
  });

  it("a file of a folder with the same content as one uploaded before is its own artifact, with its own path", async () => {
    const judy = await user();
    await judy.login();
    const robots = randomBytesOf(64);
    const first = await folderOf({ "robots.txt": robots });
    const second = await folderOf({ "robots.txt": robots });
    const runs = [
      await judy.run(["upload", "-r", first, "--json"]),
      await judy.run(["upload", "-r", second, "--json"]),
    ];
    const [a, b] = runs.map((run) => jsonLines(run.stdout)[0]?.artifact as ArtifactView);
    expect(b?.id).not.toBe(a?.id);
    expect(b?.metadata.relativePath).toBe(`${second.split("/").pop()}/robots.txt`);
  });

  it("one file of a batch refused by the store fails alone: its error shown, the rest uploaded, exit 3", async () => {
    const ivan = await user();
    await ivan.login();
    const files: Record<string, Uint8Array> = {};
    for (let n = 0; n < 6; n += 1) files[`page-${n}.html`] = randomBytesOf(100 + n);
    // A name a scraper may well write; the store refuses control characters in filenames.
    files["tab\there.html"] = randomBytesOf(50);
    const folder = await folderOf(files);

    const first = await ivan.run(["upload", "-r", folder, "--json"]);
    expect(first.code).toBe(3);
    const lines = jsonLines(first.stdout);
    expect(lines.find((line) => line.event === "failed")).toMatchObject({
      path: join(folder, "tab\there.html"),
      error: { code: "invalid_filename", status: 400 },
    });
    expect(lines.filter((line) => line.event === "uploaded")).toHaveLength(6);
    expect(lines.at(-1)).toMatchObject({ event: "summary", uploaded: 6, failed: 1, files: 7 });

    // People see the file and the store's reason, and the count in the summary.
    const again = await ivan.run(["upload", "-r", folder]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(
      `failed: ${join(folder, "tab\there.html").slice(work.length + 1)}: 400 invalid_filename:`,
    );
    expect(again.stderr).toMatch(/^uploaded 0 files .*; skipped 6 already uploaded; 1 failed$/m);
  });

  it("a batch the store refuses as a whole: each of its files failed with the store's reason, exit 3, and the same command again sends just those", async () => {
    const kim = await user();
    await kim.login();
    const kept = { "kept-0.html": randomBytesOf(300), "kept-1.html": randomBytesOf(301) };
    const added = {
      "new-0.html": randomBytesOf(400),
      "new-1.html": randomBytesOf(401),
      "new-2.html": randomBytesOf(402),
    };
    const folder = await folderOf(kept);
    expect((await kim.run(["upload", "-r", folder])).code).toBe(0);
    for (const [name, bytes] of Object.entries(added)) await writeFile(join(folder, name), bytes);
    const pathsOf = (names: object) => Object.keys(names).map((name) => join(folder, name));

    // Kim's signing budget spent (by another of her scrapers, say): the store answers the batch
    // open 429, and a refused call spends nothing, so it stays refused. The window slides, so the
    // next minute is spent too (first, while it is still empty) or the test would pass the limit
    // whenever a minute ends during it.
    const principal = `signing:user:${kim.name}`;
    const limit = stack.runtime.config.signingRateLimitPerMinute;
    const budgetBack = () =>
      stack.runtime.catalog.db.query("delete from rate_limit_windows where principal = $1", [principal]);
    await budgetBack();
    const spend = (at: Date) =>
      stack.runtime.rateLimits.hit(principal, { hits: limit, windowSeconds: 60 }, at, limit);
    expect(await spend(new Date(Date.now() + 60_000))).toMatchObject({ admitted: true });
    expect(await spend(new Date())).toMatchObject({ admitted: true });

    const refused = await kim.run(["upload", "-r", folder, "--json"]);
    expect(refused.code).toBe(3);
    const lines = jsonLines(refused.stdout);
    const failed = lines.filter((line) => line.event === "failed");
    expect(failed.map((line) => line.path).sort()).toEqual(pathsOf(added).sort());
    for (const line of failed)
      expect(line.error).toMatchObject({
        code: "rate_limited",
        status: 429,
        message: expect.stringMatching(/^Too many requests; retry in \d+ s\.$/),
      });
    // Files are checked against the journal concurrently, so they are told in any order.
    expect(
      lines
        .filter((line) => line.event === "skipped")
        .map((line) => line.path)
        .sort(),
    ).toEqual(pathsOf(kept).sort());
    expect(lines.at(-1)).toMatchObject({
      event: "summary",
      uploaded: 0,
      skipped: 2,
      failed: 3,
      interrupted: 0,
      notStarted: 0,
      files: 5,
    });

    // People see each file with the store's reason, and the counts.
    const told = await kim.run(["upload", "-r", folder]);
    expect(told.code).toBe(3);
    const failedLines = told.stderr.split("\n").filter((line) => line.startsWith("failed: "));
    expect(failedLines.map((line) => line.replace(/retry in \d+ s/, "retry in N s")).sort()).toEqual(
      pathsOf(added)
        .map(
          (path) =>
            `failed: ${path.slice(work.length + 1)}: 429 rate_limited: Too many requests; retry in N s.`,
        )
        .sort(),
    );
    expect(told.stderr).toMatch(/^uploaded 0 files .*; skipped 2 already uploaded; 3 failed$/m);

    // Once the limit allows it (the minute passed), the same command sends exactly those three.
    await budgetBack();
    const again = await kim.run(["upload", "-r", folder, "--json"]);
    expect(again.code).toBe(0);
    const sent = jsonLines(again.stdout);
    expect(
      sent
        .filter((line) => line.event === "uploaded")
        .map((line) => line.path)
        .sort(),
    ).toEqual(pathsOf(added).sort());
    expect(sent.at(-1)).toMatchObject({ event: "summary", uploaded: 3, skipped: 2, failed: 0 });
    const mine = await kim.client.search({ owner: kim.name, limit: 10 });
    expect(mine.artifacts).toHaveLength(5);
  });
});

describe("search, download, share and the rest", () => {
  let owner: Awaited<ReturnType<typeof user>>;
  let ids: string[];
  const bytes = [randomBytesOf(4321), randomBytesOf(1234), randomBytesOf(7 * MiB)];
  beforeAll(async () => {
    owner = await user();
    await owner.login();
    const tag = `set-${randomUUID().slice(0, 6)}`;
    ids = [];
    for (const [index, content] of bytes.entries()) {
      const artifact = await owner.client.upload(content, {
        filename: index === 1 ? "same.txt" : `file-${index}.bin`,
        tags: [tag, `n${index}`],
      });
      ids.push(artifact.id);
    }
  });

  it("search prints a table, or the API's page with --json", async () => {
    const table = await owner.run(["search", "--tag", "n1"]);
    expect(table.code).toBe(0);
    const [header, row, ...rest] = table.stdout.trim().split("\n");
    expect(header).toMatch(/^ID\s+NAME\s+SIZE\s+TYPE\s+STATE\s+VISIBILITY\s+CREATED\s+TAGS$/);
    expect(row).toMatch(new RegExp(`^${ids[1]}\\s+same\\.txt\\s+1\\.2 KiB\\s+`));
    expect(rest).toEqual([]);
    const json = await owner.run(["search", "--json", "--tag", "n0", "--count"]);
    const page = JSON.parse(json.stdout) as SearchPage;
    expect(page).toMatchObject({ nextCursor: null, total: 1 });
    expect(page.artifacts.map((artifact) => artifact.id)).toEqual([ids[0]]);
    expect((await owner.run(["search", "--limit", "0"])).code).toBe(2);
  });

  it("download writes each artifact's bytes, SHA-256 checked; again, they are there already", async () => {
    const out = join(work, `out-${randomUUID().slice(0, 6)}`);
    const downloaded = await owner.run(["download", ...ids, "-o", out, "--json"]);
    expect(downloaded.code).toBe(0);
    const lines = jsonLines(downloaded.stdout);
    expect(lines.at(-1)).toMatchObject({ event: "summary", downloaded: 3, failed: 0 });
    for (const [index, id] of ids.entries()) {
      const line = lines.find((entry) => entry.id === id);
      const content = bytes[index] as Uint8Array;
      expect(line).toMatchObject({ event: "downloaded", size: content.byteLength, sha256: sha256(content) });
      expect(sha256(await readFile(String(line?.path)))).toBe(sha256(content));
    }
    expect(await readFile(join(out, "same.txt"))).toEqual(Buffer.from(bytes[1] as Uint8Array));

    const again = await owner.run(["download", ...ids, "-o", out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("(already there)");

    await writeFile(join(out, "same.txt"), "changed");
    const clash = await owner.run(["download", ids[1] as string, "-o", out]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain("exists with other content (pass --overwrite");
    expect((await owner.run(["download", ids[1] as string, "-o", out, "--overwrite"])).code).toBe(0);
    expect(sha256(await readFile(join(out, "same.txt")))).toBe(sha256(bytes[1] as Uint8Array));
  });

  it("download --query takes the search filters; one missing artifact of several exits 3", async () => {
    const out = join(work, `out-${randomUUID().slice(0, 6)}`);
    const byTag = await owner.run(["download", "--tag", "n2", "-o", out]);
    expect(byTag.code).toBe(0);
    expect(sha256(await readFile(join(out, "file-2.bin")))).toBe(sha256(bytes[2] as Uint8Array));
    const byText = await owner.run(["download", "--query", "same.txt", "-o", join(out, "q")]);
    expect(byText.code).toBe(0);
    expect(byText.stdout).toContain(join(out, "q", "same.txt"));

    const partial = await owner.run([
      "download",
      ids[0] as string,
      randomUUID(),
      "-o",
      join(out, "p"),
      "--overwrite",
    ]);
    expect(partial.code).toBe(3);
    expect(partial.stderr).toMatch(/failed: [0-9a-f-]{36}: 404 /);
    expect((await owner.run(["download", "-o", out])).code).toBe(2);
  });

  it("share, unshare, visibility, tags and rm, as the owner and as the user shared with", async () => {
    const grace = await user();
    await grace.login();
    const id = ids[0] as string;
    expect((await grace.run(["show", id])).code).toBe(1);

    const shared = await owner.run(["share", id, grace.name, "--json"]);
    expect(shared.code).toBe(0);
    expect(JSON.parse(shared.stdout)).toMatchObject({ artifactId: id, grantee: grace.name, expiresAt: null });
    const seen = await grace.run(["show", id]);
    expect(seen.code).toBe(0);
    expect(seen.stdout).toMatch(/filename:\s+file-0\.bin/);
    expect((await owner.run(["grants", id])).stdout).toMatch(
      new RegExp(`^${grace.name}\\s+${owner.name}`, "m"),
    );
    expect((await grace.run(["share", id, "mallory"])).code).toBe(1);

    expect((await owner.run(["unshare", id, grace.name])).stdout).toContain(
      `unshared ${id} from ${grace.name}`,
    );
    expect((await grace.run(["show", id])).stderr).toMatch(/^404 /);

    expect((await owner.run(["visibility", id, "public"])).stdout).toContain(`${id} is public`);
    expect((await grace.run(["show", id])).code).toBe(0);
    expect((await owner.run(["visibility", id, "secret"])).code).toBe(2);

    const tagged = await owner.run(["tags", id, "--add", "keep", "--remove", "n0", "--json"]);
    expect(JSON.parse(tagged.stdout).tags).toEqual(expect.arrayContaining(["keep"]));
    expect(JSON.parse(tagged.stdout).tags).not.toContain("n0");

    const removed = await owner.run(["rm", ids[1] as string, randomUUID()]);
    expect(removed.code).toBe(3);
    expect(removed.stdout).toContain(`deleted ${ids[1]}`);
    await expect(owner.client.get(ids[1] as string)).rejects.toMatchObject({ status: 404 });
  });

  it("bad arguments exit 2 with the usage hint; --help exits 0 and names the exit codes", async () => {
    const help = await owner.run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(help.stdout).toContain("3    partial failure");
    const unknown = await owner.run(["upload", "--concurrency", "zero", BIN]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--concurrency must be a whole number");
    expect((await owner.run(["frobnicate"])).code).toBe(2);
  });

  it("dev-token against a store without a development sign-in says where tokens come from", async () => {
    const refused = await owner.run(["dev-token", "--sub", "alice"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("offers no development sign-in");
    expect(refused.stdout).toBe("");
    expect((await owner.run(["dev-token"])).code).toBe(2);
  });
});

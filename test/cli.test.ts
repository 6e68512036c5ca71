import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack";

const run = promisify(execFile);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

const cli = async (args: string[], token: string) => {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "packages/cli/src/main.ts", ...args], {
      env: { ...process.env, ARTIFACT_STORE_URL: stack.url, ARTIFACT_STORE_TOKEN: token },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

it("an operator creates, lists and revokes API keys, and verifies the audit trail, from the CLI", async () => {
  const admin = await stack.tokenFor("cli-admin", ["admin"]);
  const created = await cli(
    ["keys", "create", "--subject", "nightly-crawler", "--name", "nightly", "--scopes", "upload,read"],
    admin,
  );
  expect(created.code).toBe(0);
  expect(created.stderr).toContain("not shown again");
  const key = JSON.parse(created.stdout) as { id: string; key: string; scopes: string[] };
  expect(key.scopes).toEqual(["upload", "read"]);

  const listed = await cli(["keys", "list"], admin);
  expect(JSON.parse(listed.stdout).map((k: { id: string }) => k.id)).toContain(key.id);
  expect(listed.stdout).not.toContain(key.key);

  expect((await cli(["keys", "revoke", key.id], admin)).stdout).toContain(`revoked ${key.id}`);
  const refused = await cli(["keys", "list"], key.key);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("401 api_key_revoked");

  const verified = await cli(["audit", "verify"], admin);
  expect(verified.code).toBe(0);
  expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });

  const notAdmin = await cli(["keys", "list"], await stack.tokenFor("cli-user"));
  expect(notAdmin.stderr).toContain("403 insufficient_scope");
});

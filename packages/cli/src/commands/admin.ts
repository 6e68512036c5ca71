// The operator's commands (admin token): API keys, the audit trail, reindexing, integrity,
// verification, expiry and backups. Each prints the API's JSON answer on stdout; progress and a
// one-line summary go to stderr.
import type { ArtifactView, ErrorBody } from "@artifact-store/api";
import { ArtifactStoreError } from "@artifact-store/client";
import { type Command, Option } from "commander";
import { collect, connect } from "../connect";
import { EXIT } from "../exit-codes";
import { bytes } from "../format";

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const say = (line: string) => console.error(line);
const seconds = (startedAt: number) => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
const exit = (ok: boolean) => {
  process.exitCode = ok ? EXIT.ok : EXIT.failed;
};

/** An admin operation the SDK does not wrap: POST, JSON answer, API errors as the SDK throws them. */
const adminPost = async <T>(baseUrl: string, token: string, path: string): Promise<T> => {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
  });
  const body = (await response.json().catch(() => ({}))) as T & Partial<ErrorBody>;
  if (!response.ok) {
    throw new ArtifactStoreError(
      response.status,
      body.error?.code ?? "http_error",
      body.error?.message ?? `HTTP ${response.status}`,
      body.error?.requestId,
      body.error?.details,
    );
  }
  return body;
};

export const registerAdmin = (program: Command): void => {
  const keys = program.command("keys").description("admin: API keys for service accounts");
  keys
    .command("create")
    .description("a new API key; the key is shown once")
    .requiredOption("--subject <id>", "the user the key acts as")
    .requiredOption("--name <text>", "what it is for")
    .requiredOption("--scopes <list>", "comma-separated: read, upload, write, admin")
    .option("--expires <time>", "ISO 8601 expiry")
    .action(
      async (
        flags: { subject: string; name: string; scopes: string; expires?: string },
        command: Command,
      ) => {
        const { client } = await connect(command);
        print(
          await client.createApiKey({
            subject: flags.subject,
            name: flags.name,
            scopes: flags.scopes.split(","),
            ...(flags.expires ? { expiresAt: new Date(flags.expires) } : {}),
          }),
        );
        say("Store the key now: it is not shown again.");
      },
    );
  keys
    .command("list")
    .description("the API keys, without their secrets")
    .action(async (_flags: unknown, command: Command) => {
      print(await (await connect(command)).client.listApiKeys());
    });
  keys
    .command("revoke")
    .argument("<key-id>")
    .description("revoke a key at once")
    .action(async (keyId: string, _flags: unknown, command: Command) => {
      await (await connect(command)).client.revokeApiKey(keyId);
      console.log(`revoked ${keyId}`);
    });

  const audit = program.command("audit").description("admin: the hash-chained audit trail");
  audit
    .command("query")
    .description("one page of audit events, newest first")
    .option("--actor <actor>")
    .option("--artifact <id>")
    .option("--action <op>")
    .addOption(new Option("--outcome <outcome>").choices(["allowed", "denied", "failed"]))
    .option("--from <time>")
    .option("--to <time>")
    .option("--cursor <cursor>")
    .action(async (flags: Record<string, string | undefined>, command: Command) => {
      const filter = Object.fromEntries(
        Object.entries({
          actor: flags.actor,
          artifactId: flags.artifact,
          action: flags.action,
          outcome: flags.outcome,
          from: flags.from,
          to: flags.to,
          cursor: flags.cursor,
        }).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      print(await (await connect(command)).client.queryAudit(filter));
    });
  audit
    .command("verify")
    .description("check the hash chain; exits 1 at a break")
    .action(async (_flags: unknown, command: Command) => {
      const report = await (await connect(command)).client.verifyAudit();
      print(report);
      exit(report.ok);
    });
  audit
    .command("export")
    .description("write closed segments to the bucket as JSON Lines")
    .action(async (_flags: unknown, command: Command) => {
      print(await (await connect(command)).client.exportAudit());
    });

  program
    .command("reindex")
    .description("admin: rebuild the catalogue's artifact records from the sidecars in the bucket")
    .action(async (_flags: unknown, command: Command) => {
      const report = await (await connect(command)).client.reindex();
      print(report);
      exit(report.skipped.length === 0);
    });

  const integrity = program.command("integrity").description("admin: scrub and reconcile");
  integrity
    .command("report")
    .description("the latest scrub and reconcile reports")
    .addOption(new Option("--kind <kind>").choices(["scrub", "reconcile"]))
    .action(async (flags: { kind?: "scrub" | "reconcile" }, command: Command) => {
      print(await (await connect(command)).client.integrityReport(flags.kind ? { kind: flags.kind } : {}));
    });
  integrity
    .command("scrub")
    .description("re-verify the least recently verified artifacts now (one run's budget)")
    .action(async (_flags: unknown, command: Command) => {
      const run = await (await connect(command)).client.scrub();
      print(run);
      exit(run.summary.corrupt === 0 && run.summary.failed === 0);
    });
  integrity
    .command("reconcile")
    .description("compare catalogue and bucket; abort expired upload sessions")
    .action(async (_flags: unknown, command: Command) => {
      const run = await (await connect(command)).client.reconcile();
      print(run);
      exit(!run.findings.some((finding) => finding.kind !== "expired_upload_aborted"));
    });

  const artifacts = program.command("artifacts").description("admin: quarantine, verification, expiry");
  artifacts
    .command("corrupt")
    .description("quarantined artifacts: their bytes failed verification, and why")
    .option("--cursor <cursor>")
    .action(async (flags: { cursor?: string }, command: Command) => {
      const page = await (await connect(command)).client.search({
        state: ["corrupt"],
        sort: "createdAt",
        ...(flags.cursor ? { cursor: flags.cursor } : {}),
      });
      print({
        artifacts: page.artifacts.map(({ id, ownerId, filename, size, integrity }) => ({
          id,
          ownerId,
          filename,
          size,
          reason: integrity?.reason ?? null,
          details: integrity?.details ?? {},
          checkedAt: integrity?.checkedAt ?? null,
        })),
        nextCursor: page.nextCursor,
      });
    });
  artifacts
    .command("verify")
    .argument("<artifact-id>")
    .description("read an artifact's bytes back now and record verified or corrupt")
    .action(async (id: string, _flags: unknown, command: Command) => {
      const { settings } = await connect(command);
      const artifact = await adminPost<ArtifactView>(
        settings.url,
        settings.token ?? "",
        `/v1/admin/artifacts/${encodeURIComponent(id)}/verify`,
      );
      print({ id: artifact.id, state: artifact.state, integrity: artifact.integrity });
      exit(artifact.state === "verified");
    });
  artifacts
    .command("expire")
    .description("delete artifacts past their expiry now (legal holds are kept)")
    .action(async (_flags: unknown, command: Command) => {
      const run = await (await connect(command)).client.expireArtifacts();
      print(run);
      say(
        `expiry: ${run.deleted} deleted, ${run.failed} failed${run.more ? "; more are due (budget reached)" : ""}`,
      );
      exit(run.failed === 0);
    });

  const backups = program.command("backups").description("admin: snapshots to the backup bucket");
  backups
    .command("now")
    .description("take a snapshot now (new content copied server-side), then apply retention")
    .action(async (_flags: unknown, command: Command) => {
      const { client } = await connect(command);
      say("taking a snapshot (records to the backup bucket, new content copied server-side)...");
      const started = performance.now();
      const report = await client.backupNow();
      print(report);
      const { snapshot, pruned } = report;
      say(
        `snapshot ${snapshot.id}${report.resumed ? " (resumed)" : ""}: ${snapshot.artifacts} artifacts, ` +
          `${bytes(snapshot.bytes)}; copied ${snapshot.copied} objects (${bytes(snapshot.copiedBytes)}) ` +
          `in ${seconds(started)}; pruned ${pruned.snapshots.length} snapshots, ${pruned.contentObjects} content objects`,
      );
    });
  backups
    .command("list")
    .description("the snapshots in the backup bucket, newest first")
    .action(async (_flags: unknown, command: Command) => {
      const { snapshots } = await (await connect(command)).client.listBackups();
      print(snapshots);
      say(`${snapshots.length} snapshot(s)${snapshots[0] ? `, newest ${snapshots[0].id}` : ""}`);
    });
  backups
    .command("restore")
    .argument("<snapshot-id>", "see backups list")
    .description("restore a snapshot, all or a selection; --dry-run lists what would change")
    .option("--dry-run", "list what would change, change nothing")
    .option("--owner <id>", "only this owner's artifacts")
    .option("--tag <tag>", "only artifacts with this tag (repeatable)", collect)
    .option("--id <artifact-id>", "only this artifact (repeatable)", collect)
    .option("--overwrite-newer", "replace records changed since the snapshot")
    .action(
      async (
        snapshotId: string,
        flags: { dryRun?: boolean; owner?: string; tag?: string[]; id?: string[]; overwriteNewer?: boolean },
        command: Command,
      ) => {
        const { client } = await connect(command);
        const request = {
          ...(flags.dryRun ? { dryRun: true } : {}),
          ...(flags.owner ? { owner: flags.owner } : {}),
          ...(flags.tag ? { tags: flags.tag } : {}),
          ...(flags.id ? { ids: flags.id } : {}),
          ...(flags.overwriteNewer ? { overwriteNewer: true } : {}),
        };
        say(`${request.dryRun ? "dry run: " : ""}restoring from ${snapshotId}...`);
        const started = performance.now();
        const report = await client.restoreBackup(snapshotId, request);
        print(report);
        const count = (action: string) => report.changes.filter((change) => change.action === action).length;
        const plan = `create ${count("create")}, replace ${count("replace")}, keep newer ${count("keep_newer")}`;
        say(
          report.dryRun
            ? `dry run: ${report.selected} selected; would ${plan}; nothing changed`
            : `${report.selected} selected (${plan}): ${report.restored} records restored, ` +
                `${report.copied} objects copied back (${bytes(report.copiedBytes)}) in ${seconds(started)}` +
                (report.mismatched.length > 0 ? `; SHA-256 MISMATCH: ${report.mismatched.join(", ")}` : ""),
        );
        exit(report.mismatched.length === 0);
      },
    );
};

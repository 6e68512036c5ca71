// npm run cli -- <command>: API keys, the audit trail, reindexing, verification, backups and expiry, through the API with an admin token.
import { parseArgs } from "node:util";
import type { ArtifactView, ErrorBody } from "@artifact-store/api";
import { ArtifactStoreClient, ArtifactStoreError } from "@artifact-store/client";

const USAGE = `Usage: npm run cli -- <command> [options]

  keys create --subject ID --name TEXT --scopes read,upload[,write,admin] [--expires ISO-TIME]
  keys list
  keys revoke KEY-ID
  audit query [--actor A] [--artifact ID] [--action OP] [--outcome allowed|denied|failed] [--from T] [--to T] [--cursor C]
  audit verify
  audit export
  reindex          rebuild the catalogue's artifact records from the sidecars in the bucket
  integrity report [--kind scrub|reconcile]   the latest scrub and reconcile reports
  integrity scrub                  re-verify the least recently verified artifacts now (one run's budget)
  integrity reconcile              compare catalogue and bucket; abort expired upload sessions
  artifacts corrupt [--cursor C]   quarantined artifacts: their bytes failed verification, and why
  artifacts verify ARTIFACT-ID     read an artifact's bytes back now and record verified or corrupt
  artifacts expire                 delete artifacts past their expiry now (legal holds are kept)
  backups now                      take a snapshot now (new content copied server-side), then apply retention
  backups list                     the snapshots in the backup bucket, newest first
  backups restore SNAPSHOT-ID [--dry-run] [--owner ID] [--tag T ...] [--id ARTIFACT-ID ...] [--overwrite-newer]
                                   restore a snapshot, all or a selection; --dry-run lists what would change

Environment: ARTIFACT_STORE_URL (default http://127.0.0.1:8787), ARTIFACT_STORE_TOKEN (an admin JWT or API key).`;

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
/** Progress and summaries go to stderr, so stdout stays the JSON answer. */
const say = (line: string) => console.error(line);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const seconds = (startedAt: number) => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;

/** An admin operation the SDK does not wrap: POST, JSON answer, API errors as the SDK throws them. */
const adminPost = async <T>(baseUrl: string, token: string, path: string): Promise<T> => {
  const response = await fetch(`${baseUrl.replace(/\/+$/, "")}${path}`, {
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

const run = async (argv: string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      subject: { type: "string" },
      name: { type: "string" },
      scopes: { type: "string" },
      expires: { type: "string" },
      actor: { type: "string" },
      artifact: { type: "string" },
      action: { type: "string" },
      outcome: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      cursor: { type: "string" },
      kind: { type: "string" },
      "dry-run": { type: "boolean" },
      owner: { type: "string" },
      tag: { type: "string", multiple: true },
      id: { type: "string", multiple: true },
      "overwrite-newer": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [area, command, argument] = positionals;
  if (values.help || !area) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const token = process.env.ARTIFACT_STORE_TOKEN;
  if (!token) {
    console.error("Set ARTIFACT_STORE_TOKEN to an admin token or API key.");
    return 2;
  }
  const baseUrl = process.env.ARTIFACT_STORE_URL || "http://127.0.0.1:8787";
  const client = new ArtifactStoreClient({ baseUrl, token });
  switch (command === undefined ? area : `${area} ${command}`) {
    case "keys create": {
      if (!values.subject || !values.name || !values.scopes) {
        console.error("keys create needs --subject, --name and --scopes.");
        return 2;
      }
      const created = await client.createApiKey({
        subject: values.subject,
        name: values.name,
        scopes: values.scopes.split(","),
        ...(values.expires ? { expiresAt: new Date(values.expires) } : {}),
      });
      print(created);
      console.error("Store the key now: it is not shown again.");
      return 0;
    }
    case "keys list":
      print(await client.listApiKeys());
      return 0;
    case "keys revoke":
      if (!argument) {
        console.error("keys revoke needs a key id.");
        return 2;
      }
      await client.revokeApiKey(argument);
      console.log(`revoked ${argument}`);
      return 0;
    case "audit query": {
      const filter = Object.fromEntries(
        Object.entries({
          actor: values.actor,
          artifactId: values.artifact,
          action: values.action,
          outcome: values.outcome,
          from: values.from,
          to: values.to,
          cursor: values.cursor,
        }).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      print(await client.queryAudit(filter));
      return 0;
    }
    case "audit verify": {
      const report = await client.verifyAudit();
      print(report);
      return report.ok ? 0 : 1;
    }
    case "audit export":
      print(await client.exportAudit());
      return 0;
    case "reindex": {
      const report = await client.reindex();
      print(report);
      return report.skipped.length === 0 ? 0 : 1;
    }
    case "integrity report": {
      if (values.kind !== undefined && values.kind !== "scrub" && values.kind !== "reconcile") {
        console.error("--kind is scrub or reconcile.");
        return 2;
      }
      print(await client.integrityReport(values.kind ? { kind: values.kind } : {}));
      return 0;
    }
    case "integrity scrub": {
      const run = await client.scrub();
      print(run);
      return run.summary.corrupt === 0 && run.summary.failed === 0 ? 0 : 1;
    }
    case "integrity reconcile": {
      const run = await client.reconcile();
      print(run);
      return run.findings.some((finding) => finding.kind !== "expired_upload_aborted") ? 1 : 0;
    }
    case "artifacts corrupt": {
      const page = await client.search({
        state: ["corrupt"],
        sort: "createdAt",
        ...(values.cursor ? { cursor: values.cursor } : {}),
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
      return 0;
    }
    case "artifacts verify": {
      if (!argument) {
        console.error("artifacts verify needs an artifact id.");
        return 2;
      }
      const artifact = await adminPost<ArtifactView>(
        baseUrl,
        token,
        `/v1/admin/artifacts/${encodeURIComponent(argument)}/verify`,
      );
      print({ id: artifact.id, state: artifact.state, integrity: artifact.integrity });
      return artifact.state === "verified" ? 0 : 1;
    }
    case "artifacts expire": {
      const run = await client.expireArtifacts();
      print(run);
      say(
        `expiry: ${run.deleted} deleted, ${run.failed} failed${run.more ? "; more are due (budget reached)" : ""}`,
      );
      return run.failed === 0 ? 0 : 1;
    }
    case "backups now": {
      say("taking a snapshot (records to the backup bucket, new content copied server-side)...");
      const started = performance.now();
      const report = await client.backupNow();
      print(report);
      const { snapshot, pruned } = report;
      say(
        `snapshot ${snapshot.id}${report.resumed ? " (resumed)" : ""}: ${snapshot.artifacts} artifacts, ` +
          `${mib(snapshot.bytes)}; copied ${snapshot.copied} objects (${mib(snapshot.copiedBytes)}) ` +
          `in ${seconds(started)}; pruned ${pruned.snapshots.length} snapshots, ${pruned.contentObjects} content objects`,
      );
      return 0;
    }
    case "backups list": {
      const { snapshots } = await client.listBackups();
      print(snapshots);
      say(`${snapshots.length} snapshot(s)${snapshots[0] ? `, newest ${snapshots[0].id}` : ""}`);
      return 0;
    }
    case "backups restore": {
      if (!argument) {
        console.error("backups restore needs a snapshot id (see backups list).");
        return 2;
      }
      const request = {
        ...(values["dry-run"] ? { dryRun: true } : {}),
        ...(values.owner ? { owner: values.owner } : {}),
        ...(values.tag ? { tags: values.tag } : {}),
        ...(values.id ? { ids: values.id } : {}),
        ...(values["overwrite-newer"] ? { overwriteNewer: true } : {}),
      };
      say(`${request.dryRun ? "dry run: " : ""}restoring from ${argument}...`);
      const started = performance.now();
      const report = await client.restoreBackup(argument, request);
      print(report);
      const count = (action: string) => report.changes.filter((change) => change.action === action).length;
      const plan = `create ${count("create")}, replace ${count("replace")}, keep newer ${count("keep_newer")}`;
      say(
        report.dryRun
          ? `dry run: ${report.selected} selected; would ${plan}; nothing changed`
          : `${report.selected} selected (${plan}): ${report.restored} records restored, ` +
              `${report.copied} objects copied back (${mib(report.copiedBytes)}) in ${seconds(started)}` +
              (report.mismatched.length > 0 ? `; SHA-256 MISMATCH: ${report.mismatched.join(", ")}` : ""),
      );
      return report.mismatched.length === 0 ? 0 : 1;
    }
    default:
      console.error(`Unknown command "${positionals.join(" ")}".\n\n${USAGE}`);
      return 2;
  }
};

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ArtifactStoreError) console.error(`${error.status} ${error.code}: ${error.message}`);
    else console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);

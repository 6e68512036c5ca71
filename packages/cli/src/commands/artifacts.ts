// One artifact at a time: show, share / unshare / grants, visibility, tags, rm.
import type { Command } from "commander";
import { collect, connect } from "../connect";
import { exitFor, UsageError } from "../exit-codes";
import { bytes, errorJson, errorLine, table } from "../format";
import { eachConcurrently } from "../pool";

const out = (json: boolean | undefined, value: unknown, line: string) =>
  console.log(json ? JSON.stringify(value, null, 2) : line);

const isoTime = (value: string) => {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new UsageError(`${value} is not an ISO 8601 time.`);
  return at;
};

export const registerArtifactCommands = (program: Command): void => {
  program
    .command("show")
    .description("an artifact's metadata, tags, provenance and state")
    .argument("<id>")
    .option("--json", "the artifact as the API answers it")
    .action(async (id: string, flags: { json?: boolean }, command: Command) => {
      const { client } = await connect(command, { anonymous: true });
      const artifact = await client.get(id);
      const provenance = Object.entries(artifact.provenance ?? {}).filter(
        ([name, value]) => value !== null && name !== "headers",
      );
      out(
        flags.json,
        artifact,
        [
          ["id", artifact.id],
          ["filename", artifact.filename],
          ["size", `${bytes(artifact.size)} (${artifact.size} bytes)`],
          ["type", artifact.contentType],
          ["sha256", artifact.sha256 ?? "-"],
          ["state", artifact.state],
          ["visibility", artifact.visibility],
          ["owner", artifact.ownerId],
          ["tags", artifact.tags.join(", ") || "-"],
          ["metadata", JSON.stringify(artifact.metadata)],
          ...provenance.map(([name, value]) => [name, String(value)]),
          ["created", artifact.createdAt],
          ["version", String(artifact.version)],
          ...(artifact.expiresAt ? [["expires", artifact.expiresAt]] : []),
        ]
          .map(([name, value]) => `${`${name}:`.padEnd(12)}${value}`)
          .join("\n"),
      );
    });

  program
    .command("share")
    .description("share a private artifact with a user, optionally until a time")
    .argument("<id>")
    .argument("<user>", "the user id to share with")
    .option("--until <time>", "the grant ends at this ISO 8601 time")
    .option("--json", "the grant as the API answers it")
    .action(async (id: string, user: string, flags: { until?: string; json?: boolean }, command: Command) => {
      const until = flags.until ? isoTime(flags.until) : undefined;
      const { client } = await connect(command);
      const grant = await client.grant(id, user, until);
      out(
        flags.json,
        grant,
        `shared ${id} with ${user}${grant.expiresAt ? ` until ${grant.expiresAt}` : ""}`,
      );
    });

  program
    .command("unshare")
    .description("revoke a user's grant")
    .argument("<id>")
    .argument("<user>")
    .option("--json", "{ id, user, revoked: true }")
    .action(async (id: string, user: string, flags: { json?: boolean }, command: Command) => {
      const { client } = await connect(command);
      await client.revokeGrant(id, user);
      out(flags.json, { id, user, revoked: true }, `unshared ${id} from ${user}`);
    });

  program
    .command("grants")
    .description("the users an artifact is shared with")
    .argument("<id>")
    .option("--json", "{ grants: [...] }")
    .action(async (id: string, flags: { json?: boolean }, command: Command) => {
      const { client } = await connect(command);
      const grants = await client.listGrants(id);
      out(
        flags.json,
        { grants },
        grants.length === 0
          ? "not shared with anyone"
          : table(
              ["USER", "GRANTED BY", "SINCE", "UNTIL"],
              grants.map((grant) => [
                grant.grantee,
                grant.grantedBy,
                grant.createdAt,
                grant.expiresAt ?? "-",
              ]),
            ),
      );
    });

  program
    .command("visibility")
    .description("make an artifact private or public (anyone may read a public one)")
    .argument("<id>")
    .argument("<visibility>", "private or public")
    .option("--json", "the changed artifact")
    .action(async (id: string, visibility: string, flags: { json?: boolean }, command: Command) => {
      if (visibility !== "private" && visibility !== "public")
        throw new UsageError(`visibility is private or public, not ${visibility}.`);
      const { client } = await connect(command);
      const artifact = await client.setVisibility(id, visibility);
      out(flags.json, artifact, `${id} is ${artifact.visibility}`);
    });

  program
    .command("tags")
    .description("an artifact's tags; --add, --remove or --set change them")
    .argument("<id>")
    .option("--add <tag>", "add a tag (repeatable)", collect)
    .option("--remove <tag>", "remove a tag (repeatable)", collect)
    .option("--set <tag>", "replace all tags with these (repeatable; --set '' clears)", collect)
    .option("--json", "{ id, tags, version }")
    .action(
      async (
        id: string,
        flags: { add?: string[]; remove?: string[]; set?: string[]; json?: boolean },
        command: Command,
      ) => {
        const change = {
          ...(flags.set ? { replace: flags.set.filter((tag) => tag !== "") } : {}),
          ...(flags.remove ? { remove: flags.remove } : {}),
          ...(flags.add ? { add: flags.add } : {}),
        };
        const { client } = await connect(command, { anonymous: Object.keys(change).length === 0 });
        const artifact =
          Object.keys(change).length === 0 ? await client.get(id) : await client.update(id, { tags: change });
        out(
          flags.json,
          { id: artifact.id, tags: artifact.tags, version: artifact.version },
          artifact.tags.join("\n") || "(no tags)",
        );
      },
    );

  program
    .command("rm")
    .description("delete artifacts (their bytes and their record)")
    .argument("<ids...>")
    .option("--json", "JSON lines: one { id, deleted, error? } per artifact")
    .action(async (ids: string[], flags: { json?: boolean }, command: Command) => {
      const { client } = await connect(command);
      let deleted = 0;
      let failed = 0;
      await eachConcurrently(ids, 8, async (id) => {
        try {
          await client.delete(id);
          deleted += 1;
          console.log(flags.json ? JSON.stringify({ id, deleted: true }) : `deleted ${id}`);
        } catch (error) {
          failed += 1;
          if (flags.json) console.log(JSON.stringify({ id, deleted: false, error: errorJson(error) }));
          console.error(`failed: ${id}: ${errorLine(error)}`);
        }
      });
      process.exitCode = exitFor({ done: deleted, failed });
    });
};

// npm run cli -- <command>: API keys, the audit trail and reindexing, through the API with an admin token.
import { parseArgs } from "node:util";
import { ArtifactStoreClient, ArtifactStoreError } from "@artifact-store/client";

const USAGE = `Usage: npm run cli -- <command> [options]

  keys create --subject ID --name TEXT --scopes read,upload[,write,admin] [--expires ISO-TIME]
  keys list
  keys revoke KEY-ID
  audit query [--actor A] [--artifact ID] [--action OP] [--outcome allowed|denied|failed] [--from T] [--to T] [--cursor C]
  audit verify
  audit export
  reindex          rebuild the catalogue's artifact records from the sidecars in the bucket

Environment: ARTIFACT_STORE_URL (default http://127.0.0.1:8787), ARTIFACT_STORE_TOKEN (an admin JWT or API key).`;

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

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
  const client = new ArtifactStoreClient({
    baseUrl: process.env.ARTIFACT_STORE_URL || "http://127.0.0.1:8787",
    token,
  });
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

// artifact-store login / logout / whoami: the API's URL and a token or API key, kept in a file only
// its owner can read.
import { createInterface } from "node:readline/promises";
import { ArtifactStoreClient } from "@artifact-store/client";
import type { Command } from "commander";
import { UsageError } from "../exit-codes";
import {
  configFile,
  DEFAULT_URL,
  forgetLogin,
  normalizeUrl,
  readLogin,
  resolveSettings,
  saveLogin,
  subjectOf,
} from "../settings";

/** A token from stdin: piped (`... | artifact-store login --token -`) or typed at a prompt, not echoed. */
const readToken = async (): Promise<string> => {
  if (!process.stdin.isTTY) {
    let text = "";
    for await (const chunk of process.stdin) text += chunk;
    return text.trim();
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const muted = prompt as unknown as { _writeToOutput: (text: string) => void };
  const write = muted._writeToOutput.bind(prompt);
  let asked = false;
  muted._writeToOutput = (text) => {
    if (!asked) write(text);
  };
  const pending = prompt.question("Token or API key: ");
  asked = true;
  const answer = await pending;
  prompt.close();
  process.stderr.write("\n");
  return answer.trim();
};

const who = (token: string) => {
  const subject = subjectOf(token);
  return subject ? `as ${subject}` : "with an API key";
};

export const registerLogin = (program: Command): void => {
  program
    .command("login")
    .description("check a token or API key against the store and save it (mode 600) for later commands")
    .option("--token <token>", "the token or API key; - or none: read it from stdin or a prompt")
    .option("--api-key <key>", "the same as --token, for API keys")
    .addHelpText(
      "after",
      `\nThe store's URL: --url (a global option), else ARTIFACT_STORE_URL, else ${DEFAULT_URL}.\n` +
        `Saved in $XDG_CONFIG_HOME/artifact-store/config.json (~/.config/...); ARTIFACT_STORE_URL and\n` +
        "ARTIFACT_STORE_TOKEN override it for one command.",
    )
    .action(async (flags: { token?: string; apiKey?: string }, command: Command) => {
      const { url: flagUrl } = command.optsWithGlobals<{ url?: string }>();
      let url: string;
      try {
        url = normalizeUrl(flagUrl || process.env.ARTIFACT_STORE_URL || DEFAULT_URL);
      } catch {
        throw new UsageError("--url is not an http(s) URL.");
      }
      const given = flags.token ?? flags.apiKey;
      const token = given === undefined || given === "-" ? await readToken() : given;
      if (!token) throw new UsageError("No token given.");
      // A call that needs a valid credential: an unknown or expired one answers 401 here, not later.
      await new ArtifactStoreClient({ baseUrl: url, token }).search({ limit: 1 });
      await saveLogin({ url, token, savedAt: new Date().toISOString() });
      console.log(`Logged in to ${url} ${who(token)}; saved in ${configFile()} (mode 600).`);
    });

  program
    .command("logout")
    .description("forget the saved token")
    .action(async () => {
      await forgetLogin();
      console.log(`Removed ${configFile()}.`);
    });

  program
    .command("whoami")
    .description("which store and identity the next command would use")
    .option("--json", "{ url, subject, tokenFrom }")
    .action(async (flags: { json?: boolean }, command: Command) => {
      const settings = await resolveSettings(command.optsWithGlobals<{ url?: string }>());
      const subject = settings.token ? subjectOf(settings.token) : null;
      const saved = await readLogin();
      if (flags.json) {
        console.log(JSON.stringify({ url: settings.url, subject, tokenFrom: settings.tokenFrom }, null, 2));
        return;
      }
      console.log(
        settings.token
          ? `${settings.url} ${who(settings.token)} (token from ${settings.tokenFrom === "login" ? configFile() : "ARTIFACT_STORE_TOKEN"})`
          : `${settings.url}, not logged in${saved ? ` (the saved login is for ${saved.url})` : ""}`,
      );
    });
};

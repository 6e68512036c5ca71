// artifact-store dev-token --sub alice: a token for another user of the store `npm start` runs on
// this machine, from its development sign-in (the one the console's sign-in page uses). A deployed
// store has none, so there the command says to ask its token issuer instead.
import type { Command } from "commander";
import { UsageError } from "../exit-codes";
import { resolveSettings } from "../settings";

/** What the local server answers with on this route (packages/local/src/console.ts). */
const DEV_SIGN_IN = "/console/dev-sign-in";

interface Answer {
  token?: string;
  error?: { code?: string; message?: string };
}

export const registerDevToken = (program: Command): void => {
  program
    .command("dev-token")
    .description("mint a token for any user of the store `npm start` runs here (development only)")
    .requiredOption("--sub <user>", "the user id the token is for")
    .option("--json", 'print {"sub","token"} instead of the token alone')
    .addHelpText(
      "after",
      "\nThe token alone goes to stdout, so TOKEN=$(artifact-store dev-token --sub alice) works.\n" +
        "Users the banner printed keep their roles (dev-admin is an admin); any other is an ordinary\n" +
        "user. For other roles: npm run dev-token -- --sub USER --role admin, in the repository.",
    )
    .action(async (flags: { sub: string; json?: boolean }, command: Command) => {
      const { url: flagUrl } = command.optsWithGlobals<{ url?: string }>();
      const { url } = await resolveSettings({ url: flagUrl }).catch(() => {
        throw new UsageError("--url / ARTIFACT_STORE_URL is not an http(s) URL.");
      });
      let response: Response;
      try {
        response = await fetch(new URL(DEV_SIGN_IN, url), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ sub: flags.sub }),
        });
      } catch (error) {
        throw new Error(`Cannot reach ${url}: ${(error as Error).cause ?? (error as Error).message}`);
      }
      const answer = (await response.json().catch(() => ({}))) as Answer;
      if (response.status === 404)
        throw new Error(
          `${url} offers no development sign-in: dev-token works only against \`npm start\` on this machine. ` +
            "A deployed store takes tokens from its JWT issuer (AUTH_JWT_*), or API keys (artifact-store keys create).",
        );
      if (!response.ok || !answer.token)
        throw new Error(answer.error?.message ?? `${url} answered HTTP ${response.status}.`);
      console.log(flags.json ? JSON.stringify({ sub: flags.sub, token: answer.token }) : answer.token);
    });
};

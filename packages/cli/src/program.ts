import { Command } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { registerAdmin } from "./commands/admin";
import { registerArtifactCommands } from "./commands/artifacts";
import { registerDevToken } from "./commands/dev-token";
import { registerDownload } from "./commands/download";
import { registerLogin } from "./commands/login";
import { registerSearch } from "./commands/search";
import { registerUpload } from "./commands/upload";
import { EXIT_CODES_HELP } from "./exit-codes";

const ENVIRONMENT_HELP = `
Environment:
  ARTIFACT_STORE_URL    the API (overrides the saved login; default http://127.0.0.1:8787)
  ARTIFACT_STORE_TOKEN  a token or API key (overrides the saved login)
  XDG_CONFIG_HOME       where artifact-store/config.json (the login) and upload-journal.json live

Output: tables and one line per file on stdout, progress bars (on a terminal) and summaries on
stderr; --json gives one JSON document (search, show, share, ...) or JSON lines, one per file and
a last {"event":"summary"} (upload, download, rm). Admin commands always answer JSON.`;

export const buildProgram = (): Command => {
  const program = new Command("artifact-store")
    .description("Upload, find, share and download artifacts; operate the store (admin).")
    .version(packageJson.version)
    .option(
      "--url <url>",
      "the API's base URL (default: ARTIFACT_STORE_URL, the saved login, http://127.0.0.1:8787)",
    )
    .exitOverride()
    .showHelpAfterError("(artifact-store --help, or artifact-store COMMAND --help)")
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText("after", `${ENVIRONMENT_HELP}\n${EXIT_CODES_HELP}`);
  registerLogin(program);
  registerUpload(program);
  registerDownload(program);
  registerSearch(program);
  registerArtifactCommands(program);
  registerAdmin(program);
  registerDevToken(program);
  return program;
};

// artifact-store (npx artifact-store, or npm run cli -- ...): the user and operator CLI.
import { ArtifactStoreError } from "@artifact-store/client";
import { CommanderError } from "commander";
import { EXIT, UsageError } from "./exit-codes";
import { errorLine } from "./format";
import { buildProgram } from "./program";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Exits once stdout and stderr have written everything: a pipe must get the whole answer. */
const exit = (code: number) => {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
};

const run = async (argv: string[]): Promise<number> => {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      console.error(error.message);
      return EXIT.usage;
    }
    if (error instanceof ArtifactStoreError && error.status === 401 && !process.env.ARTIFACT_STORE_TOKEN)
      console.error(`${errorLine(error)}\n(run \`artifact-store login\` again)`);
    else console.error(errorLine(error));
    return EXIT.failed;
  }
};

run(process.argv.slice(2)).then(exit);

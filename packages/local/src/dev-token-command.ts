// `npm run dev-token -- --sub alice [--role admin] [--expires-in 12h] [--json]`: a token for another
// user of the store `npm start` runs (same DATA_DIR). The token alone goes to stdout, so
// `TOKEN=$(npm run -s dev-token -- --sub alice)` works; what it is goes to stderr.
import { parseArgs } from "node:util";
import { mintDevelopmentToken } from "./dev-token";

const USAGE = `Usage: npm run dev-token -- --sub USER [--role ROLE]... [--expires-in 30d] [--json]

Mints a token for USER, signed with the development secret \`npm start\` keeps in DATA_DIR
(default .data), or with AUTH_JWT_SECRET when set. --role admin makes an admin.`;

const main = async (): Promise<number> => {
  let values: { sub?: string; role?: string[]; "expires-in"?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        sub: { type: "string" },
        role: { type: "string", multiple: true },
        "expires-in": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.sub) {
    console.error(`--sub is required.\n\n${USAGE}`);
    return 2;
  }
  const expiresIn = values["expires-in"];
  const minted = await mintDevelopmentToken({
    sub: values.sub,
    roles: values.role ?? [],
    // Plain digits are seconds (jose would read a number as a point in time).
    ...(expiresIn ? { expiresIn: /^\d+$/.test(expiresIn) ? `${expiresIn}s` : expiresIn } : {}),
  });
  if (values.json) {
    console.log(JSON.stringify({ ...minted, expiresAt: minted.expiresAt.toISOString() }));
    return 0;
  }
  const roles = minted.roles.length > 0 ? minted.roles.join(", ") : "none";
  console.error(`[dev-token] ${minted.sub} (roles: ${roles}), valid until ${minted.expiresAt.toISOString()}`);
  console.log(minted.token);
  return 0;
};

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(`[dev-token] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

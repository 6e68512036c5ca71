import { ArtifactStoreClient } from "@artifact-store/client";
import type { Command } from "commander";
import { UsageError } from "./exit-codes";
import { resolveSettings, type Settings } from "./settings";

export interface Connection {
  client: ArtifactStoreClient;
  settings: Settings;
}

/**
 * A client for the store the flags, environment and saved login name. Without a credential,
 * only what anyone may do (search and download public artifacts) is allowed to go ahead.
 */
export const connect = async (
  command: Command,
  options: { anonymous?: boolean } = {},
): Promise<Connection> => {
  const { url } = command.optsWithGlobals<{ url?: string }>();
  let settings: Settings;
  try {
    settings = await resolveSettings({ url });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`--url / ARTIFACT_STORE_URL is not an http(s) URL.`);
    throw error;
  }
  if (!settings.token && !options.anonymous) {
    throw new UsageError(
      `Not logged in to ${settings.url}: run \`artifact-store login --url ${settings.url} --token TOKEN\`, or set ARTIFACT_STORE_TOKEN.`,
    );
  }
  return {
    settings,
    client: new ArtifactStoreClient({
      baseUrl: settings.url,
      ...(settings.token ? { token: settings.token } : {}),
    }),
  };
};

/** Repeatable options collect into a list. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

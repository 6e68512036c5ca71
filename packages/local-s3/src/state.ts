import { readFile, rename, writeFile } from "node:fs/promises";
import type { ClusterLayout, ConfigInput } from "./config";

/** The OSD a cluster was made with; `ceph-osd -i id` finds its data by id, the uuid checks it. */
export interface OsdIdentity {
  id: string;
  uuid: string;
}

export interface S3Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * What a persistent start records once its cluster is fully up, so the next one can start the
 * same daemons again without mkfs: the mon address is baked into the monmap, hence the ports.
 */
export interface ClusterState extends ConfigInput, S3Keys {
  version: typeof STATE_VERSION;
  osd: OsdIdentity;
}

const STATE_VERSION = 1;

/**
 * The recorded state, or undefined when there is none (no cluster, or a first start that did
 * not finish). A state file that cannot be understood is an error, not a reason to wipe data.
 */
export async function readState(layout: ClusterLayout): Promise<ClusterState | undefined> {
  let text: string;
  try {
    text = await readFile(layout.state, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    state = undefined;
  }
  if (!isClusterState(state)) {
    throw new Error(
      `local-s3: ${layout.state} is not a cluster state this version understands; ` +
        `delete ${layout.dir} to start a fresh, empty cluster`,
    );
  }
  return state;
}

/** Written through a rename, so a crash leaves the old file or the new one, never half of one. */
export async function writeState(layout: ClusterLayout, state: Omit<ClusterState, "version">): Promise<void> {
  const temporary = `${layout.state}.tmp`;
  // It holds the S3 secret.
  await writeFile(temporary, `${JSON.stringify({ version: STATE_VERSION, ...state }, null, 2)}\n`, {
    mode: 0o600,
  });
  await rename(temporary, layout.state);
}

function isClusterState(value: unknown): value is ClusterState {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const osd = v.osd as Record<string, unknown> | undefined;
  return (
    v.version === STATE_VERSION &&
    typeof v.fsid === "string" &&
    [v.monV2Port, v.monV1Port, v.rgwPort].every(isPort) &&
    typeof osd === "object" &&
    osd !== null &&
    typeof osd.id === "string" &&
    /^\d+$/.test(osd.id) &&
    typeof osd.uuid === "string" &&
    typeof v.accessKeyId === "string" &&
    typeof v.secretAccessKey === "string"
  );
}

const isPort = (p: unknown): boolean => Number.isInteger(p) && (p as number) > 0 && (p as number) <= 65535;

// The API in a process of its own that SIGKILLs itself at a failpoint (FAULT_KILL_AT, e.g.
// `complete:after-storage-completed`), for fault runs that need a real crash: no finally blocks,
// no response, connections cut. Prints `READY <url>` once it serves. Run by fault-scenarios.ts.
import { armFailpoint } from "@artifact-store/core";
import { startLocalApi } from "@artifact-store/local";

const killAt = process.env.FAULT_KILL_AT;
if (killAt) {
  armFailpoint(killAt, () => {
    process.kill(process.pid, "SIGKILL");
  });
}

const api = await startLocalApi(process.env, 0);
process.stdout.write(`READY ${api.url}\n`);
process.once("SIGTERM", () => {
  api.close().then(() => process.exit(0));
});

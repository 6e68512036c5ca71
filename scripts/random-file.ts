import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";

const CHUNK = 4 * 1024 * 1024;

/** A file of random bytes, written a 4 MiB chunk at a time (never all in memory). */
export const writeRandomFile = async (path: string, size: number): Promise<void> => {
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += CHUNK) {
    if (!out.write(randomBytes(Math.min(CHUNK, size - written)))) {
      await new Promise<void>((done) => out.once("drain", () => done()));
    }
  }
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
};

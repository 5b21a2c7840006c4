import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * A fresh directory for the enclosing describe, removed after it. Call it before hooks that use
 * the directory: vitest runs after-hooks in reverse, so it is removed after they are done.
 */
export function useTempDir(prefix: string): { readonly path: string } {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get path() {
      return dir;
    },
  };
}

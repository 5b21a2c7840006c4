import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const ROOT = join(import.meta.dirname, "..");

/** The built `banbot` bin: what `npm link`, the systemd unit and the container run. */
export const BUILT_CLI = join(ROOT, "dist/src/cli.js");

// One build for the whole `npm run bench` (12 s each): the sources do not change under it.
let built: Promise<unknown> | undefined;

/** Builds the bundle and its code cache from the sources being measured (`npm run build`), once per process. */
export async function buildCli(): Promise<void> {
  built ??= promisify(execFile)("npm", ["run", "build"], { cwd: ROOT });
  await built;
}

/**
 * node's arguments for `banbot start` (or `agent`) as the systemd unit runs it: with the node flags
 * of its ExecStart (the container's ENTRYPOINT has the same, test/ops/node-flags.test.ts).
 */
export function serviceCliArgs(args: readonly string[]): string[] {
  const execStart = /^ExecStart=(.*)$/m.exec(readFileSync(join(ROOT, "docker/systemd/banbot.service"), "utf8"))![1]!.split(" ");
  return [...execStart.filter((word) => word.startsWith("--")), BUILT_CLI, ...args];
}

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const ROOT = join(import.meta.dirname, "..");

/** The built `banbot` bin: what `npm link`, the systemd unit and the container run. */
export const BUILT_CLI = join(ROOT, "dist/src/cli.js");

/** Builds the bundle and its code cache from the sources being measured (`npm run build`). */
export async function buildCli(): Promise<void> {
  await promisify(execFile)("npm", ["run", "build"], { cwd: ROOT });
}

/** node's arguments for a one-shot `banbot <args>`, as the bin runs it. */
export function builtCliArgs(args: readonly string[]): string[] {
  return [BUILT_CLI, ...args];
}

/**
 * node's arguments for `banbot start` (or `agent`) as the systemd unit runs it: with the node flags
 * of its ExecStart (the container's ENTRYPOINT has the same, test/ops/node-flags.test.ts).
 */
export function serviceCliArgs(args: readonly string[]): string[] {
  const execStart = /^ExecStart=(.*)$/m.exec(readFileSync(join(ROOT, "docker/systemd/banbot.service"), "utf8"))![1]!.split(" ");
  return [...execStart.filter((word) => word.startsWith("--")), BUILT_CLI, ...args];
}

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

/**
 * node's arguments for `banbot <args>` as the bin runs it: the node flags of its shebang
 * (`#!/usr/bin/env -S node --flag…`, which the systemd unit and the container pass too), the bin, `args`.
 */
export function builtCliArgs(args: readonly string[]): string[] {
  const shebang = readFileSync(BUILT_CLI, "utf8").split("\n", 1)[0]!;
  return [...shebang.split(" ").filter((word) => word.startsWith("--")), BUILT_CLI, ...args];
}

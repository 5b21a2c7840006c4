import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { shebangNodeFlags } from "../src/cli/bundle.js";

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
  return [...shebangNodeFlags(BUILT_CLI), BUILT_CLI, ...args];
}

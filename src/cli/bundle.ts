import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

// `npm run build` also bundles BanBot into one file (scripts/bundle.ts) and saves V8's compiled code
// for it beside it. A one-shot `banbot exec` spends most of its time before its first line: Node
// resolving, reading and compiling ~500 modules. One file with its code cache skips nearly all of
// that. The cache is made by the same Node at build time and only read here: nothing is written at
// run time, so a read-only image works, and no other user's file is ever taken for compiled code.

export interface Bundle {
  /** The bundle's exports: what src/main.ts exports. */
  exports: unknown;
  /** Whether V8 took the saved code (false after a Node upgrade: it compiles the source instead). */
  cached: boolean;
}

/** The bundle's file and its code cache's, beside the built CLI (dist/src/cli.js → dist/banbot.cjs). */
export function bundleFiles(cliUrl: string): { source: string; cache: string } {
  const source = fileURLToPath(new URL("../banbot.cjs", cliUrl));
  return { source, cache: `${source}.cache` };
}

/**
 * Runs the CommonJS bundle `source` with V8's code cache from `cache` when it has one that fits.
 * Returns undefined when there is no bundle (running from the sources, or a build without it).
 */
export function loadBundle(files: { source: string; cache: string }): (Bundle & { script: vm.Script }) | undefined {
  let source: string;
  try {
    // esbuild writes ASCII only (it escapes every other character), so a byte is a character: read
    // as latin1, the 1.3 MB need no UTF-8 decoding (a few ms of every command).
    source = readFileSync(files.source, "latin1");
  } catch {
    return undefined;
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(files.cache);
  } catch {
    // No cache: compiled from the source, as Node would.
  }
  const script = new vm.Script(wrapCommonJs(source), {
    filename: files.source,
    cachedData,
    // The bundle still imports a few packages when it needs them (the chat SDKs): the usual loader does.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  const module = { exports: {} as unknown };
  run.call(module.exports, module.exports, createRequire(files.source), module, files.source, dirname(files.source));
  return { exports: module.exports, cached: cachedData !== undefined && !script.cachedDataRejected, script };
}

// Node's own CommonJS wrapper, so the bundle sees the variables a required file sees.
function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
}

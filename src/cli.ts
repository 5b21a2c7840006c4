#!/usr/bin/env node
import { bundleFiles, loadBundle } from "./cli/bundle.js";
import type * as Main from "./main.js";

// Built, BanBot runs from its bundle with V8's code cache (dist/banbot.cjs); from the sources (tsx,
// the tests) there is none, and main.ts is imported as usual.
const { main } = (loadBundle(bundleFiles(import.meta.url))?.exports as typeof Main | undefined) ?? (await import("./main.js"));

try {
  process.exitCode = await main(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    stdin: process.stdin,
    stdout: process.stdout,
  });
} catch (err) {
  console.error("banbot: unexpected failure", err);
  process.exitCode = 70;
}

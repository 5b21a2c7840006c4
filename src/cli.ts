#!/usr/bin/env -S node --max-semi-space-size=8
// The flag halves V8's young generation (32 MB by default on a machine with a few GB of memory):
// `banbot start` stays within 150 MB through a first sync of 100,000 bans (docs/performance.md). The
// systemd unit and the container run node with the same flags (test/ops/node-flags.test.ts).
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

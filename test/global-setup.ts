import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import type { TestProject } from "vitest/node";
import { bundle } from "../scripts/bundle.js";

const ROOT = join(import.meta.dirname, "..");

declare module "vitest" {
  export interface ProvidedContext {
    /** The built CLI, `node <banbotCli> …` as `npm run build` ships it (test/harness/spawn-banbot.ts). */
    banbotCli: string;
  }
}

/**
 * Builds BanBot once per run as `npm run build` lays it out, src/cli.js beside ../banbot.cjs and its
 * code cache, for the tests that spawn `banbot`: run from the sources, each spawn spent about a
 * second of CPU having tsx transpile ~500 modules. Under dist/, so BanBot finds its package.json,
 * migrations and packages from where it runs, as the built one does.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await mkdir(join(ROOT, "dist"), { recursive: true });
  const dir = await mkdtemp(join(ROOT, "dist/test-build-"));
  await bundle(join(dir, "banbot.cjs"));
  // The entry point and its loader only (what tsc emits for them); the bundle holds the rest.
  await build({ entryPoints: [join(ROOT, "src/cli.ts"), join(ROOT, "src/cli/bundle.ts")], outbase: join(ROOT, "src"), outdir: join(dir, "src"), platform: "node", format: "esm", logLevel: "warning" });
  project.provide("banbotCli", join(dir, "src/cli.js"));
  return async () => await rm(dir, { recursive: true, force: true });
}

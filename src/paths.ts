import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory holding BanBot's package.json, found by walking up from this module so that it works
 * from src/ (tsx, vitest) and from dist/src/ after a build alike.
 */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && isBanBotManifest(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no BanBot package.json above ${fileURLToPath(from)}`);
    dir = parent;
  }
}

export function migrationsDir(root: string = packageRoot()): string {
  return join(root, "migrations");
}

function isBanBotManifest(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === "banbot";
  } catch {
    return false;
  }
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { migrationsDir, packageRoot } from "../src/paths.js";

describe("packageRoot", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("finds the repository root from the source tree", () => {
    expect(packageRoot()).toBe(join(import.meta.dirname, ".."));
  });

  it("finds the root from a built module two levels down, skipping other package.json files", () => {
    const root = mkdtempSync(join(tmpdir(), "banbot-paths-"));
    dirs.push(root);
    mkdirSync(join(root, "dist", "src"), { recursive: true });
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "banbot" }));
    writeFileSync(join(root, "dist", "package.json"), JSON.stringify({ type: "module" }));
    const moduleUrl = pathToFileURL(join(root, "dist", "src", "paths.js")).href;
    expect(packageRoot(moduleUrl)).toBe(root);
    expect(migrationsDir(packageRoot(moduleUrl))).toBe(join(root, "migrations"));
  });

  it("fails clearly when there is no BanBot package above", () => {
    const root = mkdtempSync(join(tmpdir(), "banbot-paths-"));
    dirs.push(root);
    expect(() => packageRoot(pathToFileURL(join(root, "x.js")).href)).toThrow(/no BanBot package.json/);
  });
});

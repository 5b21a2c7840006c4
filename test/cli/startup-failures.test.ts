import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnBanbot } from "../harness/spawn-banbot.js";
import { useTempDir } from "../harness/temp-dir.js";

// `banbot start` as a service manager runs it, with a setup it cannot use: one line that names the
// file and says what to do, exit 2 (systemd's journal shows the line; no stack trace, no exit 70).
describe("banbot start refuses a setup it cannot use", () => {
  const tmp = useTempDir("bbf-");

  const startWith = async (env: Record<string, string>, command = "start") => {
    const bot = spawnBanbot([command], { PATH: process.env.PATH, HOME: process.env.HOME, BANBOT_FAIL2BAN_SOCKET: join(tmp.path, "none.sock"), ...env });
    const code = await bot.exited;
    return { code, stderr: bot.logs().trimEnd() };
  };
  const configFile = async (name: string, text: string) => {
    const path = join(tmp.path, name);
    await writeFile(path, text);
    return { BANBOT_CONFIG: path, BANBOT_DATA_DIR: join(tmp.path, `data-${name}`) };
  };

  it.each([
    [
      "an alias bomb",
      "bomb.yaml",
      ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e", "f", "g"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdef"[i]}`).join(", ")}]`)].join("\n"),
      /aliases \(\*name\) expand to too much data.*write the values out/,
    ],
    ["a self-referencing anchor", "self.yaml", "access: &loop\n  grants: *loop\n", /anchor is used inside itself.*replace that alias/],
  ])("%s in the config file", { timeout: 30_000 }, async (_what, name, text, why) => {
    const env = await configFile(name, text);
    const { code, stderr } = await startWith(env);
    expect(code).toBe(2);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toContain(env.BANBOT_CONFIG);
    expect(stderr).toMatch(why);
  });

  it.each(["start", "migrate"])("a store file that is not a database (%s)", { timeout: 30_000 }, async (command) => {
    const dataDir = join(tmp.path, `notadb-${command}`);
    await mkdir(dataDir);
    await writeFile(join(dataDir, "banbot.sqlite3"), "these are not the bytes of an SQLite database\n".repeat(200));
    const { code, stderr } = await startWith({ BANBOT_DATA_DIR: dataDir }, command);
    expect(code).toBe(2);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toBe(
      `${join(dataDir, "banbot.sqlite3")} is not an SQLite database (or is damaged): move it aside so BanBot makes a new store, or restore it from a backup (BANBOT_DATA_DIR sets its directory).`,
    );
  });
});

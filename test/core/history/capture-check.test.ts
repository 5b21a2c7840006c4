import { copyFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../../../src/config.js";
import { checkHistoryCapture, historyActionFile, historySocketPath } from "../../../src/core/history/capture-check.js";
import { useClients } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";
import { historyOn } from "../../harness/history.js";
import { migratedStore } from "../../harness/store.js";
import { useTempDir } from "../../harness/temp-dir.js";

const configFor = (dataDir: string, confDir: string, socket?: string): Config => {
  const base = loadConfig({ BANBOT_DATA_DIR: dataDir }, socket ? `history:\n  socket: ${socket}\n` : "");
  return { ...base, fail2ban: { ...base.fail2ban, configDir: confDir } };
};

describe("historySocketPath", () => {
  it("defaults to history.sock in the data directory", () => {
    expect(historySocketPath(configFor("/var/lib/banbot", "/etc/fail2ban"))).toBe("/var/lib/banbot/history.sock");
    expect(historySocketPath(configFor("/var/lib/banbot", "/etc/fail2ban", "/run/banbot/h.sock"))).toBe("/run/banbot/h.sock");
  });
});

describe("checkHistoryCapture with the action installed", () => {
  const dir = useTempDir("bbc-");
  const socket = () => join(dir.path, "h.sock");
  const f2b = useFail2ban({ extraActions: [{ file: historyActionFile(), options: { socket: join(tmpdir(), "unused.sock") } }] });
  const connect = useClients();
  const check = () => checkHistoryCapture(configFor(dir.path, join(f2b.sandbox.dir, "conf"), socket()), connect(f2b.sandbox.socketPath).fail2ban);

  it("finds every jail reporting, and says whether BanBot listens", async () => {
    expect(await check()).toBe(`2 jail(s) report to ${socket()}; BanBot is not running now (events are dropped until it is; bans are backfilled)`);
    const listener = await historyOn(migratedStore()).listen({ path: socket(), mode: 0o600 });
    try {
      expect(await check()).toBe(`2 jail(s) report to ${socket()}; BanBot is listening`);
    } finally {
      await listener.close();
    }
  });

  it("says when the installed action is not this BanBot's", async () => {
    const installed = join(f2b.sandbox.dir, "conf", "action.d", "banbot.py");
    await writeFile(installed, "# an older copy\n");
    try {
      expect(await check()).toContain(`${installed} differs from this BanBot's copy: update it`);
    } finally {
      await copyFile(historyActionFile(), installed);
    }
  });
});

describe("checkHistoryCapture without the action", () => {
  const f2b = useFail2ban();
  const connect = useClients();

  it("explains how to install it", async () => {
    const check = checkHistoryCapture(configFor("/var/lib/banbot", join(f2b.sandbox.dir, "conf")), connect(f2b.sandbox.socketPath).fail2ban);
    await expect(check).rejects.toThrow(/no jail reports to BanBot.*copy .*banbot\.py to .*action\.d\/banbot\.py and add `banbot\.py\[socket="\/var\/lib\/banbot\/history\.sock"\]`/);
  });
});

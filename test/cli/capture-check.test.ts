import { execFile } from "node:child_process";
import { copyFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { loadConfig, type Config } from "../../src/config.js";
import { CliConfigOps } from "../../src/core/fail2ban/config-ops.js";
import { checkHistoryCapture, historyActionFile, historySocketPath } from "../../src/cli/capture-check.js";
import { sandboxPaths, writeSandboxConfig, type SandboxAction } from "../../src/sandbox/sandbox-config.js";
import type { Fail2banSandbox } from "../../src/sandbox/fail2ban-sandbox.js";
import { silentLog, useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { historyOn } from "../harness/history.js";
import { migratedStore } from "../harness/store.js";
import { useTempDir } from "../harness/temp-dir.js";

const run = promisify(execFile);

const configFor = (dataDir: string, confDir: string, socket?: string): Config => {
  const base = loadConfig({ BANBOT_DATA_DIR: dataDir }, socket ? `history:\n  socket: ${socket}\n` : "");
  return { ...base, fail2ban: { ...base.fail2ban, configDir: confDir } };
};

// The check as `banbot doctor` runs it, for BanBot listening on `socket`.
function useCheck(f2b: { readonly sandbox: Fail2banSandbox }) {
  const connect = useClients();
  return (socket: string) => {
    const confDir = join(f2b.sandbox.dir, "conf");
    const { fail2ban } = connect(f2b.sandbox.socketPath);
    const configOps = new CliConfigOps({ clientPath: "fail2ban-client", configDir: confDir, socketPath: f2b.sandbox.socketPath, timeoutMs: 20_000, log: silentLog, jailExists: () => Promise.resolve(true) });
    return checkHistoryCapture(configFor("/var/lib/banbot", confDir, socket), fail2ban, configOps);
  };
}

/** Rewrites the sandbox's jail.conf as if the admin edited it, then has fail2ban-client reload it. */
async function reconfigure(sandbox: Fail2banSandbox, extraActions: SandboxAction[]): Promise<void> {
  await writeSandboxConfig(sandboxPaths(sandbox.dir), sandbox.jails, { dbpurgeage: "1d", extraActions });
  await run("fail2ban-client", ["-c", join(sandbox.dir, "conf"), "-s", sandbox.socketPath, "reload"]);
}

describe("historySocketPath", () => {
  it("defaults to history.sock in the data directory", () => {
    expect(historySocketPath(configFor("/var/lib/banbot", "/etc/fail2ban"))).toBe("/var/lib/banbot/history.sock");
    expect(historySocketPath(configFor("/var/lib/banbot", "/etc/fail2ban", "/run/banbot/h.sock"))).toBe("/run/banbot/h.sock");
  });
});

describe("checkHistoryCapture with the action loaded", () => {
  const dir = useTempDir("bbc-");
  const reportsTo = join(tmpdir(), "bbc-elsewhere.sock");
  const f2b = useFail2ban({ extraActions: [{ file: historyActionFile(), options: { socket: reportsTo } }] });
  const check = useCheck(f2b);
  const connect = useClients();

  it("finds every jail reporting to BanBot's socket, and says whether BanBot listens", async () => {
    expect(await check(reportsTo)).toBe(`2 jail(s) report to ${reportsTo}; BanBot is not running now (events are dropped until it is; bans are backfilled)`);
    const listener = await historyOn(migratedStore()).listen({ path: reportsTo, mode: 0o600 });
    try {
      expect(await check(reportsTo)).toBe(`2 jail(s) report to ${reportsTo}; BanBot is listening`);
    } finally {
      await listener.close();
    }
  });

  it("fails for jails reporting to another socket than BanBot listens on", async () => {
    const ours = join(dir.path, "h.sock");
    await expect(check(ours)).rejects.toThrow(
      `alpha reports to ${reportsTo}, but BanBot listens on ${ours}: set socket="${ours}" in its banbot.py action and reload fail2ban; beta reports to ${reportsTo}`,
    );
  });

  it("says when the installed action is not this BanBot's", async () => {
    const installed = join(f2b.sandbox.dir, "conf", "action.d", "banbot.py");
    await writeFile(installed, "# an older copy\n");
    try {
      expect(await check(reportsTo)).toContain(`${installed} differs from this BanBot's copy: update it, then restart fail2ban`);
    } finally {
      await copyFile(historyActionFile(), installed);
    }
  });

  it("follows a socket changed in the configuration after a reload, and reports there", async () => {
    const moved = join(dir.path, "moved.sock");
    await reconfigure(f2b.sandbox, [{ file: historyActionFile(), options: { socket: moved, retry: "0.2" } }]);
    expect(await check(moved)).toMatch(/^2 jail\(s\) report to /);
    const history = historyOn(migratedStore());
    const listener = await history.listen({ path: moved, mode: 0o600 });
    try {
      await connect(f2b.sandbox.socketPath).fail2ban.ban("beta", ["192.0.2.77"]);
      await vi.waitFor(() => expect(history.events({ ip: "192.0.2.77" }, { limit: 5 }).map((e) => e.kind)).toEqual(["ban"]), { timeout: 5_000 });
    } finally {
      await listener.close();
      // Back to the socket the other tests expect.
      await reconfigure(f2b.sandbox, [{ file: historyActionFile(), options: { socket: reportsTo } }]);
    }
  });
});

describe("checkHistoryCapture without the action", () => {
  const f2b = useFail2ban();
  const check = useCheck(f2b);
  const socket = "/var/lib/banbot/history.sock";

  it("explains how to install it", async () => {
    await expect(check(socket)).rejects.toThrow(
      /no jail reports to BanBot.*copy .*banbot\.py to .*action\.d\/banbot\.py and add `banbot\.py\[socket="\/var\/lib\/banbot\/history\.sock"\]`.*then restart fail2ban/,
    );
  });
});

// Its own fail2ban: the test changes the configuration and restarts it.
describe("checkHistoryCapture once the configuration asks for the action", () => {
  const f2b = useFail2ban();
  const check = useCheck(f2b);
  const socket = "/var/lib/banbot/history.sock";

  it("says to restart fail2ban, not to copy the file, when only a restart can load it", async () => {
    await reconfigure(f2b.sandbox, [{ file: historyActionFile(), options: { socket } }]);
    // fail2ban reloaded its configuration, which now asks for the action, but did not load it.
    const err = String(await check(socket).catch((e: unknown) => e));
    expect(err).toContain("alpha's configuration has the action but fail2ban has not loaded it: restart fail2ban");
    expect(err).not.toMatch(/copy /);
    await f2b.sandbox.restart();
    expect(await check(socket)).toMatch(/^2 jail\(s\) report to \/var\/lib\/banbot\/history\.sock/);
  });
});

describe("checkHistoryCapture with an older action loaded", () => {
  const dir = useTempDir("bbo-");
  // What fail2ban runs until it restarts after an upgrade: a banbot.py without reload() or `socket`.
  const f2b = useFail2ban({ extraActions: [{ file: join(import.meta.dirname, "../fixtures/fail2ban/old-action/banbot.py") }] });
  const check = useCheck(f2b);

  it("says a restart loads the new one", async () => {
    await copyFile(historyActionFile(), join(f2b.sandbox.dir, "conf", "action.d", "banbot.py"));
    await expect(check(join(dir.path, "h.sock"))).rejects.toThrow(/alpha runs an older BanBot action, which fail2ban drops on a reload: restart fail2ban/);
  });
});

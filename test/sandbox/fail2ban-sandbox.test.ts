import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { startFail2banSandbox } from "../../src/sandbox/fail2ban-sandbox.js";
import type { Fail2banSandbox } from "../../src/sandbox/fail2ban-sandbox.js";
import { TEST_JAILS, causeBanByLog, serverLogOffset, useFail2ban, waitForServerLog } from "../harness/fail2ban.js";

async function exists(path: string): Promise<boolean> {
  return await stat(path).then(
    () => true,
    () => false,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function serverPid(sandbox: Fail2banSandbox): Promise<number> {
  return Number((await readFile(sandbox.pidFile, "utf8")).trim());
}

// Runs `body` against a fresh sandbox and disposes it whatever happens.
async function withSandbox(body: (sandbox: Fail2banSandbox) => Promise<void>): Promise<void> {
  const sandbox = await startFail2banSandbox({ jails: TEST_JAILS });
  try {
    await body(sandbox);
  } finally {
    await sandbox.dispose();
  }
}

describe("startFail2banSandbox", () => {
  it("is ready with every jail started and its socket in place, and dispose removes everything", async () => {
    const sandbox = await startFail2banSandbox({ jails: TEST_JAILS });
    const pid = await serverPid(sandbox);
    try {
      expect((await stat(sandbox.socketPath)).isSocket()).toBe(true);
      expect(Buffer.byteLength(sandbox.socketPath)).toBeLessThanOrEqual(107);
      expect(isAlive(pid)).toBe(true);
      const log = await readFile(sandbox.serverLog, "utf8");
      expect(log).toContain("Jail 'alpha' started");
      expect(log).toContain("Jail 'beta' started");
    } finally {
      await sandbox.dispose();
    }
    expect(await exists(sandbox.dir)).toBe(false);
    expect(isAlive(pid)).toBe(false);
    await sandbox.dispose();
  });

  it("rejects quickly, quoting the fail2ban log, when fail2ban refuses the config", async () => {
    const started = performance.now();
    const start = startFail2banSandbox({ jails: [{ name: "nohost", failregex: ["^FAIL login from$"] }] });
    await expect(start).rejects.toThrow(/rejected its configuration[\s\S]*No failure-id group in '\^FAIL login from\$'/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("rejects invalid jail definitions before spawning anything", async () => {
    await expect(startFail2banSandbox({ jails: [{ name: "a b", failregex: ["<HOST>"] }] })).rejects.toThrow(/jail name/);
    await expect(startFail2banSandbox({ jails: [{ name: "x", failregex: ["a\n<HOST>"] }] })).rejects.toThrow(/newline/);
  });

  it("reports a missing server binary", async () => {
    const start = startFail2banSandbox({ jails: TEST_JAILS, serverBin: "/nonexistent/fail2ban-server" });
    await expect(start).rejects.toThrow(/cannot run fail2ban-server .*ENOENT/);
  });

  it("kills a server that never reports ready", async () => {
    const binDir = await mkdtemp(join(tmpdir(), "f2b-bin-"));
    try {
      const pidFile = join(binDir, "pid");
      const fakeServer = join(binDir, "hang");
      await writeFile(fakeServer, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 30\n`);
      await chmod(fakeServer, 0o755);
      const start = startFail2banSandbox({ jails: TEST_JAILS, serverBin: fakeServer, readyTimeoutMs: 500 });
      await expect(start).rejects.toThrow(/not ready within 500 ms and was killed/);
      expect(isAlive(Number(await readFile(pidFile, "utf8")))).toBe(false);
    } finally {
      await rm(binDir, { recursive: true, force: true });
    }
  });

  it("stops cleanly and idempotently, keeping the DB and logs", async () => {
    await withSandbox(async (sandbox) => {
      const pid = await serverPid(sandbox);
      await Promise.all([sandbox.stop(), sandbox.stop()]);
      await sandbox.stop();
      expect(isAlive(pid)).toBe(false);
      expect(await exists(sandbox.socketPath)).toBe(false);
      expect(await exists(sandbox.dbPath)).toBe(true);
      expect(await readFile(sandbox.serverLog, "utf8")).toContain("Exiting Fail2ban");
    });
  });

  it("restores bans from its database after a restart", async () => {
    await withSandbox(async (sandbox) => {
      await causeBanByLog(sandbox, "alpha", "192.0.2.50");
      const from = await serverLogOffset(sandbox);
      await sandbox.restart();
      await waitForServerLog(sandbox, /NOTICE\s+\[alpha\] Restore Ban 192\.0\.2\.50$/, { from });
      const db = new Database(sandbox.dbPath, { readonly: true, fileMustExist: true, timeout: 2_000 });
      try {
        const rows = db.prepare("SELECT jail, ip FROM bips").all();
        expect(rows).toEqual([{ jail: "alpha", ip: "192.0.2.50" }]);
      } finally {
        db.close();
      }
    });
  });

  it("recovers from a crash: kill leaves a stale socket, restart replaces it", async () => {
    await withSandbox(async (sandbox) => {
      const crashed = await serverPid(sandbox);
      await sandbox.kill();
      expect(isAlive(crashed)).toBe(false);
      expect(await exists(sandbox.socketPath)).toBe(true);
      await sandbox.restart();
      const restarted = await serverPid(sandbox);
      expect(restarted).not.toBe(crashed);
      expect(isAlive(restarted)).toBe(true);
      expect((await stat(sandbox.socketPath)).isSocket()).toBe(true);
    });
  });
});

describe("causeBanByLog", () => {
  const f2b = useFail2ban();

  it.each([
    ["alpha", "192.0.2.10"],
    ["beta", "198.51.100.20"],
    ["alpha", "2001:db8::7"],
  ])("bans through the %s log file (%s)", async (jail, ip) => {
    await causeBanByLog(f2b.sandbox, jail, ip);
    expect(await readFile(f2b.sandbox.serverLog, "utf8")).toMatch(new RegExp(`\\[${jail}\\] Found ${ip} `));
  });

  it("fails with the IP's log lines when no ban follows", async () => {
    const attempt = causeBanByLog(f2b.sandbox, "alpha", "203.0.113.9", { timeoutMs: 1_500, line: () => "nothing" });
    await expect(attempt).rejects.toThrow(/did not ban 203\.0\.113\.9 in \[alpha\] within 1500 ms[\s\S]*\(none\)/);
  });

  it("needs an explicit line for a failregex with regex syntax", async () => {
    const jail = { name: "alpha", failregex: ["^x (\\d+) <HOST>$"], maxretry: 3, findtime: 1, bantime: 1, ignoreip: [] };
    const sandbox: Fail2banSandbox = { ...f2b.sandbox, jails: [jail] };
    await expect(causeBanByLog(sandbox, "alpha", "192.0.2.1")).rejects.toThrow(/pass opts.line/);
  });
});

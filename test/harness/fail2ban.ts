import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, vi } from "vitest";
import { CliConfigOps } from "../../src/core/fail2ban/config-ops.js";
import { startFail2banSandbox } from "../../src/sandbox/fail2ban-sandbox.js";
import type { Fail2banSandbox, StartFail2banSandboxOptions } from "../../src/sandbox/fail2ban-sandbox.js";
import { readFrom } from "../../src/sandbox/server-process.js";
import { silentLog } from "./client.js";
import { escapeRegExp } from "./escape-regexp.js";
import { TEST_JAILS } from "./test-jails.js";

export { TEST_JAILS } from "./test-jails.js";

/**
 * Starts one real fail2ban-server for the enclosing describe/file and always disposes it, even
 * when tests fail. Read `.sandbox` inside tests, not at collection time.
 */
export function useFail2ban(opts: Partial<StartFail2banSandboxOptions> = {}): { readonly sandbox: Fail2banSandbox } {
  let current: Fail2banSandbox | undefined;
  beforeAll(async () => {
    current = await startFail2banSandbox({ jails: TEST_JAILS, ...opts });
  });
  afterAll(async () => {
    await current?.dispose();
    current = undefined;
  });
  return {
    get sandbox(): Fail2banSandbox {
      if (!current) throw new Error("useFail2ban: the sandbox is only available inside tests and hooks");
      return current;
    },
  };
}

/** fail2ban-client on the sandbox's configuration, as BanBot runs it: e.g. to start a jail a test stopped. */
export function sandboxConfigOps(sandbox: Fail2banSandbox): CliConfigOps {
  return new CliConfigOps({
    clientPath: "fail2ban-client",
    configDir: join(sandbox.dir, "conf"),
    socketPath: sandbox.socketPath,
    timeoutMs: 20_000,
    log: silentLog,
    jailExists: () => Promise.resolve(true),
  });
}

/** Byte offset of the end of the server log now, for waitForServerLog's `from`. */
export async function serverLogOffset(sandbox: Fail2banSandbox): Promise<number> {
  try {
    return (await stat(sandbox.serverLog)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
}

/** Waits until a line written after `from` matches; returns that line. */
export async function waitForServerLog(
  sandbox: Fail2banSandbox,
  pattern: RegExp,
  opts: { from: number; timeoutMs?: number; describe?: (logSince: string) => string },
): Promise<string> {
  return await vi.waitFor(
    async () => {
      const since = await readFrom(sandbox.serverLog, opts.from);
      const line = since.split("\n").find((l) => pattern.test(l));
      if (line === undefined) {
        throw new Error(opts.describe?.(since) ?? `no fail2ban log line matching ${pattern} appeared`);
      }
      return line;
    },
    { timeout: opts.timeoutMs ?? 10_000, interval: 50 },
  );
}

/**
 * Appends `maxretry` failure lines for `ip` and waits for fail2ban's own
 * `NOTICE  [<jail>] Ban <ip>` log line, so it does not depend on BanBot's client. The IP must be
 * in canonical form (as fail2ban logs it) and not already banned in that jail: a repeat ban is
 * logged at DEBUG only.
 */
export async function causeBanByLog(
  sandbox: Fail2banSandbox,
  jailName: string,
  ip: string,
  opts: { timeoutMs?: number; line?: (ip: string) => string } = {},
): Promise<void> {
  const jail = sandbox.jails.find((j) => j.name === jailName);
  if (!jail) throw new Error(`causeBanByLog: the sandbox has no jail ${jailName}`);
  const line = opts.line ?? failureLineFor(jail.failregex[0] ?? "");
  const from = await serverLogOffset(sandbox);
  await sandbox.appendLog(jailName, Array.from({ length: jail.maxretry }, () => line(ip)));
  const banned = new RegExp(`NOTICE\\s+\\[${escapeRegExp(jailName)}\\] Ban ${escapeRegExp(ip)}$`);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  await waitForServerLog(sandbox, banned, {
    from,
    timeoutMs,
    describe: (since) => {
      const mentions = since.split("\n").filter((l) => l.includes(ip));
      return (
        `fail2ban did not ban ${ip} in [${jailName}] within ${timeoutMs} ms ` +
        `(already banned? ignored? not canonical?). Log lines mentioning it:\n${mentions.join("\n") || "(none)"}`
      );
    },
  });
}

/**
 * An attack: `maxretry` failure lines for each address, written at once, then waits until fail2ban's
 * filter banned every one of them (its `Ban` log lines). Addresses as for causeBanByLog.
 */
export async function causeBansByLog(sandbox: Fail2banSandbox, jailName: string, ips: readonly string[], opts: { timeoutMs?: number } = {}): Promise<void> {
  const jail = sandbox.jails.find((j) => j.name === jailName);
  if (!jail) throw new Error(`causeBansByLog: the sandbox has no jail ${jailName}`);
  const line = failureLineFor(jail.failregex[0] ?? "");
  const from = await serverLogOffset(sandbox);
  await sandbox.appendLog(jailName, ips.flatMap((ip) => Array.from({ length: jail.maxretry }, () => line(ip))));
  const pending = new Set(ips);
  const banned = new RegExp(`NOTICE\\s+\\[${escapeRegExp(jailName)}\\] Ban (\\S+)$`);
  await vi.waitFor(
    async () => {
      for (const l of (await readFrom(sandbox.serverLog, from)).split("\n")) pending.delete(banned.exec(l)?.[1] ?? "");
      if (pending.size > 0) throw new Error(`fail2ban has not banned ${[...pending].join(", ")} in [${jailName}]`);
    },
    { timeout: opts.timeoutMs ?? 15_000, interval: 50 },
  );
}

// Turns a literal failregex such as `^FAIL login from <HOST>$` into a line generator; anything
// with real regex syntax needs an explicit `line` option.
function failureLineFor(failregex: string): (ip: string) => string {
  const body = failregex.replace(/^\^/, "").replace(/\$$/, "");
  const parts = body.split("<HOST>");
  if (parts.length !== 2 || parts.some((p) => /[\\^$.*+?()[\]{}|<>]/.test(p))) {
    throw new Error(`causeBanByLog: cannot derive a log line from failregex ${failregex}; pass opts.line`);
  }
  return (ip) => parts.join(ip);
}

import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { historyActionFile } from "../../src/cli/capture-check.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { socketDriver } from "../fakes/fake-slack-driver.js";
import { causeBansByLog, useFail2ban } from "../harness/fail2ban.js";
import { killIfRunning, startBanbotOnSlack, type BanbotProcess } from "../harness/spawn-banbot.js";
import { holdWriteLock } from "../harness/store-lock.js";

const ADMIN = "U0ADMIN";
const LOCK_MS = 30_000;
// Slack shows the user an error when a command is not acknowledged within 3 s.
const SLACK_ACK_DEADLINE_MS = 3_000;
// What /healthz itself gives fail2ban to answer a ping: a health probe waits at least that long.
const HEALTH_DEADLINE_MS = 2_000;

// A port free on 127.0.0.1 a moment ago, for BanBot's health endpoint.
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Asks /healthz every 250 ms until stopped: how long each answer took, and its status (0: none).
function pollHealth(url: string): { stop: () => Promise<{ ms: number; status: number }[]> } {
  const answers: { ms: number; status: number }[] = [];
  let polling = true;
  const done = (async () => {
    while (polling) {
      const started = performance.now();
      const status = await fetch(url, { signal: AbortSignal.timeout(15_000) }).then(
        (res) => res.status,
        () => 0,
      );
      answers.push({ ms: performance.now() - started, status });
      await delay(250);
    }
  })();
  return {
    stop: async () => {
      polling = false;
      await done;
      return answers;
    },
  };
}
// Known before the sandbox starts: its jails' action reports to BanBot's socket in the data dir.
const dir = join(tmpdir(), `bb-lockcap-${randomBytes(4).toString("hex")}`);
const dataDir = join(dir, "data");
const storeFile = join(dataDir, "banbot.sqlite3");

function archivedBans(ips: readonly string[]): string[] {
  const db = new Sqlite(storeFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[], { ip: string }>("SELECT ip FROM history_events WHERE jail = 'alpha' AND kind = 'ban'").all();
    return rows.map((r) => r.ip).filter((ip) => ips.includes(ip)).sort();
  } finally {
    db.close();
  }
}

// With the history capture installed (what the docs recommend), bans keep coming while the store is
// locked: BanBot must neither freeze waiting for the lock nor lose what it could not write.
describe("banbot start with the history capture, its store locked by another process", () => {
  const f2b = useFail2ban({ extraActions: [{ file: historyActionFile(), options: { socket: join(dataDir, "history.sock") } }] });
  let slack: FakeSlack;
  let bot: BanbotProcess | undefined;

  beforeAll(async () => {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    slack = await FakeSlack.start();
  });
  afterAll(async () => {
    await killIfRunning(bot);
    await slack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  // A command typed in Slack: how long its acknowledgement and its final reply took (Infinity:
  // none within 15 s, or the connection was gone).
  async function typed(text: string): Promise<{ text: string; ackMs: number; replyMs: number; reply: string }> {
    const started = performance.now();
    const gaveUp = delay(15_000).then(() => undefined);
    const sent = await Promise.race([socketDriver(slack).slash(text, { user: ADMIN, channel: "C0SECOPS" }).catch(() => undefined), gaveUp]);
    if (sent === undefined) return { text, ackMs: Infinity, replyMs: Infinity, reply: "" };
    const reply = await vi
      .waitFor(
        () => {
          const last = slack.responses(sent.responseUrl).at(-1);
          if (last === undefined || String(last.text).startsWith("⏳")) throw new Error(`no reply to "${text}" yet`);
          return JSON.stringify(last);
        },
        { timeout: 15_000, interval: 50 },
      )
      .catch(() => "");
    return { text, ackMs: sent.ackMs, replyMs: reply === "" ? Infinity : performance.now() - started, reply };
  }

  it("stays responsive through a 30 s lock and archives every ban made meanwhile once it is released", { timeout: 180_000 }, async () => {
    const configFile = join(dir, "banbot.yaml");
    await writeFile(configFile, `access:\n  grants:\n    - role: admin\n      slack_users: [${ADMIN}]\ncommands:\n  rate_limit:\n    per_minute: 1000\n`);
    const port = await freePort();
    bot = await startBanbotOnSlack(slack, { configFile, dataDir, socketPath: f2b.sandbox.socketPath, env: { BANBOT_HTTP_PORT: String(port) } });
    // The backfill from fail2ban's database (second 30 of each minute) would make up for lost
    // events: the lock starts early in a minute, so its release leaves 40 s before the next one.
    await vi.waitFor(
      () => {
        const second = new Date().getSeconds();
        expect(second >= 2 && second <= 12).toBe(true);
      },
      { timeout: 70_000, interval: 200 },
    );
    const logsBefore = bot.logs().length;

    const lock = holdWriteLock(storeFile, LOCK_MS);
    await lock.locked;
    const lockedAt = performance.now();
    const health = pollHealth(`http://127.0.0.1:${port}/healthz`);
    const attack: string[] = [];
    const commands: Awaited<ReturnType<typeof typed>>[] = [];
    // Five rounds over 25 s: three addresses banned by fail2ban's filter, and commands typed.
    for (let round = 0; round < 5; round++) {
      const ips = [1, 2, 3].map((i) => `203.0.113.${round * 10 + i}`);
      attack.push(...ips);
      await causeBansByLog(f2b.sandbox, "alpha", ips);
      // Typed just as the capture receives those bans and tries to archive them.
      await delay(100);
      commands.push(...(await Promise.all([typed("status"), typed(`ban 192.0.2.${round + 1} alpha`), typed("jails")])));
      await delay(Math.max(0, lockedAt + (round + 1) * 5_000 - performance.now()));
    }

    // The process never stalled: every health probe was answered within its deadline, healthy (a
    // locked store is read as usual, and the jobs' waiting is no failure).
    const probes = await health.stop();
    expect(probes.length).toBeGreaterThan(20);
    expect(probes.filter((p) => p.ms >= HEALTH_DEADLINE_MS || p.status !== 200).map((p) => `${p.status} after ${Math.round(p.ms)} ms`)).toEqual([]);
    // Every command was acknowledged in time and answered at once: reads answer, changes are
    // refused saying why.
    const late = commands.filter((c) => c.ackMs >= SLACK_ACK_DEADLINE_MS || c.replyMs >= SLACK_ACK_DEADLINE_MS);
    expect(late.map((c) => `${c.text}: ack ${Math.round(c.ackMs)} ms, reply ${Math.round(c.replyMs)} ms`)).toEqual([]);
    // (All of it happened while the lock was held.)
    expect(performance.now() - lockedAt).toBeLessThan(LOCK_MS);
    for (const c of commands) {
      if (c.text.startsWith("ban")) expect(c.reply).toMatch(/store is locked by another process/);
      else expect(c.reply).not.toMatch(/store is locked|Something went wrong/);
    }

    await lock.released;
    // Every ban the capture received during the lock is archived soon after, not left to the backfill.
    await vi.waitFor(() => expect(archivedBans(attack)).toEqual([...attack].sort()), { timeout: 20_000, interval: 200 });
    const logs = bot.logs().slice(logsBefore);
    expect(logs).toContain("ban history events wait in memory until it is released");
    expect(logs).not.toContain("ban history synced from fail2ban's database");
    // The Slack connection stayed up: Socket Mode never had to reconnect.
    expect(slack.calls("apps.connections.open")).toHaveLength(1);
    // An expected lock is no error.
    expect(logs.split("\n").filter((line) => /"level":(50|60)/.test(line))).toEqual([]);

    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
  });
});

import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { history as historyCommand } from "../../../commands/history.js";
import { unban as unbanCommand } from "../../../commands/unban.js";
import { historyActionFile } from "../../../src/cli/capture-check.js";
import type { History } from "../../../src/core/history/history.js";
import type { HistoryListener } from "../../../src/core/history/listener.js";
import { CONSOLE_IDENTITY } from "../../../src/core/identity.js";
import { Fail2banDatabase } from "../../../src/core/fail2ban/database.js";
import { useClients } from "../../harness/client.js";
import { causeBanByLog, useFail2ban } from "../../harness/fail2ban.js";
import { historyOn } from "../../harness/history.js";
import { migratedStore } from "../../harness/store.js";
import { createTimedBans } from "../../../src/store/timed-bans.js";

// The socket lives outside the sandbox dir, whose path is only known once the server runs, and the
// action must be told it in the jail config before then.
const socketPath = join(tmpdir(), `bbh-${randomBytes(4).toString("hex")}.sock`);
// Generous: the action's retry is 0.2 s, but CI machines run two fail2ban servers at once.
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

describe("ban history from a real fail2ban-server", () => {
  const f2b = useFail2ban({ extraActions: [{ file: historyActionFile(), options: { socket: socketPath, retry: "0.2" } }] });
  const connect = useClients();
  let db: Database;
  let history: History;
  let listener: HistoryListener | undefined;
  const fail2ban = () => connect(f2b.sandbox.socketPath).fail2ban;
  const events = (ip: string) => history.events({ ip }, { limit: 100 }).map((e) => `${e.jail} ${e.kind} ${e.origin}${e.actor ? ` ${e.actor}` : ""}`);
  const shown = async (ip: string) => {
    const reply = await historyCommand.run({ ip }, { history, fail2ban: fail2ban(), clock: { now: () => Date.now() }, host: "local", actor: CONSOLE_IDENTITY });
    return (reply.table?.rows ?? []).map((r) => `${r[2]} ${r[1]}`);
  };
  const fail2banRows = (ip: string) => {
    const file = Fail2banDatabase.open(f2b.sandbox.dbPath);
    try {
      return file.bansAfter(0, 1000).filter((b) => b.ip === ip).length;
    } finally {
      file.close();
    }
  };

  beforeAll(async () => {
    db = migratedStore();
    history = historyOn(db);
    listener = await history.listen({ path: socketPath, mode: 0o600 });
  });
  afterAll(async () => {
    await listener?.close();
    db.close();
  });

  it("archives a ban from log lines once, from the action and again from the backfill", async () => {
    await causeBanByLog(f2b.sandbox, "alpha", "192.0.2.10");
    await eventually(() => expect(events("192.0.2.10")).toEqual(["alpha ban fail2ban"]));
    const [event] = history.events({ ip: "192.0.2.10" }, { limit: 1 });
    expect(event).toMatchObject({ banSeconds: 3600, banCount: 1, failures: 3, matches: "FAIL login from 192.0.2.10\nFAIL login from 192.0.2.10\nFAIL login from 192.0.2.10" });
    await eventually(() => expect(fail2banRows("192.0.2.10")).toBe(1));
    expect(await history.sync(fail2ban())).toMatchObject({ added: 0 });
    expect(await shown("192.0.2.10")).toEqual(["alpha ban"]);
  });

  it("tags a ban BanBot made with its origin and actor, and a ban made elsewhere as external", async () => {
    history.noteOrigin({ jail: "beta", ips: ["198.51.100.20"], origin: "manual", actor: "slack:U01ADMIN", at: Date.now() });
    await fail2ban().ban("beta", ["198.51.100.20", "198.51.100.21"]);
    await eventually(() => expect(events("198.51.100.20")).toEqual(["beta ban manual slack:U01ADMIN"]));
    await eventually(() => expect(events("198.51.100.21")).toEqual(["beta ban external"]));
  });

  it("tells subscribers each newly archived event once, with its origin, and the backfill none it already had", async () => {
    const seen: string[] = [];
    const stop = history.subscribe((batch, source) => seen.push(...batch.filter((e) => e.ip.startsWith("198.51.100.7")).map((e) => `${source} ${e.kind} ${e.ip} ${e.origin}`)));
    try {
      history.noteOrigin({ jail: "beta", ips: ["198.51.100.70"], origin: "manual", actor: "console:console", at: Date.now() });
      await fail2ban().ban("beta", ["198.51.100.70"]);
      await causeBanByLog(f2b.sandbox, "beta", "198.51.100.71");
      await eventually(() => expect(seen).toEqual(["action ban 198.51.100.70 manual", "action ban 198.51.100.71 fail2ban"]));
      await eventually(() => expect(fail2banRows("198.51.100.71")).toBe(1));
      await history.sync(fail2ban());
      expect(seen).toHaveLength(2);
    } finally {
      stop();
    }
  });

  it("keeps a ban that was unbanned at once (fail2ban deletes its rows) exactly once", async () => {
    await fail2ban().ban("alpha", ["203.0.113.30"]);
    await fail2ban().unban("alpha", ["203.0.113.30"]);
    await eventually(() => expect(events("203.0.113.30")).toEqual(["alpha unban external", "alpha ban external"]));
    // fail2ban writes the ban row from another thread, so the unban may delete it or come too early to.
    await history.sync(fail2ban());
    expect(await shown("203.0.113.30")).toEqual(["alpha unban", "alpha ban"]);
  });

  it("gets what happened while BanBot was stopped once: bans from the backfill, the rest from the action's queue", async () => {
    await listener?.close();
    listener = undefined;
    await causeBanByLog(f2b.sandbox, "beta", "198.51.100.40");
    await fail2ban().ban("alpha", ["2001:db8::41", "192.0.2.43"]);
    await fail2ban().unban("alpha", ["192.0.2.43"]);
    await eventually(() => expect(fail2banRows("2001:db8::41")).toBe(1));
    expect(events("198.51.100.40")).toEqual([]);

    // 2, or 3 when fail2ban's observer thread wrote 192.0.2.43's row after the unban deleted its rows.
    expect((await history.sync(fail2ban())).added).toBeGreaterThanOrEqual(2);
    listener = await history.listen({ path: socketPath, mode: 0o600 });
    // The action kept its lines and sends them once it reaches BanBot again (within `retry`).
    await eventually(() => expect(events("192.0.2.43")).toEqual(["alpha unban external", "alpha ban external"]));
    await history.sync(fail2ban());
    expect(await shown("198.51.100.40")).toEqual(["beta ban"]);
    expect(await shown("2001:db8::41")).toEqual(["alpha ban"]);
    expect(await shown("192.0.2.43")).toEqual(["alpha unban", "alpha ban"]);
  });

  it("is not fooled by fail2ban reusing rowids after unbanning its newest bans", async () => {
    await history.sync(fail2ban());
    await fail2ban().ban("beta", ["192.0.2.50"]);
    await eventually(() => expect(fail2banRows("192.0.2.50")).toBe(1));
    await history.sync(fail2ban());
    await listener?.close();
    listener = undefined;
    // The newest row goes, so the next ban takes its rowid: the watermark's row changed.
    await fail2ban().unban("beta", ["192.0.2.50"]);
    await fail2ban().ban("beta", ["192.0.2.51"]);
    await eventually(() => expect(fail2banRows("192.0.2.51")).toBe(1));
    const synced = await history.sync(fail2ban());
    expect(synced).toMatchObject({ rescanned: true, added: 1 });
    expect(events("192.0.2.51")).toEqual(["beta ban external"]);
    listener = await history.listen({ path: socketPath, mode: 0o600 });
    await eventually(() => expect(events("192.0.2.50")).toEqual(["beta unban external", "beta ban external"]));
  });

  it("does not repeat bans fail2ban restores after a restart, nor record its shutdown as unbans", async () => {
    const before = history.count({}, 1000);
    const active = (await fail2ban().bannedIps("alpha")).length + (await fail2ban().bannedIps("beta")).length;
    const received = listener!.stats().events;
    await f2b.sandbox.restart();
    // Restored bans are announced ~0.5 s after the restart, and the action reports each again.
    await eventually(() => expect(listener!.stats().events).toBeGreaterThanOrEqual(received + active));
    await fail2ban().ban("alpha", ["192.0.2.60"]);
    await eventually(() => expect(events("192.0.2.60")).toEqual(["alpha ban external"]));
    expect(history.count({}, 1000)).toBe(before + 1);
  });

  it("tags the unbans of `unban <ips>` in every jail as BanBot's, in each jail that had the address", async () => {
    await fail2ban().ban("alpha", ["198.51.100.80", "198.51.100.81"]);
    await fail2ban().ban("beta", ["198.51.100.81"]);
    await eventually(() => expect(events("198.51.100.81")).toHaveLength(2));
    const timedBans = createTimedBans(db, { host: history.host });
    const reply = await unbanCommand.run(
      { ips: ["198.51.100.80", "198.51.100.81", "198.51.100.82"], jail: undefined },
      { fail2ban: fail2ban(), timedBans, history, clock: { now: () => Date.now() }, actor: CONSOLE_IDENTITY },
    );
    expect(reply).toMatchObject({ title: "Unbanned 2 of 3 addresses in every jail", text: "3 bans lifted. Not banned in any jail: 198.51.100.82." });
    await eventually(() => {
      expect(events("198.51.100.80")).toEqual(["alpha unban manual console:console", "alpha ban external"]);
      expect(events("198.51.100.81").filter((e) => e.includes("unban")).sort()).toEqual(["alpha unban manual console:console", "beta unban manual console:console"]);
    });
    expect(events("198.51.100.82")).toEqual([]);
  });

  it("records unban --all as one unban per address", async () => {
    // Its own bans in both jails (one address in each), whatever other tests left banned.
    await fail2ban().ban("alpha", ["192.0.2.90", "192.0.2.92"]);
    await fail2ban().ban("beta", ["192.0.2.91", "192.0.2.92"]);
    await eventually(() => {
      for (const ip of ["192.0.2.90", "192.0.2.91"]) expect(events(ip)).toHaveLength(1);
      expect(events("192.0.2.92")).toHaveLength(2);
    });
    const banned = { alpha: await fail2ban().bannedIps("alpha"), beta: await fail2ban().bannedIps("beta") };
    await fail2ban().unbanAll();
    await eventually(() => {
      expect(events("192.0.2.90")).toEqual(["alpha unban external", "alpha ban external"]);
      expect(events("192.0.2.91")).toEqual(["beta unban external", "beta ban external"]);
      expect(events("192.0.2.92").filter((e) => e.includes("unban")).sort()).toEqual(["alpha unban external", "beta unban external"]);
      for (const [jail, ips] of Object.entries(banned)) {
        for (const ip of ips) expect(events(ip).find((e) => e.startsWith(`${jail} `))).toBe(`${jail} unban external`);
      }
    });
  });

  it("listens on a socket only its own user may use", async () => {
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
    expect(listener?.stats().invalid).toBe(0);
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHistory, type History } from "../../../src/core/history/history.js";
import type { HistoryListener } from "../../../src/core/history/listener.js";
import { failFastOnLocks, openDatabase } from "../../../src/db/open.js";
import { createHistoryArchive } from "../../../src/store/history-archive.js";
import { createBackfillState } from "../../../src/store/history-backfill-state.js";
import { createHistoryQueries } from "../../../src/store/history-queries.js";
import { createJailNotes } from "../../../src/store/jail-notes.js";
import { capturedLog, type LogEntry } from "../../harness/client.js";
import { migratedStore } from "../../harness/store.js";

const T = 1_790_000_000;
const line = (fields: Record<string, unknown>) => `${JSON.stringify({ v: 1, ...fields })}\n`;
const ban = (ip: string, time: number) => line({ event: "ban", jail: "sshd", ip, time, at: time + 0.1, bantime: 600, bancount: 1, failures: 3, matches: [] });

// BanBot's store with another process's write lock on it (an sqlite3 shell left in a transaction):
// the capture keeps what it cannot write, in order, and writes it once the lock is gone.
describe("the history capture while another process locks the store", () => {
  let dir: string;
  let db: Database;
  let other: Database;
  let history: History;
  let listener: HistoryListener | undefined;
  let entries: LogEntry[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "bbcl-"));
    const file = join(dir, "banbot.sqlite3");
    db = migratedStore(file);
    failFastOnLocks(db);
    other = openDatabase(file);
    const captured = capturedLog();
    entries = captured.entries;
    history = createHistory({
      host: "web1",
      archive: createHistoryArchive(db),
      queries: createHistoryQueries(db, { host: "web1" }),
      backfillState: createBackfillState(db),
      retentionMs: 365 * 86_400_000,
      now: () => T * 1000,
      log: captured.log,
    });
  });
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
    if (other.inTransaction) other.exec("ROLLBACK");
    other.close();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = (lines: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      const client = net.createConnection(join(dir, "h.sock"), () => {
        for (const l of lines) client.write(l);
        client.end(() => resolve());
      });
      client.on("error", reject);
    });
  const archived = () => history.events({}, { limit: 100 }).map((e) => e.ip).sort();

  it("holds events and jail reports while the lock lasts, then writes them all, in order", async () => {
    const notes = createJailNotes(db);
    notes.setIdle({ host: "web1", jail: "sshd", idle: true, by: "slack:U1", at: T * 1000 - 60_000 });
    // What the composition root does with a reload: fail2ban turned idle off. Told in order: it sees
    // the events that came before it archived.
    const seenAtReport: string[][] = [];
    history.subscribeJails((report) => {
      notes.jailRestarted("web1", report.jail, report.at);
      seenAtReport.push(archived());
    });
    listener = await history.listen({ path: join(dir, "h.sock"), mode: 0o600 });

    other.exec("BEGIN IMMEDIATE");
    other.prepare("INSERT INTO alert_state (key, value, updated_at) VALUES ('held', '1', 0)").run();
    await send([ban("192.0.2.1", T), ban("192.0.2.2", T + 1), line({ event: "reload", jail: "sshd", at: T + 2 }), ban("192.0.2.3", T + 3)]);
    await vi.waitFor(() => expect(entries.map((e) => e.msg)).toContain("BanBot's store is locked by another process: ban history events wait in memory until it is released"));
    expect(archived()).toEqual([]);
    expect(notes.idleOf("web1", "sshd")?.idle).toBe(true);
    // More arrive while it is held: they queue behind the others.
    await send([ban("192.0.2.4", T + 4)]);
    await vi.waitFor(() => expect(listener!.stats().events).toBe(4));

    other.exec("COMMIT");
    await vi.waitFor(() => expect(archived()).toEqual(["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]), { timeout: 5_000 });
    expect(seenAtReport).toEqual([["192.0.2.1", "192.0.2.2"]]);
    expect(notes.idleOf("web1", "sshd")).toMatchObject({ idle: false, at: (T + 2) * 1000 });
    expect(listener.stats().failed).toBe(0);
    await vi.waitFor(() => expect(entries.map((e) => e.msg)).toContain("ban history events that waited for the store are archived"));
    // An expected lock is no error.
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
  });

  it("counts what the store still refused when it stops, without waiting for the lock", async () => {
    listener = await history.listen({ path: join(dir, "h.sock"), mode: 0o600 });
    other.exec("BEGIN IMMEDIATE");
    other.prepare("INSERT INTO alert_state (key, value, updated_at) VALUES ('held', '1', 0)").run();
    await send([ban("192.0.2.1", T), ban("192.0.2.2", T + 1)]);
    await vi.waitFor(() => expect(entries.map((e) => e.msg)).toContain("BanBot's store is locked by another process: ban history events wait in memory until it is released"));
    await listener.close();
    const stats = listener.stats();
    listener = undefined;
    expect(stats.failed).toBe(2);
    expect(entries.find((e) => e.msg.startsWith("stopped with ban history events"))).toMatchObject({ level: 40, events: 2 });
  });
});

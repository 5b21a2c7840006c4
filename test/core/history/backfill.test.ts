import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Fail2banDatabase } from "../../../src/core/fail2ban/database.js";
import { backfill } from "../../../src/core/history/backfill.js";
import { prepareEvents } from "../../../src/core/history/prepare.js";
import { createHistoryArchive } from "../../../src/store/history-archive.js";
import { createBackfillState } from "../../../src/store/history-backfill-state.js";
import { createHistoryQueries } from "../../../src/store/history-queries.js";
import type { HistoryQueries } from "../../../src/core/ports/history-queries.js";
import { silentLog } from "../../harness/client.js";
import { createFail2banDb, deleteBans, insertBans } from "../../harness/fail2ban-db.js";
import { migratedStore } from "../../harness/store.js";

const T0 = 1_790_000_000;

describe("backfill", () => {
  let dir: string;
  let f2b: Database.Database;
  let store: Database.Database;
  let queries: HistoryQueries;
  type Hooks = Pick<Parameters<typeof backfill>[0], "onArchived" | "commitRows"> & { beforePrepare?: (size: number) => void };
  let run: (batchSize?: number, hooks?: Hooks) => ReturnType<typeof backfill>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "bbf-"));
    f2b = createFail2banDb(join(dir, "f2b.sqlite3"), ["sshd", "nginx"]);
    store = migratedStore();
    queries = createHistoryQueries(store, { host: "web1" });
    const archive = createHistoryArchive(store);
    const state = createBackfillState(store);
    run = async (batchSize, hooks = {}) => {
      const reader = Fail2banDatabase.open(join(dir, "f2b.sqlite3"));
      try {
        const prepare = (events: Parameters<typeof prepareEvents>[0]) => {
          hooks.beforePrepare?.(events.length);
          return prepareEvents(events, { host: "web1", log: silentLog });
        };
        return await backfill({ fail2banDb: reader, source: join(dir, "f2b.sqlite3"), host: "web1", state, archive, prepare, now: () => 0, batchSize, commitRows: hooks.commitRows, onArchived: hooks.onArchived });
      } finally {
        reader.close();
      }
    };
  });
  afterEach(async () => {
    f2b.close();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const all = () => queries.events({}, { limit: 100 }).map((e) => `${e.jail} ${e.ip} ${e.banTime}`);

  it("lets the event loop run between its transactions, so commands are not held up by a large backfill", async () => {
    insertBans(f2b, Array.from({ length: 2_000 }, (_, i) => ({ jail: "sshd", ip: `198.18.${i >> 8}.${i & 255}`, timeofban: T0 + i })));
    let finished = false;
    // What a command arriving meanwhile would be: a callback waiting for its turn on the event loop.
    const turn = new Promise<boolean>((resolve) => setTimeout(() => resolve(finished), 0));
    await run(100, { commitRows: 500 });
    finished = true;
    expect(await turn).toBe(false);
  });

  it("archives every row once, in batches, and reads only new rows afterwards", async () => {
    insertBans(f2b, [
      { jail: "sshd", ip: "192.0.2.1", timeofban: T0, data: { matches: [["", "2026-11-22 ", "FAIL from 192.0.2.1"], "FAIL\u001b[2J from 192.0.2.1"], failures: 2 } },
      { jail: "nginx", ip: "2001:DB8::1", timeofban: T0 + 1 },
      { jail: "sshd", ip: "192.0.2.2", timeofban: T0 + 2 },
    ]);
    expect(await run(2)).toEqual({ read: 3, added: 3, rescanned: false });
    expect(await run(2)).toEqual({ read: 0, added: 0, rescanned: false });
    insertBans(f2b, [{ jail: "sshd", ip: "192.0.2.3", timeofban: T0 + 3 }]);
    expect(await run(2)).toEqual({ read: 1, added: 1, rescanned: false });
    expect(all()).toEqual(["sshd 192.0.2.3 1790000003", "sshd 192.0.2.2 1790000002", "nginx 2001:db8::1 1790000001", "sshd 192.0.2.1 1790000000"]);
    expect(queries.events({ ip: "192.0.2.1" }, { limit: 1 })[0]).toMatchObject({
      origin: "fail2ban",
      failures: 2,
      banSeconds: 600,
      matches: "2026-11-22 FAIL from 192.0.2.1\nFAIL [2J from 192.0.2.1",
    });
  });

  it("streams: batches are prepared one by one, written with their watermark a few per transaction, and announced after it", async () => {
    insertBans(f2b, Array.from({ length: 5 }, (_, i) => ({ jail: "sshd", ip: `192.0.2.${i + 1}`, timeofban: T0 + i })));
    const prepared: number[] = [];
    const announced: number[] = [];
    // A failure in the third batch (a crash, say) keeps what the first transaction (two batches) archived.
    const failing = {
      beforePrepare: (size: number) => {
        if (prepared.push(size) === 3) throw new Error("geo database gone");
      },
      onArchived: (events: readonly unknown[]) => void announced.push(events.length),
    };
    await expect(run(2, { ...failing, commitRows: 4 })).rejects.toThrow("geo database gone");
    expect([prepared, announced, all().length]).toEqual([[2, 2, 1], [4], 4]);
    expect(await run(2, { onArchived: (events) => void announced.push(events.length) })).toEqual({ read: 1, added: 1, rescanned: false });
    expect(announced).toEqual([4, 1]);
    // A failure inside a transaction takes its earlier batches back with it: they are read again.
    insertBans(f2b, Array.from({ length: 3 }, (_, i) => ({ jail: "sshd", ip: `192.0.2.${i + 11}`, timeofban: T0 + 10 + i })));
    prepared.length = 0;
    await expect(run(1, { ...failing, commitRows: 3 })).rejects.toThrow("geo database gone");
    expect(all().length).toBe(5);
    expect(await run(1, { commitRows: 3 })).toEqual({ read: 3, added: 3, rescanned: false });
  });

  it("rereads everything when fail2ban reused the watermark's rowid, without duplicates", async () => {
    insertBans(f2b, [
      { jail: "sshd", ip: "192.0.2.1", timeofban: T0 },
      { jail: "sshd", ip: "192.0.2.2", timeofban: T0 + 1 },
    ]);
    await run();
    // A manual unban deletes the newest row; the next ban takes its rowid.
    deleteBans(f2b, "sshd", "192.0.2.2");
    const [reused] = insertBans(f2b, [{ jail: "sshd", ip: "192.0.2.3", timeofban: T0 + 2 }]);
    expect(reused).toBe(2);
    expect(await run()).toEqual({ read: 2, added: 1, rescanned: true });
    expect(all()).toEqual(["sshd 192.0.2.3 1790000002", "sshd 192.0.2.2 1790000001", "sshd 192.0.2.1 1790000000"]);
  });

  it("starts over after unban --all emptied fail2ban's table", async () => {
    insertBans(f2b, [{ jail: "sshd", ip: "192.0.2.1", timeofban: T0 }]);
    await run();
    f2b.exec("DELETE FROM bans; DELETE FROM bips;");
    expect(await run()).toEqual({ read: 0, added: 0, rescanned: true });
    insertBans(f2b, [{ jail: "nginx", ip: "192.0.2.9", timeofban: T0 + 5 }]);
    expect(await run()).toMatchObject({ read: 1, added: 1 });
    expect(all()).toEqual(["nginx 192.0.2.9 1790000005", "sshd 192.0.2.1 1790000000"]);
  });

  it("takes the longer ban time of an increment from fail2ban's row for a ban the action reported first", async () => {
    // The action reports a ban before fail2ban's observer has applied bantime.increment.
    createHistoryArchive(store).add([{ host: "web1", jail: "sshd", ip: "192.0.2.1", kind: "ban", at: T0 * 1000, banTime: T0, banSeconds: 600, banCount: 1, origin: "external" }]);
    insertBans(f2b, [{ jail: "sshd", ip: "192.0.2.1", timeofban: T0, bantime: 2400, bancount: 2 }]);
    expect(await run()).toMatchObject({ read: 1, added: 0 });
    expect(queries.events({ ip: "192.0.2.1" }, { limit: 5 })).toMatchObject([{ banSeconds: 2400, banCount: 2, origin: "external" }]);
  });
});

import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBlocklistMembers } from "../../src/store/blocklist-members.js";
import type { BlocklistMembers, Member } from "../../src/core/ports/blocklist-members.js";
import { createBlocklistRuns } from "../../src/store/blocklist-runs.js";
import type { BlocklistRuns, RunCounts } from "../../src/core/ports/blocklist-runs.js";
import { createBlocklistSources } from "../../src/store/blocklist-sources.js";
import type { BlocklistSources, SourceSettings } from "../../src/core/ports/blocklist-sources.js";
import { migratedStore } from "../harness/store.js";

const T0 = 1_700_000_000_000;
const SETTINGS: SourceSettings = { url: "https://www.spamhaus.org/drop/drop.txt", jail: "sshd", schedule: "0 */6 * * *", banMs: undefined, maxEntries: 100_000, unbanDeparted: true };
const COUNTS: RunCounts = { bytes: 10, fetched: 4, valid: 2, invalid: 1, invalidSample: ["junk"], duplicates: 1, skipped: 1, skippedDetail: { special: 1 }, added: 2, renewed: 0, removed: 0, unchanged: 0 };
const member = (sourceId: number, entry: string, extra: Partial<Member> = {}): Member => ({
  sourceId,
  jail: "sshd",
  entry,
  state: "pending",
  owned: true,
  bannedAt: undefined,
  f2bUntil: undefined,
  expiresAt: undefined,
  ...extra,
});

describe("blocklist store", () => {
  let db: Database;
  let sources: BlocklistSources;
  let runs: BlocklistRuns;
  let members: BlocklistMembers;

  beforeEach(() => {
    db = migratedStore();
    sources = createBlocklistSources(db, { host: "h1" });
    runs = createBlocklistRuns(db);
    members = createBlocklistMembers(db);
  });
  afterEach(() => db.close());

  describe(createBlocklistSources.name, () => {
    it("creates, finds (case-insensitively) and lists sources of its own host", () => {
      const drop = sources.create("drop", SETTINGS, { at: T0, actor: "console:console" });
      expect(drop).toMatchObject({ name: "drop", ...SETTINGS, enabled: true, etag: undefined, createdAt: T0, createdBy: "console:console" });
      expect(sources.byName("DROP")?.id).toBe(drop.id);
      createBlocklistSources(db, { host: "h2" }).create("other", SETTINGS, { at: T0, actor: "x" });
      expect(sources.all().map((s) => s.name)).toEqual(["drop"]);
      expect(() => sources.create("Drop", SETTINGS, { at: T0, actor: "x" })).toThrow(/UNIQUE/);
    });

    it("forgets HTTP validators when the URL or jail changes, not otherwise", () => {
      const { id } = sources.create("drop", SETTINGS, { at: T0, actor: "x" });
      sources.setValidators(id, { etag: '"abc"', lastModified: "Tue, 01 Jan 2026 00:00:00 GMT" });
      sources.update(id, { ...SETTINGS, schedule: "@daily" }, T0 + 1);
      expect(sources.byName("drop")).toMatchObject({ etag: '"abc"', schedule: "@daily", updatedAt: T0 + 1 });
      sources.update(id, { ...SETTINGS, url: "https://www.spamhaus.org/drop/edrop.txt" }, T0 + 2);
      expect(sources.byName("drop")).toMatchObject({ etag: undefined, lastModified: undefined });
    });

    it("keeps an optional ban duration and the departure rule", () => {
      const { id } = sources.create("drop", { ...SETTINGS, banMs: 3_600_000, unbanDeparted: false }, { at: T0, actor: "x" });
      sources.setEnabled(id, false, T0);
      expect(sources.byName("drop")).toMatchObject({ banMs: 3_600_000, unbanDeparted: false, enabled: false });
    });
  });

  describe(createBlocklistRuns.name, () => {
    it("records runs newest first, marking a run left running by a crash as interrupted", () => {
      const { id } = sources.create("drop", SETTINGS, { at: T0, actor: "x" });
      const first = runs.start(id, T0, "schedule");
      const second = runs.start(id, T0 + 1, "manual");
      runs.finish(second, "ok", COUNTS, 42);
      const recent = runs.recent(id, 5);
      expect(recent.map((r) => [r.id, r.outcome])).toEqual([
        [second, "ok"],
        [first, "interrupted"],
      ]);
      expect(recent[0]).toMatchObject({ ...COUNTS, trigger: "manual", durationMs: 42, error: undefined });
    });

    it("keeps the last 50 runs per source", () => {
      const { id } = sources.create("drop", SETTINGS, { at: T0, actor: "x" });
      for (let i = 0; i < 60; i++) runs.finish(runs.start(id, T0 + i, "schedule"), "failed", COUNTS, 1, "HTTP 503");
      expect(runs.recent(id, 100)).toHaveLength(50);
      expect(runs.recent(id, 1)[0]).toMatchObject({ startedAt: T0 + 59, error: "HTTP 503" });
    });

    it("drops runs with their source", () => {
      const { id } = sources.create("drop", SETTINGS, { at: T0, actor: "x" });
      runs.start(id, T0, "manual");
      sources.remove(id);
      expect(runs.recent(id, 5)).toEqual([]);
    });
  });

  describe(createBlocklistMembers.name, () => {
    it("flips pending rows of every source to banned when their chunk is answered", () => {
      const a = sources.create("a", SETTINGS, { at: T0, actor: "x" }).id;
      const b = sources.create("b", SETTINGS, { at: T0, actor: "x" }).id;
      members.put([member(a, "192.0.2.1"), member(b, "192.0.2.1", { owned: false }), member(a, "192.0.2.2")]);
      members.markBanned("sshd", ["192.0.2.1"], { bannedAt: T0, f2bUntil: T0 + 1000 });
      const rows = [...members.ofSource(a), ...members.ofSource(b)].map((m) => [m.sourceId, m.entry, m.state, m.owned, m.f2bUntil]);
      expect(rows).toEqual([
        [a, "192.0.2.1", "banned", true, T0 + 1000],
        [a, "192.0.2.2", "pending", true, undefined],
        [b, "192.0.2.1", "banned", true, T0 + 1000],
      ]);
    });

    it("counts a source's rows by state, every state present", () => {
      const a = sources.create("a", SETTINGS, { at: T0, actor: "x" }).id;
      const b = sources.create("b", SETTINGS, { at: T0, actor: "x" }).id;
      members.put([member(a, "192.0.2.1", { state: "banned" }), member(a, "192.0.2.2", { state: "banned" }), member(a, "192.0.2.3"), member(b, "192.0.2.4")]);
      expect(members.countByState(a)).toEqual({ pending: 1, banned: 2, departed: 0 });
    });

    it("hands ownership to the other sources that list an entry", () => {
      const a = sources.create("a", SETTINGS, { at: T0, actor: "x" }).id;
      const b = sources.create("b", SETTINGS, { at: T0, actor: "x" }).id;
      members.put([member(a, "192.0.2.1", { state: "banned" }), member(b, "192.0.2.1", { state: "banned", owned: false })]);
      members.handOver("sshd", "192.0.2.1", a);
      members.remove(a, "sshd", ["192.0.2.1"]);
      expect(members.inJail("sshd").map((m) => [m.sourceId, m.owned])).toEqual([[b, true]]);
      expect(members.listing("192.0.2.1")).toEqual([{ sourceId: b, jail: "sshd" }]);
    });

    it("renews the ban duration of listed rows and finds expired ones", () => {
      const a = sources.create("a", SETTINGS, { at: T0, actor: "x" }).id;
      members.put([member(a, "192.0.2.1", { state: "banned" }), member(a, "192.0.2.2", { state: "departed", expiresAt: T0 })]);
      members.setExpiry(a, "sshd", T0 + 500);
      expect(members.expired(T0).map((m) => m.entry)).toEqual(["192.0.2.2"]);
      expect(members.expired(T0 + 500).map((m) => m.entry)).toEqual(["192.0.2.1", "192.0.2.2"]);
      members.setExpiry(a, "sshd", undefined);
      expect(members.expired(T0 + 500).map((m) => m.entry)).toEqual(["192.0.2.2"]);
    });

    it("refuses to delete a source that still has rows: its bans must be lifted first", () => {
      const a = sources.create("a", SETTINGS, { at: T0, actor: "x" }).id;
      members.put([member(a, "192.0.2.1")]);
      expect(() => sources.remove(a)).toThrow(/FOREIGN KEY/);
    });
  });
});

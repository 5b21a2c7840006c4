import { describe, expect, it, vi } from "vitest";
import { Fail2banDatabase } from "../../../src/core/fail2ban/database.js";
import { serveList } from "./list-server.js";
import { addresses, sorted, useImport } from "./use-import.js";

// fail2ban-server killed (SIGKILL) in the middle of an import and started again while BanBot's
// client retries. Depending on where the kill lands the run carries on or fails (a command already
// on the wire is not retried); either way the next run bans exactly what fail2ban is missing, the
// bans it lost with the kill (it restores only what reached its database) included.
describe("blocklist import when fail2ban dies mid-run", () => {
  const t = useImport({ chunkSize: 50 });

  it("converges on the next run, sending only what fail2ban is missing", async () => {
    const list = addresses(1000);
    t.server.route("/kill", serveList(list.join("\n")));
    await t.add("kill", "/kill");
    let restarted: Promise<void> | undefined;
    t.spy.onChunk = (chunks) => {
      if (chunks === 3) restarted = t.bot.sandbox.kill().then(() => t.bot.sandbox.restart());
    };
    const report = await t.blocklists.runImport("kill");
    await restarted;
    await restoredSettled(t.bot.sandbox.dbPath, () => t.bannedIn("alpha"), list);
    expect(["ok", "failed"]).toContain(report.outcome);
    const after = new Set(await t.bannedIn("alpha"));
    const missing = list.filter((ip) => !after.has(ip));
    t.spy.reset();

    expect((await t.blocklists.runImport("kill")).outcome).toBe(missing.length > 0 || report.outcome === "failed" ? "ok" : "unchanged");
    expect(sorted(t.spy.banned)).toEqual(sorted(missing));
    expect(await t.bannedIn("alpha")).toEqual(sorted(list));
    expect(t.rows("kill").every((r) => r.state === "banned" && r.owned === 1)).toBe(true);
    t.spy.reset();
    expect(await t.blocklists.runImport("kill")).toMatchObject({ outcome: "unchanged" });
    expect(t.spy.calls).toEqual(["ignoreList", "bannedIps"]);
  });
});

/**
 * Waits until the restarted fail2ban has restored what it will: every ban its database holds, or,
 * when the kill cut a write short, until its list stops growing. fail2ban writes its database with
 * `journal_mode = MEMORY` and `synchronous = OFF`, so a SIGKILL during a commit can leave it
 * inconsistent (an index missing rows its table has, pages unreadable until repaired): its restore
 * query by jail can then miss rows that ours by address finds, and it never restores them (CI saw
 * 850 of ~930 after 10 s). Either way the next run must start from a list that no longer changes.
 */
async function restoredSettled(dbPath: string, banned: () => Promise<string[]>, list: readonly string[]): Promise<void> {
  const QUIET_MS = 2000;
  let last = "";
  let since = Date.now();
  await vi.waitFor(
    async () => {
      const now = await banned();
      const key = now.join(",");
      if (key !== last) [last, since] = [key, Date.now()];
      if (Date.now() - since >= QUIET_MS) return;
      // The kill can leave the database unreadable until the restarted fail2ban has repaired it: read again.
      const db = Fail2banDatabase.open(dbPath);
      let stored: string[];
      try {
        stored = [...db.banTimes("alpha", list).keys()];
      } finally {
        db.close();
      }
      expect(now).toEqual(expect.arrayContaining(stored));
    },
    { timeout: 30_000, interval: 100 },
  );
}

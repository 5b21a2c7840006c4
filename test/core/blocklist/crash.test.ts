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
    // fail2ban restores the bans in its database a moment after it starts: wait until it has them all.
    // The kill can leave the database malformed until the restarted fail2ban has repaired it: read again.
    await vi.waitFor(
      async () => {
        const db = Fail2banDatabase.open(t.bot.sandbox.dbPath);
        let stored: string[];
        try {
          stored = [...db.banTimes("alpha", list).keys()];
        } finally {
          db.close();
        }
        expect(await t.bannedIn("alpha")).toEqual(expect.arrayContaining(stored));
      },
      { timeout: 10_000, interval: 50 },
    );
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

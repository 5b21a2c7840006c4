import { describe, expect, it } from "vitest";
import { serveList } from "./list-server.js";
import { addresses, sorted, useImport } from "./use-import.js";

// The import diff against a real fail2ban-server: first import, re-import, 304, changed list and a
// crash in the middle. The decorated port counts every call BanBot makes to fail2ban.
describe("blocklist import", () => {
  const t = useImport();

  it("bans the whole list on the first import and records the run", async () => {
    const list = addresses(300);
    t.server.route("/first", serveList(`# header\n${list.join("\r\n")}\nnot-an-address\n198.51.100.0/25 ; SBL1\n`));
    await t.add("first", "/first");
    const report = await t.blocklists.runImport("first");
    expect(report).toMatchObject({ outcome: "ok", fetched: 302, valid: 301, invalid: 1, invalidSample: ["not-an-address"], added: 301, removed: 0, skipped: 0 });
    expect(await t.bannedIn("alpha")).toEqual(sorted([...list, "198.51.100.0/25"]));
    expect(t.spy.calls).toEqual(["ignoreList", "bannedIps", "jailLimits", "ban"]);
    expect(t.blocklists.show("first").runs[0]).toMatchObject({ outcome: "ok", added: 301, trigger: "manual" });
    expect(t.rows("first").every((r) => r.state === "banned" && r.owned === 1)).toBe(true);
  });

  it("makes no ban calls when the list is the same, and only reads fail2ban's list on a 304", async () => {
    const list = addresses(300);
    t.server.route("/same", serveList(list.join("\n")));
    t.server.route("/tagged", serveList(list.join("\n"), { etag: '"v1"' }));
    await t.add("same", "/same");
    await t.add("tagged", "/tagged", { jail: "beta" });
    await t.blocklists.runImport("same");
    await t.blocklists.runImport("tagged");
    t.spy.reset();

    // Same bytes from a server without validators: the ignore list and fail2ban's list (for bans it
    // lost), no row loaded; a 304 needs only fail2ban's list.
    expect(await t.blocklists.runImport("same")).toMatchObject({ outcome: "unchanged", added: 0, removed: 0, unchanged: 300 });
    expect(t.spy.calls).toEqual(["ignoreList", "bannedIps"]);
    t.spy.reset();
    expect(await t.blocklists.runImport("tagged")).toMatchObject({ outcome: "unchanged", added: 0, removed: 0, unchanged: 300 });
    expect(t.spy.calls).toEqual(["bannedIps"]);
    expect(t.blocklists.show("tagged").runs[0]?.outcome).toBe("unchanged");
    expect(await t.bannedIn("beta")).toEqual(sorted(list));
  });

  it("adds and removes exactly the difference when the list changes", async () => {
    const [a, b, c] = [addresses(100, 0), addresses(100, 100), addresses(100, 200)];
    t.server.route("/changing", serveList([...a, ...b].join("\n")));
    await t.add("changing", "/changing");
    await t.blocklists.runImport("changing");
    t.server.route("/changing", serveList([...b, ...c].join("\n")));
    t.spy.reset();

    expect(await t.blocklists.runImport("changing")).toMatchObject({ outcome: "ok", added: 100, removed: 100, unchanged: 100 });
    expect(sorted(t.spy.banned)).toEqual(sorted(c));
    expect(sorted(t.spy.unbanned)).toEqual(sorted(a));
    expect(await t.bannedIn("alpha")).toEqual(sorted([...b, ...c]));
    expect(t.rows("changing").map((r) => r.entry)).toEqual(sorted([...b, ...c]));
  });

  it("converges after a crash in the middle of the bans, sending nothing twice", async () => {
    const list = addresses(500);
    t.server.route("/crash", serveList(list.join("\n"), { etag: '"c1"' }));
    await t.add("crash", "/crash");
    t.spy.crashAfterChunks = 3;
    expect(await t.blocklists.runImport("crash")).toMatchObject({ outcome: "failed", error: "Unexpected error: simulated crash" });
    expect(await t.bannedIn("alpha")).toHaveLength(200);
    expect(t.rows("crash").filter((r) => r.state === "pending")).toHaveLength(350);
    t.spy.crashAfterChunks = undefined;

    // The run failed before saving the ETag, so the next one downloads in full instead of getting a 304.
    // Of the 350 rows in doubt, fail2ban holds the 50 of the chunk that tripped: the summary counts
    // the 300 this run bans, and every line of the list.
    expect(await t.blocklists.runImport("crash")).toMatchObject({ outcome: "ok", fetched: 500, valid: 500, added: 300, renewed: 0, unchanged: 200 });
    expect(await t.bannedIn("alpha")).toEqual(sorted(list));
    expect(sorted(t.spy.banned)).toEqual(sorted(list));
    expect(t.rows("crash").every((r) => r.state === "banned" && r.owned === 1)).toBe(true);
    expect(t.blocklists.show("crash").runs.map((r) => r.outcome)).toEqual(["ok", "failed"]);
  });

  it("converges after a crash in the middle of the unbans, leaving nothing orphaned", async () => {
    const keep = addresses(100);
    const drop = addresses(300, 100);
    t.server.route("/shrink", serveList([...keep, ...drop].join("\n")));
    await t.add("shrink", "/shrink");
    await t.blocklists.runImport("shrink");
    t.server.route("/shrink", serveList(keep.join("\n")));
    t.spy.crashAfterChunks = 2;
    expect(await t.blocklists.runImport("shrink")).toMatchObject({ outcome: "failed" });
    t.spy.crashAfterChunks = undefined;

    // 150 were unbanned before the crash, 100 of them on record: of the 200 rows left to lift,
    // fail2ban still held 150, and only those count as removed.
    expect(await t.blocklists.runImport("shrink")).toMatchObject({ outcome: "ok", added: 0, removed: 150, unchanged: 100 });
    expect(await t.bannedIn("alpha")).toEqual(sorted(keep));
    expect(t.rows("shrink").map((r) => r.entry)).toEqual(sorted(keep));
  });

  it("accounts for every line: valid ones added, skipped or unchanged, invalid ones and duplicates", async () => {
    const list = addresses(20);
    t.server.route("/dups", serveList([...list, ...list.slice(0, 5), "203.0.113.7/32", "bogus", "10.0.0.1"].join("\n")));
    await t.add("dups", "/dups");
    const report = await t.blocklists.runImport("dups");
    expect(report).toMatchObject({ outcome: "ok", fetched: 28, valid: 21, invalid: 1, duplicates: 6, skipped: 1, added: 20, unchanged: 0 });
    expect(report.fetched).toBe(report.valid + report.invalid + report.duplicates);
    expect(report.valid).toBe(report.skipped + report.added + report.renewed + report.unchanged);
    expect(t.blocklists.show("dups").runs[0]).toMatchObject({ duplicates: 6 });
  });

  it("shows the diff on a dry run without touching fail2ban or recording a run", async () => {
    t.server.route("/dry", serveList(addresses(20).join("\n")));
    await t.add("dry", "/dry");
    const report = await t.blocklists.runImport("dry", { dryRun: true });
    expect(report).toMatchObject({ outcome: "dry-run", added: 20, removed: 0, preview: { add: addresses(10), remove: [] } });
    expect(t.spy.calls).toEqual(["ignoreList", "bannedIps"]);
    expect(await t.bannedIn("alpha")).toEqual([]);
    expect(t.blocklists.show("dry").runs).toEqual([]);
  });

  it("reports progress chunk by chunk", async () => {
    t.server.route("/progress", serveList(addresses(120).join("\n")));
    await t.add("progress", "/progress");
    const seen: string[] = [];
    await t.blocklists.runImport("progress", { progress: (p) => seen.push(`${p.phase} ${p.done}/${p.total}`) });
    expect(seen).toEqual(["ban 50/120", "ban 100/120", "ban 120/120"]);
  });
});

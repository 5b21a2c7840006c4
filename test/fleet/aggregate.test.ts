import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import type { HistoryEvent } from "../../src/core/history/event.js";
import type { Reply } from "../../src/core/reply.js";
import { createHistoryArchive } from "../../src/store/history-archive.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { useTempDir } from "../harness/temp-dir.js";
import { fleetKeys, startTestAgent, startTestFront, type TestAgent, type TestFront } from "./fleet-harness.js";

// `top`, `stats` and `history` over several hosts, through the front's dispatcher to three real
// agents (one real fail2ban shared, as the bench does; each agent has its own store and archive).
// `ghost` is listed in the fleet but has no agent: `on all` is always partial, and says so.

const HOSTS = ["web1", "web2", "db1"] as const;
const EVERY = "web1,web2,db1";
const MINUTE = 60_000;

describe("top, stats and history summed over hosts (real NATS, three agents)", () => {
  const keys = fleetKeys([...HOSTS]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const f2b = useFail2ban();
  const tmp = useTempDir("bbfleet-sum-");
  const agents = new Map<string, TestAgent>();
  let front: TestFront;
  const now = Date.now();

  const run = (line: string): Promise<Reply> => front.core.dispatcher.run(line, CONSOLE_IDENTITY);
  /** Bans archived on `host`, `minutesAgo` each; an unban a minute after each ban when asked. */
  const archive = (host: string, ip: string, jail: string, minutesAgo: readonly number[], unban = false): void => {
    const events: HistoryEvent[] = minutesAgo.flatMap((m) => {
      const at = now - m * MINUTE;
      const ban: HistoryEvent = { host, jail, ip, kind: "ban", at, banTime: Math.floor(at / 1000), banSeconds: 600, banCount: 1, failures: 5, origin: "fail2ban" };
      return unban ? [ban, { ...ban, kind: "unban" as const, at: at + MINUTE / 2 }] : [ban];
    });
    createHistoryArchive(agents.get(host)!.db).add(events);
  };

  beforeAll(async () => {
    for (const host of HOSTS) {
      const agent = await startTestAgent({ host, socket: f2b.sandbox.socketPath, dataDir: join(tmp.path, host), url: nats.server.url, seedFile: keys.seedFile(tmp.path, host) });
      agents.set(host, agent);
      await agent.connected();
    }
    front = await startTestFront({
      dataDir: join(tmp.path, "front"),
      url: nats.server.url,
      seedFile: keys.seedFile(tmp.path, "front"),
      socket: "/nonexistent/fail2ban.sock",
      hosts: [...HOSTS, "ghost"],
      fleetYaml: "  deadline: 2s\n",
    });
    await front.front.connected();

    // alpha: 192.0.2.1 on web1 (3) and web2 (2), 192.0.2.2 on db1 (4), 192.0.2.3 on web2 (1).
    archive("web1", "192.0.2.1", "alpha", [10, 20, 30]);
    archive("web2", "192.0.2.1", "alpha", [15, 25]);
    archive("db1", "192.0.2.2", "alpha", [5, 6, 7, 8]);
    archive("web2", "192.0.2.3", "alpha", [40]);
    // beta: web1 banned 205 addresses once each, more than it sends of its top; web2 one address twice.
    for (let i = 0; i < 205; i++) archive("web1", `198.51.100.${i}`, "beta", [50 + (i % 5)]);
    archive("web2", "203.0.113.77", "beta", [60, 61]);
  }, 60_000);
  afterAll(async () => {
    await front?.stop();
    for (const agent of agents.values()) await agent.stop();
  });

  it("sums top ips across hosts, with the hosts each was banned on and a button aimed at them", async () => {
    const reply = await run(`top ips 1d alpha on ${EVERY}`);
    expect(reply.title).toBe("Top ips, last 1d in alpha on 3 hosts");
    expect(reply.table?.columns).toEqual(["#", "address", "country", "bans", "hosts", "last banned"]);
    expect(reply.table?.rows.map((r) => [r[1], r[3], r[4]])).toEqual([
      ["192.0.2.1", 5, "web1, web2"],
      ["192.0.2.2", 4, "db1"],
      ["192.0.2.3", 1, "web2"],
    ]);
    expect(reply.table?.rowActions?.[0]).toEqual({ label: "History", command: "history 192.0.2.1 on web1,web2" });
    // One chart, of the sums.
    expect(reply.images).toHaveLength(1);
    expect(reply.images![0]!.chart?.series[0]?.values).toEqual([5, 4, 1]);
    expect(reply.fields).toEqual([{ label: "Bans", value: "10 (web1 3, web2 3, db1 4)" }]);
    expect(reply.notes).toBeUndefined();
  });

  it("sums top jails with each one's share of all the hosts' bans", async () => {
    const reply = await run(`top jails 1d on ${EVERY}`);
    expect(reply.table?.rows.map((r) => [r[1], r[2], r[3], r[4]])).toEqual([
      ["beta", 207, "95.4%", "web1, web2"],
      ["alpha", 10, "4.6%", "web1, web2, db1"],
    ]);
    expect(reply.table?.rowActions?.[1]).toEqual({ label: "Stats", command: "stats --jail=alpha on web1,web2,db1" });
  });

  it("marks a sum that a host's cut-off list may leave short, and says by how much something unlisted could be missed", async () => {
    const reply = await run(`top ips 1d beta on ${EVERY}`);
    // web1 sent its top 200 of 205 addresses, each banned once: web2's address may have one ban there unseen.
    const [first, second] = reply.table!.rows;
    expect([first?.[1], first?.[3], first?.[4]]).toEqual(["203.0.113.77", "≥ 2", "web2"]);
    // What web1 listed is exact: web2's list was not cut.
    expect(second?.[3]).toBe(1);
    // Nothing unlisted can outrank the tenth row (one ban at most): no note about the ranking.
    expect(reply.notes).toEqual(["≥: at least this many. Each host sent its top 200; a host that did not list a row may have a few bans of it below its list."]);
  });

  it("sums stats, gives the range distinct addresses lie in, and draws one timeline with a layer per host", async () => {
    const reply = await run(`stats 1d alpha on ${EVERY}`);
    expect(reply.title).toBe("Bans, last 1d in alpha on 3 hosts");
    const field = (label: string) => reply.fields?.find((f) => f.label === label)?.value;
    expect(field("Bans")).toBe("10");
    // 192.0.2.1 is banned on web1 and web2: 3 addresses in all, which the hosts' own counts (1, 2, 1) cannot tell.
    expect(field("Addresses")).toBe("2 to 4");
    expect(field("Per host")).toBe("db1 4, web1 3, web2 3");
    expect(reply.notes?.[0]).toContain("counted once per host");
    const chart = reply.images?.[0]?.chart;
    expect(chart?.title).toBe("Bans per hour, by host");
    expect(chart?.series.map((s) => [s.name, s.values.reduce((a, b) => a + b, 0)])).toEqual([
      ["db1", 4],
      ["web1", 3],
      ["web2", 3],
    ]);
  });

  it("says a sum is partial when a host does not answer, and counts only those that did", async () => {
    const reply = await run("top jails 1d on all");
    expect(reply.title).toBe("Top jails, last 1d on 3 hosts (3 of 4 hosts answered)");
    expect(reply.tone).toBe("warn");
    expect(reply.notes).toEqual(expect.arrayContaining(["ghost did not answer: no agent is listening (stopped, or not connected to NATS).", "The numbers count only the 3 hosts that answered."]));
    expect(reply.table?.rows.map((r) => r[2])).toEqual([207, 10]);
  });

  it("merges an address's history from every host by time, with a host column, and pages across the merged list", async () => {
    // 20 events of 198.51.100.250, interleaved across the hosts.
    // Older than the two days the other tests count (stats compares with the day before).
    archive("web1", "198.51.100.250", "alpha", [4000, 4030, 4060], true);
    archive("web2", "198.51.100.250", "alpha", [4010, 4040, 4070, 4100], true);
    archive("db1", "198.51.100.250", "beta", [4020, 4050, 4080], true);
    const page1 = await run(`history 198.51.100.250 on ${EVERY}`);
    expect(page1.title).toBe("Ban history of 198.51.100.250 on 3 hosts");
    expect(page1.table?.columns).toEqual(["when", "host", "event", "jail", "ban", "why"]);
    expect(page1.table?.rows).toHaveLength(15);
    expect(page1.notes?.[0]).toBe("Page 1 of 2 · 20 in all (web1 6, web2 8, db1 6).");
    const next = page1.actions?.find((a) => a.label === "Next");
    expect(next?.command).toMatch(/^history 198\.51\.100\.250 from \S+ page 2 on web1,web2,db1$/);
    const page2 = await run(next!.command);
    expect(page2.table?.rows).toHaveLength(5);
    // Back from page 2 is the newest page.
    expect(page2.actions).toEqual([{ label: "Prev", command: `history 198.51.100.250 on web1,web2,db1` }]);

    // Newest first, each event once, each unban above its ban: the hosts take turns as their bans did.
    const rows = [...page1.table!.rows, ...page2.table!.rows];
    expect(rows.map((r) => r[2])).toEqual(Array.from({ length: 10 }, () => ["unban", "ban"]).flat());
    expect(rows.filter((r) => r[2] === "ban").map((r) => r[1])).toEqual(["web1", "web2", "db1", "web1", "web2", "db1", "web1", "web2", "db1", "web2"]);
    expect(rows.map((r) => r[3])).toEqual(rows.map((r) => (r[1] === "db1" ? "beta" : "alpha")));
  });

  it("pages back through the merged history to the very pages it paged forward through, hosts tied in time included", async () => {
    // 40 bans of 198.51.100.251: web1 and web2 ban at the same minutes (ties), db1 in between.
    const minutes = Array.from({ length: 14 }, (_, i) => 5000 + 10 * i);
    archive("web1", "198.51.100.251", "alpha", minutes);
    archive("web2", "198.51.100.251", "alpha", minutes);
    archive("db1", "198.51.100.251", "beta", minutes.slice(0, 12).map((m) => m + 5));
    const forward = [await run(`history 198.51.100.251 on ${EVERY}`)];
    for (;;) {
      const next = forward.at(-1)!.actions?.find((a) => a.label === "Next");
      if (!next) break;
      forward.push(await run(next.command));
    }
    expect(forward.map((p) => p.table?.rows.length)).toEqual([15, 15, 10]);
    expect(forward[2]!.actions?.map((a) => a.label)).toEqual(["Newest", "Prev"]);

    // Prev from page 3 gives page 2 again, with its own Prev and Next; Prev from there, page 1.
    const back2 = await run(forward[2]!.actions!.find((a) => a.label === "Prev")!.command);
    expect(back2.table?.rows).toEqual(forward[1]!.table?.rows);
    expect(back2.notes?.[0]).toBe(forward[1]!.notes?.[0]);
    expect(back2.actions?.map((a) => a.label)).toEqual(["Prev", "Next"]);
    expect((await run(back2.actions!.find((a) => a.label === "Next")!.command)).table?.rows).toEqual(forward[2]!.table?.rows);
    const back1 = await run(back2.actions!.find((a) => a.label === "Prev")!.command);
    expect(back1.table?.rows).toEqual(forward[0]!.table?.rows);
    expect(back1.actions?.map((a) => a.label)).toEqual(["Next"]);
    // Every event once over the three pages.
    expect(new Set(forward.flatMap((p) => p.table!.rows.map((r) => JSON.stringify(r)))).size).toBe(40);
  });

  it("goes back from the fourth page too: Prev carries where its page started, not a trail of pages", async () => {
    archive("web1", "198.51.100.252", "alpha", Array.from({ length: 20 }, (_, i) => 6000 + 3 * i));
    archive("web2", "198.51.100.252", "alpha", Array.from({ length: 20 }, (_, i) => 6001 + 3 * i));
    archive("db1", "198.51.100.252", "beta", Array.from({ length: 10 }, (_, i) => 6002 + 3 * i));
    const pages = [await run(`history 198.51.100.252 on ${EVERY}`)];
    for (let i = 0; i < 3; i++) pages.push(await run(pages.at(-1)!.actions!.find((a) => a.label === "Next")!.command));
    expect(pages.map((p) => p.table?.rows.length)).toEqual([15, 15, 15, 5]);
    const prev = pages[3]!.actions!.find((a) => a.label === "Prev")!;
    expect(prev.command).toMatch(/^history 198\.51\.100\.252 back [\w:,]+ page 3 on web1,web2,db1$/);
    expect(prev.command.split(" back ")[1]!.split(" ")[0]!.split(",")).toHaveLength(3);
    const back3 = await run(prev.command);
    expect(back3.table?.rows).toEqual(pages[2]!.table?.rows);
    expect(back3.actions?.map((a) => a.label)).toEqual(["Newest", "Prev", "Next"]);
  });

  it("refuses a damaged page link with a clear message", async () => {
    const reply = await run(`history 198.51.100.250 from web1:x page 2 on ${EVERY}`);
    expect(reply.tone).not.toBe("ok");
    expect(JSON.stringify(reply)).toContain("That page link is damaged: run the history command again.");
  });
});

import { randomBytes } from "node:crypto";
import { rm, writeFile, mkdir } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { historyActionFile } from "../../../src/cli/capture-check.js";
import { serveList, useListServer } from "../blocklist/list-server.js";
import { FakeSlack, type SlackRequest } from "../../fakes/fake-slack.js";
import { causeBansByLog, useFail2ban } from "../../harness/fail2ban.js";
import { askOverSlack } from "../../harness/slack-ask.js";
import { killIfRunning, startBanbotOnSlack, type BanbotProcess } from "../../harness/spawn-banbot.js";

const ADMIN = "U0ADMIN";
const CHANNEL = "C0ALERTS";
// Known before the sandbox starts: its jails' action reports to BanBot's socket in the data dir.
const dir = join(tmpdir(), `bb-live-${randomBytes(4).toString("hex")}`);
const dataDir = join(dir, "data");

// `banbot start` as a service runs it, with the history action installed in fail2ban and Slack
// (Socket Mode) against the fake: a blocklist import and chat bans are not an attack; an attack is,
// and its alert is in the channel within seconds, not at the next minute.
describe("spike alerts from a running banbot start with the history capture", () => {
  const f2b = useFail2ban({ extraActions: [{ file: historyActionFile(), options: { socket: join(dataDir, "history.sock") } }] });
  const lists = useListServer();
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

  const ask = (text: string) => askOverSlack(slack, text, ADMIN);
  const posts = (): SlackRequest[] => slack.calls("chat.postMessage").filter((r) => r.args.channel === CHANNEL);
  // The notification text is the title after the tone mark and a space.
  const title = (r: SlackRequest) => String(r.args.text).replace(/^\S+ /, "");
  function readStore<T>(query: (db: Sqlite.Database) => T): T {
    const db = new Sqlite(join(dataDir, "banbot.sqlite3"), { readonly: true, fileMustExist: true });
    try {
      return query(db);
    } finally {
      db.close();
    }
  }
  const archived = (jail: string) =>
    readStore((db) => db.prepare<[string], { origin: string; n: number }>("SELECT origin, COUNT(*) AS n FROM history_events WHERE jail = ? AND kind = 'ban' GROUP BY origin ORDER BY origin").all(jail));
  // The once-a-minute check has run when it has recorded where each jail's bans come from.
  const minuteCheckRan = () => readStore((db) => db.prepare("SELECT 1 FROM alert_state WHERE key = 'spike:sources'").get()) !== undefined;

  it("posts a blocklist alert for a 500-address import, no spike for it or for chat bans, and a spike alert within seconds of an attack", { timeout: 180_000 }, async () => {
    const configFile = join(dir, "banbot.yaml");
    await writeFile(
      configFile,
      `
access:
  grants:
    - role: admin
      slack_users: [${ADMIN}]
commands:
  rate_limit:
    per_minute: 1000
alerts:
  routes:
    - kinds: [spike, blocklist]
      slack_channel: ${CHANNEL}
  spike:
    window_minutes: 2
    min_count: 10
    factor: 4
blocklists:
  allow_private_hosts: [127.0.0.1]
`,
    );
    bot = await startBanbotOnSlack(slack, { configFile, dataDir, socketPath: f2b.sandbox.socketPath });
    const host = hostname();

    // A 500-address blocklist and 15 chat bans, all in alpha, in seconds.
    lists.route("/drop.txt", serveList(Array.from({ length: 500 }, (_, i) => `192.0.${2 + (i >> 8)}.${i & 255}`).join("\n")));
    expect(await ask(`blocklist add drop ${lists.url("/drop.txt")} alpha`)).toMatch(/Added blocklist drop/);
    expect(await ask("blocklist import drop")).toMatch(/Imported drop into alpha: \+500/);
    expect(await ask(`ban ${Array.from({ length: 15 }, (_, i) => `203.0.113.${i + 201}`).join(" ")} alpha`)).toMatch(/Banned 15 addresses in alpha/);
    await vi.waitFor(() => expect(archived("alpha")).toEqual([{ origin: "blocklist:drop", n: 500 }, { origin: "manual", n: 15 }]), { timeout: 20_000, interval: 200 });
    await vi.waitFor(() => expect(posts().map(title)).toEqual([`Blocklist drop changed alpha on ${host}: +500 −0`]), { timeout: 10_000, interval: 100 });

    // The attack starts early in a minute, so an alert in the same minute cannot come from the
    // once-a-minute check (which runs at second 0) — and by then that check has run at least once.
    await vi.waitFor(
      () => {
        expect(minuteCheckRan()).toBe(true);
        const second = new Date().getSeconds();
        expect(second >= 2 && second <= 20).toBe(true);
      },
      { timeout: 90_000, interval: 200 },
    );
    // The fake stamps requests with performance.now(): the next minute on that clock.
    const nextMinute = performance.now() + (Math.ceil(Date.now() / 60_000) * 60_000 - Date.now());
    const attack = Array.from({ length: 12 }, (_, i) => `203.0.113.${i + 1}`);
    await causeBansByLog(f2b.sandbox, "alpha", attack);
    const spike = await vi.waitFor(
      () => {
        const found = posts().find((r) => title(r) === `Ban spike in alpha on ${host}`);
        if (!found) throw new Error("no spike alert yet");
        return found;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(spike.at).toBeLessThan(nextMinute);
    // Neither the blocklist nor the chat bans were counted; the breakdown is of the same 12 bans.
    const text = JSON.stringify(spike.args.blocks);
    expect(text).toContain("12 bans in the last 2 minutes");
    const latest = /Latest addresses\*\\n([^"]*)"/.exec(text)?.[1]?.split("\\n") ?? [];
    expect(latest.length).toBe(5);
    expect(latest.every((ip) => attack.includes(ip))).toBe(true);
    const countries = /Countries\*\\n([^"]*)"/.exec(text)?.[1] ?? "";
    expect([...countries.matchAll(/\((\d+)\)/g)].reduce((n, m) => n + Number(m[1]), 0)).toBe(12);
    expect(posts().filter((r) => title(r).startsWith("Ban spike"))).toHaveLength(1);

    expect(await ask("status")).toMatch(/Spike detection.*from the history capture's ban events, within seconds \(alpha, beta\)/);

    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
  });
});

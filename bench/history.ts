import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pino, { type Logger } from "pino";
import { history as historyCommand } from "../commands/history.js";
import { top } from "../commands/top.js";
import { rankedBarsChart } from "../src/core/charts/ranked-bars.js";
import { Fail2banDatabase } from "../src/core/fail2ban/database.js";
import { backfill } from "../src/core/history/backfill.js";
import { createHistory } from "../src/core/history/history.js";
import { prepareEvents } from "../src/core/history/prepare.js";
import { CONSOLE_IDENTITY } from "../src/core/identity.js";
import { startFail2banSandbox } from "../src/sandbox/fail2ban-sandbox.js";
import { createHistoryArchive } from "../src/store/history-archive.js";
import { createBackfillState } from "../src/store/history-backfill-state.js";
import { createHistoryQueries } from "../src/store/history-queries.js";
import { migratedStore } from "../test/harness/store.js";
import { TEST_JAILS } from "../test/harness/test-jails.js";
import { generateEvents, type BenchEvent } from "./history-data.js";
import { median, ms, printTable, time } from "./report.js";

const EVENTS = 1_000_000;
const NEW_ROWS = 100_000;
const RUNS = 21;
const BACKFILL_ROUNDS = 3;
const HOST = "bench-host";
const NOW = Date.UTC(2026, 10, 22, 12) / 1000;

// Ban history on a year of 1,000,000 events: the archive's answers next to the same questions asked
// of fail2ban's own database (as if it kept a year, which by default it does not), and the backfill
// of 100,000 new fail2ban rows.
export async function benchHistory(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bbh-"));
  const log = pino({ level: "silent" });
  try {
    const events = generateEvents(EVENTS, NOW);
    const store = migratedStore(join(dir, "banbot.sqlite3"));
    const fill = await time(() => Promise.resolve(fillArchive(store, events)));
    const archived = (store.prepare("SELECT count(*) AS n FROM history_events").get() as { n: number }).n;
    const f2bFile = await fail2banDbFrom(dir);
    const f2b = new Database(f2bFile);
    const f2bFill = await time(() => Promise.resolve(fillFail2ban(f2b, events)));

    const rows = await askBoth(store, f2b, events, log);
    const last = f2b.prepare("SELECT rowid, jail, ip, timeofban FROM bans ORDER BY rowid DESC LIMIT 1").get() as { rowid: number; jail: string; ip: string; timeofban: number };
    createBackfillState(store).set(HOST, f2bFile, { rowid: last.rowid, jail: last.jail, ip: last.ip, time: last.timeofban }, 0);
    const rounds: number[] = [];
    for (let round = 1; round <= BACKFILL_ROUNDS; round++) rounds.push(await backfillRound(store, f2b, f2bFile, round, log));
    rows.push([`backfill ${NEW_ROWS.toLocaleString("en")} new fail2ban rows (median of ${BACKFILL_ROUNDS} rounds)`, ms(median(rounds)), "", "< 2 s"]);

    printTable(
      `Ban history: ${archived.toLocaleString("en")} events over a year (archive filled in ${ms(fill)}, fail2ban's copy in ${ms(f2bFill)}), median of ${RUNS}`,
      ["question", "BanBot archive", "fail2ban's database", "target"],
      rows,
    );
    f2b.close();
    store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `top countries since 30d` and `history <ip>`, through the commands and straight from fail2ban's bans. */
async function askBoth(store: Database.Database, f2b: Database.Database, events: readonly BenchEvent[], log: Logger): Promise<string[][]> {
  const history = createHistory({
    host: HOST,
    archive: createHistoryArchive(store),
    queries: createHistoryQueries(store, { host: HOST }),
    backfillState: createBackfillState(store),
    retentionMs: 365 * 86_400_000,
    now: () => NOW * 1000,
    log,
  });
  // No jail filter is asked for, so fail2ban's jail list is never needed.
  const ctx = { history, fail2ban: { status: () => Promise.resolve({ jails: [] }) }, clock: { now: () => NOW * 1000 }, actor: CONSOLE_IDENTITY, commandLine: "" };
  const sample = async (fn: () => unknown) => {
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await time(() => Promise.resolve(fn())));
    return median(runs);
  };
  // The generator's most frequent address, and a rare one.
  const hot = events[0]!.ip;
  const cold = events[EVENTS - 7]!.ip;
  const hotBans = history.count({ ip: hot }, 1_000_000);
  const month = { since: (NOW - 30 * 86_400) * 1000 };
  const countryOf = new Map(events.map((e) => [e.ip, e.country]));
  const f2bIp = f2b.prepare("SELECT jail, timeofban, bantime, bancount, data FROM bans WHERE ip = ? ORDER BY timeofban DESC");
  const f2bMonth = f2b.prepare("SELECT ip, count(*) AS n FROM bans WHERE timeofban >= ? GROUP BY ip");
  // fail2ban's database has no countries: count per address, then place each address (here from a map).
  const f2bTop = () => {
    const perCountry = new Map<string, number>();
    for (const r of f2bMonth.all(NOW - 30 * 86_400) as { ip: string; n: number }[]) {
      const c = countryOf.get(r.ip) ?? "?";
      perCountry.set(c, (perCountry.get(c) ?? 0) + r.n);
    }
    return [...perCountry].sort((a, b) => b[1] - a[1]).slice(0, 10);
  };
  const chart = () => rankedBarsChart({ title: "Top countries", rows: history.top("country", month, 10).map((r) => ({ label: r.key ?? "?", value: r.bans })), name: "x.png", alt: "x", valueLabel: "bans" });
  return [
    ["top countries since 30d: the data", ms(await sample(() => [history.bans(month), history.top("country", month, 10)])), `${ms(await sample(f2bTop))} (group by address, then geo)`, "< 50 ms"],
    ["top countries since 30d: the chart alone", ms(await sample(chart)), "", ""],
    ["top countries since 30d: the whole command", ms(await sample(() => top.run({ what: "countries", since: 30 * 86_400_000 }, ctx))), "", "< 50 ms"],
    [`history <ip>, first page (${hotBans.toLocaleString("en")} events)`, ms(await sample(() => historyCommand.run({ ip: hot }, ctx))), `${ms(await sample(() => f2bIp.all(hot)))} (all its rows)`, "< 50 ms"],
    ["history <ip>, first page (a few events)", ms(await sample(() => historyCommand.run({ ip: cold }, ctx))), `${ms(await sample(() => f2bIp.all(cold)))} (all its rows)`, "< 50 ms"],
  ];
}

/** What fail2ban gained during a day BanBot was down (or a burst of blocklist bans), archived. */
async function backfillRound(store: Database.Database, f2b: Database.Database, f2bFile: string, round: number, log: Logger): Promise<number> {
  const fresh = generateEvents(NEW_ROWS * 1.2, NOW + round * 86_400, { seed: 7 + round, span: 86_400 }).filter((e) => e.kind === "ban");
  fillFail2ban(f2b, fresh.slice(0, NEW_ROWS));
  let result = { read: 0, added: 0, rescanned: false };
  const took = await time(async () => {
    const reader = Fail2banDatabase.open(f2bFile);
    try {
      const prepare = (list: Parameters<typeof prepareEvents>[0]) => prepareEvents(list, { host: HOST, log });
      const deps = { fail2banDb: reader, source: f2bFile, host: HOST, state: createBackfillState(store), archive: createHistoryArchive(store), prepare, now: () => 0 };
      result = await backfill(deps);
    } finally {
      reader.close();
    }
  });
  if (result.read !== NEW_ROWS || result.rescanned) throw new Error(`backfill round ${round}: ${JSON.stringify(result)}`);
  return took;
}

function fillArchive(db: Database.Database, events: readonly BenchEvent[]): void {
  // OR IGNORE: the generator can repeat a key, which the archive would merge too.
  const insert = db.prepare(`INSERT OR IGNORE INTO history_events (host, jail, ip, kind, at, ban_time, ban_seconds, ban_count, failures, origin, matches, country, asn, as_org)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const chunk = db.transaction((list: readonly BenchEvent[]) => {
    for (const e of list) {
      insert.run(HOST, e.jail, e.ip, e.kind, e.at, e.banTime, 600, 1, e.kind === "ban" ? 5 : null, "fail2ban", e.matches, e.country, e.asn, e.org);
    }
  });
  for (let i = 0; i < events.length; i += 50_000) chunk(events.slice(i, i + 50_000));
  // What archive.add keeps up to date one ban at a time.
  db.exec(`INSERT INTO history_daily (host, day, jail, country, bans, last_at)
    SELECT host, at - at % 86400, jail, coalesce(country, ''), count(*), max(at) FROM history_events WHERE kind = 'ban' GROUP BY 1, 2, 3, 4`);
}

function fillFail2ban(db: Database.Database, events: readonly BenchEvent[]): void {
  const insert = db.prepare("INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES(?, ?, ?, 600, 1, ?)");
  const chunk = db.transaction((list: readonly BenchEvent[]) => {
    for (const e of list) {
      if (e.kind !== "ban") continue;
      insert.run(e.jail, e.ip, e.banTime, Buffer.from(JSON.stringify({ matches: e.matches ? e.matches.split("\n") : [], failures: 5 })));
    }
  });
  for (let i = 0; i < events.length; i += 50_000) chunk(events.slice(i, i + 50_000));
}

/** A fail2ban database as a real fail2ban-server creates it (schema v4), with this bench's jails. */
async function fail2banDbFrom(dir: string): Promise<string> {
  const sandbox = await startFail2banSandbox({ jails: TEST_JAILS });
  const file = join(dir, "fail2ban.sqlite3");
  try {
    await sandbox.stop();
    await copyFile(sandbox.dbPath, file);
  } finally {
    await sandbox.dispose();
  }
  const db = new Database(file);
  const jail = db.prepare("INSERT OR IGNORE INTO jails(name, enabled) VALUES(?, 1)");
  for (const name of ["sshd", "nginx-http-auth", "nginx-botsearch", "postfix", "dovecot", "recidive"]) jail.run(name);
  db.close();
  return file;
}

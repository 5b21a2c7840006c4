import type { Database } from "better-sqlite3";

// Synthetic ban history for the benchmark: skewed like real attacks (a few addresses, networks and
// countries account for most bans), deterministic, and spread over a year.

export interface BenchEvent {
  jail: string;
  ip: string;
  kind: "ban" | "unban";
  /** Unix seconds. */
  at: number;
  banTime: number;
  country: string | null;
  asn: number | null;
  org: string | null;
  matches: string | null;
}

const JAILS = ["sshd", "sshd", "sshd", "nginx-http-auth", "nginx-botsearch", "postfix", "dovecot", "recidive"];
const COUNTRIES = ["CN", "US", "RU", "BR", "IN", "VN", "DE", "KR", "ID", "NL", "FR", "GB", "TW", "IR", "UA", "SG", "HK", "TR", "AR", "MX"];
const ADDRESSES = 200_000;
const YEAR = 365 * 86_400;

/** `count` events over `span` seconds up to `now` (Unix seconds), about one in ten an unban. */
export function generateEvents(count: number, now: number, opts: { seed?: number; span?: number } = {}): BenchEvent[] {
  const seed = opts.seed ?? 1;
  const span = opts.span ?? YEAR;
  let state = seed >>> 0 || 1;
  // xorshift32: fast, and the same numbers on every run.
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const skewed = (n: number): number => Math.floor(n * random() ** 3);
  const events: BenchEvent[] = [];
  for (let i = 0; i < count; i++) {
    const a = skewed(ADDRESSES);
    const ip = `${10 + (a >> 16)}.${(a >> 8) & 255}.${a & 255}.${(a * 7) & 255}`;
    const country = a % 17 === 0 ? null : COUNTRIES[skewed(COUNTRIES.length)]!;
    const asn = a % 13 === 0 ? null : 4_000 + (a % 900);
    const at = now - Math.floor((i / count) * span) - Math.floor(random() * 60);
    const unban = random() < 0.1;
    events.push({
      jail: JAILS[a % JAILS.length]!,
      ip,
      kind: unban ? "unban" : "ban",
      at: unban ? at + 600 : at,
      banTime: at,
      country,
      asn,
      org: asn === null ? null : `Network ${asn}`,
      matches: unban || random() < 0.3 ? null : `sshd[${1000 + (i % 9000)}]: Failed password for invalid user admin from ${ip} port ${i % 65_536} ssh2`,
    });
  }
  return events;
}

/** Writes events straight into the archive, with the rollups archive.add would have kept. */
export function fillArchive(db: Database, host: string, events: readonly BenchEvent[]): void {
  // OR IGNORE: the generator can repeat a key, which the archive would merge too.
  const insert = db.prepare(`INSERT OR IGNORE INTO history_events (host, jail, ip, kind, at, ban_time, ban_seconds, ban_count, failures, origin, matches, country, asn, as_org)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const chunk = db.transaction((list: readonly BenchEvent[]) => {
    for (const e of list) {
      insert.run(host, e.jail, e.ip, e.kind, e.at, e.banTime, 600, 1, e.kind === "ban" ? 5 : null, "fail2ban", e.matches, e.country, e.asn, e.org);
    }
  });
  for (let i = 0; i < events.length; i += 50_000) chunk(events.slice(i, i + 50_000));
  // The rollups archive.add keeps up to date batch by batch, as migrations 0008, 0012 and 0014 build
  // them, and the weeks before the latest rolled up, as the daily retention job and migration 0017 do.
  db.exec(`INSERT INTO history_daily (host, day, jail, country, bans, last_at)
      SELECT host, at - at % 86400, jail, coalesce(country, ''), count(*), max(at) FROM history_events WHERE kind = 'ban' GROUP BY 1, 2, 3, 4;
    INSERT INTO history_daily_jail (host, day, jail, bans, last_at)
      SELECT host, at - at % 86400, jail, count(*), max(at) FROM history_events WHERE kind = 'ban' GROUP BY 1, 2, 3;
    INSERT INTO history_daily_asn (host, day, jail, asn, bans, last_at)
      SELECT host, at - at % 86400, jail, coalesce(asn, -1), count(*), max(at) FROM history_events WHERE kind = 'ban' GROUP BY 1, 2, 3, 4;
    INSERT INTO history_weekly_asn (host, week, jail, asn, bans, last_at)
      SELECT host, day - (day - 345600) % 604800 AS week, jail, asn, sum(bans), max(last_at) FROM history_daily_asn
      WHERE day < (SELECT max(day) - (max(day) - 345600) % 604800 FROM history_daily_asn) GROUP BY 1, 2, 3, 4;
    INSERT INTO history_addresses (host, ip, jail, last_at) SELECT host, ip, jail, max(at) FROM history_events WHERE kind = 'ban' GROUP BY 1, 2, 3;`);
}

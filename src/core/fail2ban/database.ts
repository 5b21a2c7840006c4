import Database from "better-sqlite3";
import { z } from "zod";
import { UserError } from "../errors.js";
import type { Fail2ban } from "../ports/fail2ban.js";

// fail2ban's own SQLite database, read-only. fail2ban writes it without WAL and gives up on a ban
// write after 5 s of lock contention (the ban is then never stored), so every read here is one short
// statement, never an open transaction, and nothing is ever written.

export interface DbBan {
  rowid: number;
  jail: string;
  ip: string;
  /** Unix seconds. For log-detected bans, the time of the last failure. */
  timeOfBan: number;
  /** -1 permanent; undefined when unknown (schema v2, or rows migrated from it). */
  banSeconds: number | undefined;
  banCount: number;
  failures: number;
  matches: string[];
}

// The columns come out of SQL with the types fail2ban's schema declares, CAST so that even a
// damaged or hand-edited database yields a number or a string and never another type: a backfill
// reads 100,000 rows, and checking each row object again in JavaScript (with zod) cost more memory
// than the rest of the backfill together. `data` is free-form JSON carrying attackers' log lines,
// and is validated with zod. py3 stores it as a UTF-8 BLOB: read as text, SQLite hands over a
// string instead of a Buffer to decode.
const COLUMNS = `rowid, coalesce(CAST(jail AS TEXT), ''), CAST(ip AS TEXT), coalesce(CAST(timeofban AS INTEGER), 0)`;
const V4_COLUMNS = `${COLUMNS}, CAST(bantime AS INTEGER), coalesce(CAST(bancount AS INTEGER), 1), CAST(data AS TEXT)`;
const V2_COLUMNS = `${COLUMNS}, NULL, 1, CAST(data AS TEXT)`;

const CACHE_KIB = 512;

type RawBan = [rowid: number, jail: string, ip: string | null, timeOfBan: number, banSeconds: number | null, banCount: number, data: string | null];

// Unknown keys are dropped, not copied: only these two are ever read.
const dataSchema = z.object({
  matches: z.array(z.union([z.string(), z.array(z.string())])).optional(),
  failures: z.number().optional(),
});

export class Fail2banDatabase {
  private readonly version: number;

  private constructor(private readonly db: Database.Database) {
    // Read once, front to back: better-sqlite3's default 16 MB page cache would only fill up with
    // pages never read again (a first backfill of 100,000 rows filled all of it).
    db.pragma(`cache_size = -${CACHE_KIB}`);
    const row = db.prepare("SELECT version FROM fail2banDb").get() as { version?: unknown } | undefined;
    this.version = typeof row?.version === "number" ? row.version : 0;
  }

  static open(file: string): Fail2banDatabase {
    try {
      return new Fail2banDatabase(new Database(file, { readonly: true, fileMustExist: true, timeout: 2000 }));
    } catch (err) {
      throw new UserError(
        "fail2ban_db_unavailable",
        "fail2ban's database cannot be opened: BanBot needs read access to it (run as the user that owns it).",
        { cause: err },
      );
    }
  }

  /** 4 from fail2ban 0.11 on; 2 in 0.10, which has no ban times or counts. */
  get schemaVersion(): number {
    return this.version;
  }

  /** Ban events after a rowid watermark, oldest first: an incremental, idempotent read. */
  bansAfter(rowid: number, limit: number): DbBan[] {
    const columns = this.version >= 4 ? V4_COLUMNS : V2_COLUMNS;
    const rows = this.db.prepare<[number, number], RawBan>(`SELECT ${columns} FROM bans WHERE rowid > ? ORDER BY rowid LIMIT ?`).raw().all(rowid, limit);
    return rows.map(toBan);
  }

  /** Bans whose time has not run out by `now` (Unix seconds), per the database's latest-ban table. */
  activeBans(now: number): DbBan[] {
    if (this.version < 4) return [];
    const rows = this.db.prepare<[number], RawBan>(`SELECT ${V4_COLUMNS} FROM bips WHERE bantime = -1 OR timeofban + bantime > ?`).raw().all(now);
    return rows.map(toBan);
  }

  /**
   * The current ban of each address in the jail as fail2ban stored it (its latest-ban table), for
   * the few rows a page shows; addresses it has no row for are left out. Empty before schema 4.
   */
  banTimes(jail: string, ips: readonly string[]): Map<string, { timeOfBan: number; banSeconds: number }> {
    const times = new Map<string, { timeOfBan: number; banSeconds: number }>();
    if (this.version < 4 || ips.length === 0) return times;
    const rows = this.db
      // fail2ban stores a ban time with a fraction when an address banned again had its end moved
      // before the first ban reached the database (its ticket's time plus the seconds in between):
      // whole seconds, as fail2ban's own list (`%d`) shows it.
      .prepare("SELECT ip, CAST(timeofban AS INTEGER) AS timeofban, CAST(bantime AS INTEGER) AS bantime FROM bips WHERE jail = ? AND ip IN (SELECT value FROM json_each(?))")
      .all(jail, JSON.stringify(ips));
    for (const row of rows) {
      const r = banTimeRowSchema.parse(row);
      times.set(r.ip, { timeOfBan: r.timeofban, banSeconds: r.bantime });
    }
    return times;
  }

  close(): void {
    this.db.close();
  }
}

const banTimeRowSchema = z.object({ ip: z.string(), timeofban: z.number().int(), bantime: z.number().int() });

/** Finds the database through the running server, which is the only reliable source for its path. */
export async function locateFail2banDb(fail2ban: Pick<Fail2ban, "dbFile">): Promise<string> {
  const file = await fail2ban.dbFile();
  if (file === undefined || file === ":memory:") {
    throw new UserError("fail2ban_db_unavailable", "fail2ban runs without a database (dbfile), so it keeps no ban history.");
  }
  return file;
}

function toBan([rowid, jail, ip, timeOfBan, bantime, banCount, raw]: RawBan): DbBan {
  const data = parseData(raw);
  return {
    rowid,
    jail,
    ip: ip ?? "",
    timeOfBan,
    banSeconds: bantime === null || bantime === -2 ? undefined : bantime,
    banCount,
    failures: data.failures ?? 0,
    // fail2ban stores a line either whole or as [before-date, date, after-date]; it joins them with ''.
    matches: (data.matches ?? []).map((m) => (Array.isArray(m) ? m.join("") : m)),
  };
}

function parseData(raw: string | null): z.infer<typeof dataSchema> {
  if (raw === null) return {};
  try {
    const parsed = dataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

import Database from "better-sqlite3";
import { z } from "zod";
import { UserError } from "../errors.js";
import type { Fail2ban } from "./client.js";

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

// py3 stores `data` as a UTF-8 BLOB: read as text, SQLite hands over a string directly instead of
// a Buffer to decode, a third faster when the history backfill reads 100,000 rows.
const DATA = "CAST(data AS TEXT) AS data";

const dataSchema = z
  .object({
    matches: z.array(z.union([z.string(), z.array(z.string())])).optional(),
    failures: z.number().optional(),
  })
  .loose();

const rowSchema = z.object({
  rowid: z.number().int(),
  jail: z.string(),
  ip: z.string().nullable(),
  timeofban: z.number().int(),
  bantime: z.number().int().nullable(),
  bancount: z.number().int().nullable(),
  data: z.union([z.instanceof(Buffer), z.string(), z.null()]),
});

export class Fail2banDatabase {
  private readonly version: number;

  private constructor(private readonly db: Database.Database) {
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
    const cols = this.version >= 4 ? "bantime, bancount" : "NULL AS bantime, NULL AS bancount";
    const rows = this.db
      .prepare(`SELECT rowid, jail, ip, timeofban, ${cols}, ${DATA} FROM bans WHERE rowid > ? ORDER BY rowid LIMIT ?`)
      .all(rowid, limit);
    return rows.map((r) => toBan(rowSchema.parse(r)));
  }

  /** Bans whose time has not run out by `now` (Unix seconds), per the database's latest-ban table. */
  activeBans(now: number): DbBan[] {
    if (this.version < 4) return [];
    const rows = this.db
      .prepare(
        `SELECT rowid, jail, ip, timeofban, bantime, bancount, ${DATA} FROM bips WHERE bantime = -1 OR timeofban + bantime > ?`,
      )
      .all(now);
    return rows.map((r) => toBan(rowSchema.parse(r)));
  }

  /**
   * The current ban of each address in the jail as fail2ban stored it (its latest-ban table), for
   * the few rows a page shows; addresses it has no row for are left out. Empty before schema 4.
   */
  banTimes(jail: string, ips: readonly string[]): Map<string, { timeOfBan: number; banSeconds: number }> {
    const times = new Map<string, { timeOfBan: number; banSeconds: number }>();
    if (this.version < 4 || ips.length === 0) return times;
    const rows = this.db
      .prepare("SELECT ip, timeofban, bantime FROM bips WHERE jail = ? AND ip IN (SELECT value FROM json_each(?))")
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

function toBan(r: z.infer<typeof rowSchema>): DbBan {
  const data = parseData(r.data);
  return {
    rowid: r.rowid,
    jail: r.jail,
    ip: r.ip ?? "",
    timeOfBan: r.timeofban,
    banSeconds: r.bantime === null || r.bantime === -2 ? undefined : r.bantime,
    banCount: r.bancount ?? 1,
    failures: data.failures ?? 0,
    // fail2ban stores a line either whole or as [before-date, date, after-date]; it joins them with ''.
    matches: (data.matches ?? []).map((m) => (Array.isArray(m) ? m.join("") : m)),
  };
}

function parseData(raw: Buffer | string | null): z.infer<typeof dataSchema> {
  if (raw === null) return {};
  try {
    const parsed = dataSchema.safeParse(JSON.parse(typeof raw === "string" ? raw : raw.toString("utf8")));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

import type { Logger } from "pino";
import { isUserError } from "../errors.js";
import { isStoreBusy } from "../store-busy.js";
import type { HistoryEvent } from "../history/event.js";
import type { Fail2ban } from "../ports/fail2ban.js";
import { Fail2banDatabase, locateFail2banDb } from "./database.js";
import type { BanEntry } from "./parse.js";

/** When a ban started and ends, as far as BanBot can tell. */
export type BanTimes = Omit<BanEntry, "ip">;

// Whole seconds, not Dates: a 100k-ban jail keeps 100k of these.
interface Known {
  start: number;
  banSeconds: number;
  /** The jail's ban time when fail2ban's own list (`--with-time`) gave these times. */
  confirmedAt?: number;
}

type Deps = { fail2ban: Pick<Fail2ban, "bans" | "dbFile" | "jailLimits">; log: Logger };

/**
 * Start and end of the bans fail2ban holds, so that a page of `banned` costs its own rows, not the
 * jail. fail2ban's `get <jail> banip` gives membership and order (by end of ban) cheaply, but times
 * only for the whole jail at once (`--with-time`: three times the server's work, and the decoding).
 *
 * The index follows the capture's ban and unban events (History.subscribe). A row it has not seen
 * (banned before this process started, or no capture installed) is read from fail2ban's database.
 * Both record the ban time a ban got, but fail2ban ends a ban that has no time of its own by the
 * jail's *current* ban time, and moves the end of a ban banned again without telling anyone. So a
 * recorded time is trusted only while it equals the jail's ban time, and only in fail2ban's order;
 * otherwise the whole list with times decides, and is kept for as long as the jail's ban time holds.
 */
export class BanIndex {
  private readonly jails = new Map<string, Map<string, Known>>();

  constructor(private readonly deps: Deps) {}

  /** For History.subscribe: the newest ban of an address wins; an unban removes the ban it ended. */
  follow(events: readonly HistoryEvent[]): void {
    for (const e of events) {
      const jail = this.jail(e.jail);
      const known = jail.get(e.ip);
      if (known && known.start > e.banTime) continue; // an older ban than the one known (bans fail2ban restores at a restart come again)
      if (e.kind === "unban") jail.delete(e.ip);
      else if (e.banSeconds !== undefined) jail.set(e.ip, { start: e.banTime, banSeconds: e.banSeconds });
    }
  }

  /**
   * Times for `ips`, addresses fail2ban bans in the jail now, in its own order reversed (latest end
   * first). `banned` is the jail's whole list, to drop addresses the index holds but fail2ban no
   * longer bans (their unban was missed) before one of them is banned again under stale times.
   */
  async times(jail: string, ips: readonly string[], banned: readonly string[]): Promise<Map<string, BanTimes>> {
    const known = this.jail(jail);
    if (known.size > banned.length) keepOnly(known, banned);
    const found = new Map<string, Known>();
    for (const ip of ips) if (known.has(ip)) found.set(ip, known.get(ip)!);
    const missing = ips.filter((ip) => !found.has(ip));
    // Not kept: without the capture nothing would tell the index when these bans end early.
    if (missing.length > 0) for (const [ip, k] of await this.fromDatabase(jail, missing)) found.set(ip, k);
    const rows = ips.map((ip) => found.get(ip));
    const { bantime } = ips.length > 0 ? await this.deps.fail2ban.jailLimits(jail) : { bantime: 0 };
    const trusted = (k: Known | undefined) => k !== undefined && (k.banSeconds === bantime || k.confirmedAt === bantime);
    if (!rows.every(trusted) || !inOrder(rows as Known[])) {
      const loaded = await this.load(jail, bantime);
      return new Map(ips.map((ip) => [ip, loaded.get(ip) ?? toTimes(undefined)]));
    }
    return new Map(ips.map((ip) => [ip, toTimes(found.get(ip))]));
  }

  /** Reads the whole jail with times (fail2ban's costly `--with-time`) and keeps them. */
  async load(jail: string, bantime?: number): Promise<Map<string, BanTimes>> {
    const confirmedAt = bantime ?? (await this.deps.fail2ban.jailLimits(jail)).bantime;
    const entries = await this.deps.fail2ban.bans(jail);
    const known = new Map<string, Known>();
    for (const b of entries) {
      if (b.start && b.banSeconds !== undefined) known.set(b.ip, { start: Math.floor(b.start.getTime() / 1000), banSeconds: b.banSeconds, confirmedAt });
    }
    this.jails.set(jail, known);
    return new Map(entries.map(({ ip, ...times }) => [ip, times]));
  }

  private jail(name: string): Map<string, Known> {
    let jail = this.jails.get(name);
    if (!jail) this.jails.set(name, (jail = new Map<string, Known>()));
    return jail;
  }

  private async fromDatabase(jail: string, ips: readonly string[]): Promise<Map<string, Known>> {
    const found = new Map<string, Known>();
    let db: Fail2banDatabase | undefined;
    try {
      db = Fail2banDatabase.open(await locateFail2banDb(this.deps.fail2ban));
      // -2: a row migrated from a schema without ban times.
      for (const [ip, t] of db.banTimes(jail, ips)) if (t.banSeconds >= -1) found.set(ip, { start: t.timeOfBan, banSeconds: t.banSeconds });
    } catch (err) {
      // No database, not readable by BanBot, or locked past the wait (fail2ban writing it, on a
      // rollback journal): fail2ban's own list decides.
      if (!isUserError(err) && !isStoreBusy(err)) throw err;
      this.deps.log.debug({ err, jail }, "ban times not in fail2ban's database");
    } finally {
      db?.close();
    }
    return found;
  }
}

function keepOnly(known: Map<string, Known>, banned: readonly string[]): void {
  const live = new Set(banned);
  for (const ip of known.keys()) if (!live.has(ip)) known.delete(ip);
}

const endOf = (k: Known): number => (k.banSeconds < 0 ? Number.POSITIVE_INFINITY : k.start + k.banSeconds);

// Latest end first. One second of slack: fail2ban orders by exact times, its database and actions
// round the start to whole seconds.
function inOrder(rows: readonly Known[]): boolean {
  for (let i = 1; i < rows.length; i++) if (endOf(rows[i]!) > endOf(rows[i - 1]!) + 1) return false;
  return true;
}

function toTimes(k: Known | undefined): BanTimes {
  if (!k) return { start: undefined, banSeconds: undefined, end: undefined };
  return { start: new Date(k.start * 1000), banSeconds: k.banSeconds, end: k.banSeconds < 0 ? undefined : new Date(endOf(k) * 1000) };
}

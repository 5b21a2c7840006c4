import type { Logger } from "pino";
import type { TimedBan, TimedBans } from "./ports/timed-bans.js";
import { isUserError } from "./errors.js";
import type { Fail2ban } from "./ports/fail2ban.js";
import type { HistoryEvent } from "./history/event.js";
import type { History } from "./history/history.js";

/** The ban history's origin for what the timed-ban job does. */
export const TIMED_BAN_JOB = "job:timed-ban-expiry";

// fail2ban bans for its jail's bantime; a ban `for` longer than that is banned again before
// fail2ban's end. Banning an address that is already banned moves its end to now + bantime, with no
// unban in between (fail2ban logs "already banned"). Renewing a minute ahead leaves room for a job
// run (every 15 s) that is late or held while fail2ban does not answer.
const RENEW_AHEAD_MS = 60_000;
const BATCH = 500;
const STOPPED_RETRY_MS = 60_000;

export interface TimedBanKeeperDeps {
  timedBans: TimedBans;
  fail2ban: Pick<Fail2ban, "ban" | "unban" | "jailLimits">;
  history: Pick<History, "noteOrigin">;
  now: () => number;
  log: Logger;
}

/**
 * Keeps bans made with `ban … for <duration>` for exactly that long, whatever the jail's bantime:
 * renews them before fail2ban would lift them and lifts them when their time is up (the job), bans
 * again at once what fail2ban lifted anyway or restored without BanBot's renewals (the capture).
 */
export class TimedBanKeeper {
  constructor(private readonly deps: TimedBanKeeperDeps) {}

  /** The job's run: lifts the bans whose time is up, then renews those fail2ban would lift first. */
  async run(): Promise<void> {
    await this.expireDue();
    const now = this.deps.now();
    await this.renew(this.deps.timedBans.renewable({ now, before: now + RENEW_AHEAD_MS, limit: BATCH }));
  }

  /** A jail (re)started: fail2ban restored its bans from its database, which knows no renewals. */
  async jailStarted(jail: string): Promise<void> {
    const now = this.deps.now();
    await this.renew([...this.deps.timedBans.forJail(jail).values()].filter((b) => b.until > now));
  }

  /**
   * Unbans the capture archived: fail2ban ending a timed ban early (a renewal came too late) is
   * undone at once; someone outside BanBot lifting it means it is over.
   */
  async unbanned(events: readonly HistoryEvent[]): Promise<void> {
    const now = this.deps.now();
    const lapsed: TimedBan[] = [];
    for (const e of events) {
      if (e.kind !== "unban" || (e.origin !== "fail2ban" && e.origin !== "external")) continue;
      const ban = this.deps.timedBans.get(e.jail, e.ip);
      if (!ban || ban.until <= now) continue;
      if (e.origin === "fail2ban") lapsed.push(ban);
      else {
        this.deps.timedBans.remove(ban.jail, ban.ip);
        this.deps.log.info({ jail: ban.jail, ip: ban.ip }, "a timed ban was lifted outside BanBot; it is over");
      }
    }
    await this.renew(lapsed);
  }

  private async expireDue(): Promise<void> {
    const { timedBans, fail2ban, history, log } = this.deps;
    for (const [jail, bans] of byJail(timedBans.due(this.deps.now(), BATCH))) {
      const at = this.deps.now();
      // Noted first, so the unbans fail2ban reports are archived as this job's, for whom it banned.
      for (const [actor, ips] of byActor(bans)) history.noteOrigin({ jail, ips, origin: TIMED_BAN_JOB, actor, at, kind: "unban" });
      const ips = bans.map((b) => b.ip);
      let lifted = 0;
      try {
        // Unbanning an address fail2ban already let go is harmless; the record goes either way.
        lifted = await fail2ban.unban(jail, ips);
      } catch (err) {
        // A stopped jail lifted its bans already.
        if (!isUserError(err, "unknown_jail")) throw err;
      }
      for (const ip of ips) timedBans.remove(jail, ip);
      log.info({ jail, due: ips.length, lifted }, "timed bans lifted");
    }
  }

  private async renew(bans: readonly TimedBan[]): Promise<void> {
    const { timedBans, fail2ban, history, log } = this.deps;
    // A renewal works from records read before its round trips: one lifted meanwhile (someone
    // unbanned the address outside BanBot, the capture removed the record) must stay lifted.
    const kept = (jail: string, ip: string) => timedBans.get(jail, ip) !== undefined;
    for (const [jail, all] of byJail(bans)) {
      let group = all;
      let ips: string[];
      let added: number;
      let bantime: number;
      try {
        ({ bantime } = await fail2ban.jailLimits(jail));
        group = all.filter((b) => kept(jail, b.ip));
        ips = group.map((b) => b.ip);
        if (ips.length === 0) continue;
        added = await fail2ban.ban(jail, ips);
      } catch (err) {
        if (!isUserError(err, "unknown_jail")) throw err;
        // A stopped jail: `start` (or the action's start report) bans them again. Until then they
        // are tried once a minute, not first in every run, where they would crowd out other jails'.
        timedBans.renewed(jail, group.map((b) => b.ip), this.deps.now() + STOPPED_RETRY_MS);
        continue;
      }
      const now = this.deps.now();
      // Lifted while the ban was on its way: fail2ban may have run that unban first, and this ban
      // would undo it. Lifting them again is harmless if fail2ban ran it after.
      const lifted = group.filter((b) => !kept(jail, b.ip));
      if (lifted.length > 0) {
        for (const [actor, gone] of byActor(lifted)) history.noteOrigin({ jail, ips: gone, origin: TIMED_BAN_JOB, actor, at: now, kind: "unban" });
        await fail2ban.unban(jail, lifted.map((b) => b.ip));
        log.info({ jail, lifted: lifted.length }, "timed bans lifted outside BanBot during their renewal; lifted again");
        group = group.filter((b) => kept(jail, b.ip));
        ips = group.map((b) => b.ip);
      }
      if (added > 0) {
        // Some had lapsed and are new bans to fail2ban: archived as the timed ban's, for the time left.
        for (const b of group) history.noteOrigin({ jail, ips: [b.ip], origin: "manual", actor: b.actor, at: now, banSeconds: Math.round((b.until - now) / 1000) });
        log.warn({ jail, banned: added, of: ips.length }, "timed bans had lapsed in fail2ban; banned again");
      }
      timedBans.renewed(jail, ips, bantime < 0 ? undefined : now + bantime * 1000);
    }
  }
}

function groupBy<T, V>(items: readonly T[], key: (item: T) => string, value: (item: T) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(value(item));
    else groups.set(key(item), [value(item)]);
  }
  return groups;
}

const byJail = (bans: readonly TimedBan[]) => groupBy(bans, (b) => b.jail, (b) => b);
const byActor = (bans: readonly TimedBan[]) => groupBy(bans, (b) => b.actor, (b) => b.ip);

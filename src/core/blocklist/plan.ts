import type { Member } from "../ports/blocklist-members.js";

// The diff of one import, pure: what the list says now against what this source has on record:
// its settled rows (banned, in the jail, fail2ban's ban not past its end) by entry only, the rest whole.
// Rows in another jail (the source was moved) all leave. A row whose ban fail2ban has already
// ended (the jail's bantime passed) is banned again even though the list did not change.

export interface PlanInput {
  sourceId: number;
  jail: string;
  /** Entries the list holds now, filtered, canonical. */
  desired: readonly string[];
  /** This source's settled rows in the jail: entry → owned. */
  settled: ReadonlyMap<string, boolean>;
  /** Every other row of this source. */
  rows: readonly Member[];
  now: number;
  unbanDeparted: boolean;
  banMs: number | undefined;
}

export interface Plan {
  /** Entries to send to fail2ban: new ones, pending ones from an interrupted run, and ended bans. */
  toBan: string[];
  /** Of toBan, those without a row yet. */
  fresh: Set<string>;
  /** Of toBan, the rows of those that have one (pending, or banned before). */
  rowsToBan: Map<string, Member>;
  /** Of toBan, those still listed whose fail2ban ban had ended. */
  renewed: number;
  /** Departed rows listed again while their ban still holds: back to banned, no call. */
  relisted: Member[];
  /** Rows to lift: unbanned when no other source holds them. */
  leave: Member[];
  /** Rows to forget without unbanning (the source keeps departed bans and has no duration). */
  release: Member[];
  /** Rows to keep, as departed, until their ban duration ends. */
  retire: Member[];
  unchanged: number;
}

export function planImport(input: PlanInput): Plan {
  const { jail, now } = input;
  const here = new Map<string, Member>();
  const plan: Plan = { toBan: [], fresh: new Set(), rowsToBan: new Map(), renewed: 0, relisted: [], leave: [], release: [], retire: [], unchanged: 0 };
  for (const row of input.rows) {
    if (row.jail === jail) here.set(row.entry, row);
    else plan.leave.push(row);
  }
  const ended = (row: Member) => row.f2bUntil !== undefined && row.f2bUntil <= now;
  const unlisted = new Map(input.settled);
  for (const entry of input.desired) {
    if (unlisted.delete(entry)) {
      plan.unchanged++;
      continue;
    }
    const row = here.get(entry);
    here.delete(entry);
    if (!row) {
      plan.toBan.push(entry);
      plan.fresh.add(entry);
    } else if (row.state === "pending" || ended(row)) {
      plan.toBan.push(entry);
      plan.rowsToBan.set(entry, row);
      if (row.state !== "pending") plan.renewed++;
    } else if (row.state === "departed") plan.relisted.push(row);
    else plan.unchanged++;
  }
  // What is left in `unlisted` and `here` is no longer listed.
  const settledRow = ([entry, owned]: [string, boolean]): Member => ({
    sourceId: input.sourceId,
    jail,
    entry,
    state: "banned",
    owned,
    bannedAt: undefined,
    f2bUntil: undefined,
    expiresAt: undefined,
  });
  for (const row of [...here.values(), ...[...unlisted].map(settledRow)]) {
    if (row.state === "departed") {
      if (row.expiresAt !== undefined && row.expiresAt <= now) plan.leave.push(row);
    } else if (input.unbanDeparted) plan.leave.push(row);
    else if (input.banMs !== undefined) plan.retire.push(row);
    else plan.release.push(row);
  }
  return plan;
}

import type { Atomic } from "./transaction.js";

export type MemberState = "pending" | "banned" | "departed";

/** One entry one source lists in one jail. */
export interface Member {
  sourceId: number;
  jail: string;
  entry: string;
  /** pending: about to be (or maybe already) sent to fail2ban; departed: off the list, ban kept until expiresAt. */
  state: MemberState;
  /** A blocklist banned it (so a blocklist lifts it); false when fail2ban had banned it already. */
  owned: boolean;
  bannedAt: number | undefined;
  /** When the jail's bantime ends fail2ban's ban; undefined: never or unknown. */
  f2bUntil: number | undefined;
  /** When BanBot lifts it because of the source's ban duration. */
  expiresAt: number | undefined;
}

export interface BlocklistMembers extends Atomic {
  ofSource(sourceId: number): Member[];
  /**
   * The source's rows in the jail that an import only compares with the list: banned, fail2ban's
   * ban not past its end. Entry → owned; loading 50,000 of them whole cost more than the rest of a
   * changed import together.
   */
  settled(sourceId: number, jail: string, now: number): Map<string, boolean>;
  /** The source's other rows, whole: in another jail, pending, departed, or past fail2ban's end. */
  unsettled(sourceId: number, jail: string, now: number): Member[];
  /**
   * How many rows of the source an import would have to act on even if the list were the same:
   * in another jail, pending, or past fail2ban's or the source's end of ban. 0 lets an unchanged
   * list be settled without loading a single row.
   */
  needingWork(sourceId: number, jail: string, now: number): number;
  count(sourceId: number): number;
  countByState(sourceId: number): Record<MemberState, number>;
  /** Every source's rows in a jail. */
  inJail(jail: string): Member[];
  /** The rows other sources have in a jail. */
  othersInJail(jail: string, sourceId: number): Member[];
  /** The source's entries in the jail that BanBot believes fail2ban bans now (not pending, not past fail2ban's end). */
  liveEntries(sourceId: number, jail: string, now: number): string[];
  /** Insert or replace, in one transaction. */
  put(rows: readonly Member[]): void;
  /** Pending rows of these entries, whichever source: sent and answered, so banned. */
  markBanned(jail: string, entries: readonly string[], at: { bannedAt: number; f2bUntil: number | undefined }): void;
  remove(sourceId: number, jail: string, entries: readonly string[]): void;
  /** Other sources' rows for this entry become owned: the ban outlives the source that made it. */
  handOver(jail: string, entry: string, fromSource: number): void;
  /** Rows off the list whose ban is kept until `expiresAt` (unless an earlier end is set already). */
  depart(sourceId: number, jail: string, entries: readonly string[], expiresAt: number): void;
  /** Sets the ban duration's end on every row of the source in the jail that is still listed. */
  setExpiry(sourceId: number, jail: string, expiresAt: number | undefined): void;
  expired(now: number): Member[];
  /** Which sources list this entry, in which jails. */
  listing(entry: string): { sourceId: number; jail: string }[];
}

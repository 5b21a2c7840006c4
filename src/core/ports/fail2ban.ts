import type { Capabilities } from "../fail2ban/capabilities.js";
import type { Lane } from "../fail2ban/connection.js";
import type { BanEntry, JailStatus, ServerStatus } from "../fail2ban/parse.js";
import type { JailLimits, JailSettings } from "../fail2ban/settings.js";

/** Everything BanBot asks of a running fail2ban. Commands take the `Pick<>` of it they need. */
export interface Fail2ban {
  /** Resolves when fail2ban answered, within `timeoutMs` (default the connection's timeout). */
  ping(opts?: { timeoutMs?: number }): Promise<void>;
  version(): Promise<string>;
  capabilities(): Promise<Capabilities>;
  status(): Promise<ServerStatus>;
  jailStatus(jail: string, opts?: { short?: boolean }): Promise<JailStatus>;
  jailSettings(jail: string): Promise<JailSettings>;
  /** The jail's action names (one round trip; jailSettings has them among a dozen others). */
  actions(jail: string): Promise<string[]>;
  /** The three settings every jail listing shows, without the dozen round trips of jailSettings. */
  jailLimits(jail: string): Promise<JailLimits>;
  /** Banned addresses of a jail, ordered by end of ban. */
  bannedIps(jail: string): Promise<string[]>;
  /** Banned addresses with start and end of ban, ordered by end of ban. */
  bans(jail: string): Promise<BanEntry[]>;
  /** Every jail's banned addresses. */
  banned(): Promise<Map<string, string[]>>;
  /** For each address or network (as fail2ban lists it), the jails that ban it now. */
  jailsBanning(ips: readonly string[]): Promise<string[][]>;
  ignoreList(jail: string): Promise<string[]>;
  /** Addresses or CIDR networks; returns how many were newly banned. */
  ban(jail: string, ips: readonly string[], opts?: BulkOptions): Promise<number>;
  /** In one jail, or in every jail when `jail` is undefined. Returns how many bans were lifted. */
  unban(jail: string | undefined, ips: readonly string[], opts?: BulkOptions): Promise<number>;
  /**
   * Lifts the addresses' bans in every jail and says, per jail, which of them it had banned. Costs
   * what the addresses cost, whatever the size of the jails (unlike asking `banned <ip…>` first).
   */
  unbanEverywhere(ips: readonly string[], opts?: BulkOptions): Promise<Map<string, string[]>>;
  /** Lifts every ban in every jail. */
  unbanAll(): Promise<number>;
  addIgnore(jail: string, entries: readonly string[]): Promise<string[]>;
  removeIgnore(jail: string, entry: string): Promise<string[]>;
  setIgnoreSelf(jail: string, on: boolean): Promise<boolean>;
  setIdle(jail: string, on: boolean): Promise<boolean>;
  /** Stops and removes the jail; only a reload from config brings it back. */
  stopJail(jail: string): Promise<void>;
  /**
   * A property of one of a jail's actions (`get <jail> action <action> <property>`), e.g. where
   * BanBot's action reports to: `missing-action` when the jail runs no such action, `missing-property`
   * when the action has no such property (an older version of it).
   */
  actionProperty(jail: string, action: string, property: string): Promise<ActionProperty>;
  dbFile(): Promise<string | undefined>;
  dbPurgeAgeSeconds(): Promise<number | undefined>;
}

/** A Fail2ban whose requests can wait in another lane of its connection (see Fail2banConnection). */
export interface LanedFail2ban extends Fail2ban {
  inLane(lane: Lane): Fail2ban;
}

export type ActionProperty =
  | { kind: "value"; value: string | number | boolean | undefined }
  | { kind: "missing-action" }
  | { kind: "missing-property" };

export interface BulkOptions {
  /** Addresses per socket command; fail2ban runs ban actions inline, so huge chunks stall it. */
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Called with each chunk before it is sent: with the next one while fail2ban works on the one
   * before, so that work (noting who bans, 3 ms per 1,000 addresses) costs no time of its own.
   */
  beforeSend?: (chunk: readonly string[]) => void;
}

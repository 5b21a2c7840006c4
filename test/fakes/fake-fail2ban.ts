import { UserError } from "../../src/core/errors.js";
import { NetworkSet, parseEntry, rangeOf } from "../../src/core/blocklist/address.js";
import { capabilitiesFor, type Capabilities } from "../../src/core/fail2ban/capabilities.js";
import { DEFAULT_CHUNK, FIRST_CHUNK } from "../../src/core/fail2ban/client.js";
import type { ActionProperty, BulkOptions, Fail2ban } from "../../src/core/ports/fail2ban.js";
import type { ConfiguredJail } from "../../src/core/fail2ban/config-dump.js";
import type { Fail2banConfigOps } from "../../src/core/fail2ban/config-ops.js";
import type { BanEntry, JailStatus, ServerStatus } from "../../src/core/fail2ban/parse.js";
import type { JailLimits, JailSettings } from "../../src/core/fail2ban/settings.js";
import { connectError } from "../../src/core/fail2ban/socket-errors.js";
import { assertBanTargets, assertIgnoreEntries, assertJail } from "../../src/core/fail2ban/validate.js";
import { matchesEntry } from "../../src/core/ip.js";
import type { SandboxJail } from "../../src/sandbox/sandbox-config.js";

// An in-memory fail2ban 1.0.2 for tests of what BanBot does with fail2ban's answers (commands, the
// dispatcher, alert detectors). test/fakes/fake-fail2ban.contract.test.ts runs the same cases
// against it and a real fail2ban-server; a behaviour it models belongs there. It keeps no database
// (`dbFile()` is undefined, as for `dbfile = :memory:`) and runs no actions (no history capture);
// tests that need those use a real server (test/harness/banbot.ts).

type PropertyValue = string | number | boolean | undefined;

/** A sandbox jail (its failregex kept as written: a real server answers with `<HOST>` expanded), and what only the fake sets. */
export interface FakeJail extends SandboxJail {
  /** Default: one file, /var/log/<name>.log. */
  logpaths?: string[];
  datepattern?: { pattern: string; name: string };
  /** Actions by name with their properties. Default: the sandbox's empty `noop` command action. */
  actions?: Readonly<Record<string, Readonly<Record<string, PropertyValue>>>>;
}

export const NOOP_ACTION: Readonly<Record<string, PropertyValue>> = { actionstart: "", actionstop: "", actioncheck: "", actionban: "", actionunban: "" };

interface Ticket {
  /** When fail2ban banned it, Unix ms. */
  at: number;
  /** Seconds; set once a repeated ban prolonged it, else the jail's current bantime applies. */
  own?: number;
}

interface Jail {
  def: FakeJail;
  bantime: number;
  findtime: number;
  maxretry: number;
  bans: Map<string, Ticket>;
  totalBanned: number;
  /** Failure times per address not banned yet. */
  failing: Map<string, number[]>;
  totalFailed: number;
  ignoreNets: string[];
  ignoreIps: string[];
  ignoreself: boolean;
  idle: boolean;
}

const VERSION = "1.0.2";

export class FakeFail2ban implements Fail2ban {
  private readonly jails = new Map<string, Jail>();
  private readonly defs: readonly FakeJail[];
  private outage: UserError | undefined;

  /** `now` is fail2ban's clock: ban times, ends and expiry follow it. */
  constructor(opts: { jails: readonly FakeJail[]; now: () => number }) {
    this.defs = opts.jails;
    this.now = opts.now;
    for (const def of opts.jails) this.jails.set(def.name, newJail(def));
  }

  private readonly now: () => number;

  // --- what happens outside BanBot ---------------------------------------------------------------

  /** fail2ban's filter reads `times` failure lines of `ip` in the jail's log; at maxretry it bans. */
  fail(jail: string, ip: string, times = 1): void {
    const j = this.existing(jail);
    if (this.ignored(j, ip)) return;
    for (let i = 0; i < times; i++) {
      const now = this.now();
      j.totalFailed++;
      const recent = (j.failing.get(ip) ?? []).filter((t) => t > now - j.findtime * 1000);
      recent.push(now);
      if (recent.length < j.maxretry) j.failing.set(ip, recent);
      else {
        j.failing.delete(ip);
        this.banOne(j, ip);
      }
    }
  }

  /** `fail2ban-client set <jail> bantime <seconds>`. */
  setBantime(jail: string, seconds: number): void {
    this.existing(jail).bantime = seconds;
  }

  /**
   * fail2ban stops: until `up()`, every request fails with `cause`, by default what BanBot's socket
   * client reports when the socket is gone.
   */
  down(cause: UserError = connectError(Object.assign(new Error("no such file"), { code: "ENOENT" }), "/run/fail2ban/fail2ban.sock")): void {
    this.outage = cause;
  }

  up(): void {
    this.outage = undefined;
  }

  /** The jails its configuration enables, running or stopped (what `fail2ban-client -d` lists). */
  configuredJails(): ConfiguredJail[] {
    return this.defs.map((d) => ({ name: d.name, actions: Object.keys(d.actions ?? { noop: NOOP_ACTION }).map((name) => ({ name })) }));
  }

  // --- the port ----------------------------------------------------------------------------------

  /** No queues in memory: every lane is the same fake. */
  inLane(): FakeFail2ban {
    return this;
  }

  async ping(): Promise<void> {
    await this.reachable();
  }

  async version(): Promise<string> {
    await this.reachable();
    return VERSION;
  }

  async capabilities(): Promise<Capabilities> {
    return capabilitiesFor(await this.version());
  }

  async status(): Promise<ServerStatus> {
    await this.reachable();
    return { jails: [...this.jails.keys()].sort() };
  }

  async jailStatus(jail: string, opts: { short?: boolean } = {}): Promise<JailStatus> {
    const j = await this.jail(jail);
    const failing = [...j.failing.values()].filter((times) => times.some((t) => t > this.now() - j.findtime * 1000));
    return {
      currentlyFailed: failing.length,
      totalFailed: j.totalFailed,
      files: [...this.logpaths(j)],
      journalMatches: [],
      currentlyBanned: j.bans.size,
      totalBanned: j.totalBanned,
      // In order of banning, as fail2ban's status lists them.
      ...(opts.short ? {} : { bannedIps: [...j.bans.keys()] }),
    };
  }

  async jailSettings(jail: string): Promise<JailSettings> {
    const j = await this.jail(jail);
    return {
      ...limits(j),
      backend: undefined,
      logpaths: this.logpaths(j),
      journalMatches: [],
      failregex: [...j.def.failregex],
      ignoreregex: [],
      datepattern: j.def.datepattern,
      logencoding: "UTF-8",
      actions: Object.keys(actionsOf(j)),
      ignoreself: j.ignoreself,
      ignoreip: ignoreList(j),
      bantimeIncrement: { enabled: false },
      status: await this.jailStatus(jail, { short: true }),
    };
  }

  async actions(jail: string): Promise<string[]> {
    return Object.keys(actionsOf(await this.jail(jail)));
  }

  async jailLimits(jail: string): Promise<JailLimits> {
    return limits(await this.jail(jail));
  }

  async bannedIps(jail: string): Promise<string[]> {
    return this.ordered(await this.jail(jail)).map(([ip]) => ip);
  }

  async bans(jail: string): Promise<BanEntry[]> {
    const j = await this.jail(jail);
    // As fail2ban prints them (`%s + %d = %s`, whole seconds) and SocketFail2ban reads them back.
    return this.ordered(j).map(([ip, t]) => {
      const seconds = Math.trunc(t.own ?? j.bantime);
      const start = Math.floor(t.at / 1000) * 1000;
      return { ip, start: new Date(start), banSeconds: seconds, end: seconds < 0 ? undefined : new Date(start + seconds * 1000) };
    });
  }

  async banned(): Promise<Map<string, string[]>> {
    await this.reachable();
    return new Map([...this.jails].map(([name, j]) => [name, this.live(j)]));
  }

  async jailsBanning(ips: readonly string[]): Promise<string[][]> {
    const targets = assertBanTargets(ips);
    if (targets.length === 0) return [];
    await this.reachable();
    return targets.map((ip) => [...this.jails].filter(([, j]) => this.live(j).includes(ip)).map(([name]) => name));
  }

  async ignoreList(jail: string): Promise<string[]> {
    return ignoreList(await this.jail(jail));
  }

  async ban(jail: string, ips: readonly string[], opts: BulkOptions = {}): Promise<number> {
    assertJail(jail);
    return await inChunks(assertBanTargets(ips), opts, async (chunk) => {
      const j = await this.jail(jail);
      return chunk.filter((ip) => this.banOne(j, canonical(ip))).length;
    });
  }

  async unban(jail: string | undefined, ips: readonly string[], opts: BulkOptions = {}): Promise<number> {
    if (jail !== undefined) assertJail(jail);
    return await inChunks(assertBanTargets(ips), opts, async (chunk) => {
      const jails = jail === undefined ? await this.running() : [await this.jail(jail)];
      let lifted = 0;
      for (const j of jails) for (const ip of chunk) lifted += this.unbanOne(j, canonical(ip));
      return lifted;
    });
  }

  async unbanEverywhere(ips: readonly string[], opts: BulkOptions = {}): Promise<Map<string, string[]>> {
    const targets = assertBanTargets(ips);
    const lifted = new Map<string, string[]>();
    if (targets.length === 0) return lifted;
    const jails = (await this.status()).jails;
    const size = chunkSize(opts);
    let done = 0;
    for (const name of jails) {
      const here: string[] = [];
      for (let i = 0; i < targets.length; i += size) {
        const chunk = targets.slice(i, i + size);
        const j = this.jails.get(name);
        if (j) here.push(...chunk.filter((ip) => this.unbanOne(j, canonical(ip)) > 0));
        opts.onProgress?.((done += chunk.length), targets.length * jails.length);
      }
      if (here.length > 0) lifted.set(name, here);
    }
    return lifted;
  }

  async unbanAll(): Promise<number> {
    await this.reachable();
    let lifted = 0;
    for (const j of this.jails.values()) {
      lifted += j.bans.size;
      j.bans.clear();
    }
    return lifted;
  }

  async addIgnore(jail: string, entries: readonly string[]): Promise<string[]> {
    assertJail(jail);
    const list = assertIgnoreEntries(entries);
    const j = await this.jail(jail);
    for (const entry of list.map(canonical)) {
      const into = entry.includes("/") ? j.ignoreNets : j.ignoreIps;
      if (!into.includes(entry)) into.push(entry);
    }
    return ignoreList(j);
  }

  async removeIgnore(jail: string, entry: string): Promise<string[]> {
    assertJail(jail);
    const item = canonical(assertIgnoreEntries([entry])[0]!);
    const j = await this.jail(jail);
    const from = item.includes("/") ? j.ignoreNets : j.ignoreIps;
    if (!from.includes(item)) throw new UserError("invalid_argument", `${item} is not on the ignore list of ${jail}.`);
    from.splice(from.indexOf(item), 1);
    return ignoreList(j);
  }

  async setIgnoreSelf(jail: string, on: boolean): Promise<boolean> {
    return ((await this.jail(jail)).ignoreself = on);
  }

  async setIdle(jail: string, on: boolean): Promise<boolean> {
    return ((await this.jail(jail)).idle = on);
  }

  async stopJail(jail: string): Promise<void> {
    await this.jail(jail);
    this.jails.delete(jail);
  }

  async actionProperty(jail: string, action: string, property: string): Promise<ActionProperty> {
    assertJail(jail);
    for (const name of [action, property]) {
      if (!/^[A-Za-z_][\w.-]{0,99}$/.test(name)) throw new UserError("invalid_argument", `${name.slice(0, 40)} is not a valid action or property name.`);
    }
    const props = actionsOf(await this.jail(jail))[action];
    if (!props) return { kind: "missing-action" };
    return property in props ? { kind: "value", value: props[property] } : { kind: "missing-property" };
  }

  async dbFile(): Promise<string | undefined> {
    await this.reachable();
    return undefined;
  }

  async dbPurgeAgeSeconds(): Promise<number | undefined> {
    await this.reachable();
    return undefined;
  }

  // --- fail2ban's rules --------------------------------------------------------------------------

  /** BanManager.addBanTicket: a new ban counts; a repeated one moves the end to now + bantime. */
  private banOne(j: Jail, ip: string): boolean {
    const at = this.now();
    this.expire(j);
    const old = j.bans.get(ip);
    if (!old) {
      j.bans.set(ip, { at });
      j.totalBanned++;
      return true;
    }
    if (endOf({ at }, j) > endOf(old, j)) old.own = j.bantime < 0 ? j.bantime : j.bantime + Math.max(0, at - old.at) / 1000;
    return false;
  }

  /** Actions.removeBannedIP: the entry itself, else (for a network) every entry that starts inside it. */
  private unbanOne(j: Jail, target: string): number {
    this.expire(j);
    if (j.bans.delete(target)) return 1;
    const net = parseEntry(target);
    if (!net || !target.includes("/")) return 0;
    const inside = new NetworkSet([net]);
    const lifted = [...j.bans.keys()].filter((ip) => inside.contains(rangeOf(parseEntry(ip)!)));
    for (const ip of lifted) j.bans.delete(ip);
    return lifted.length;
  }

  private ignored(j: Jail, ip: string): boolean {
    return [...j.ignoreNets, ...j.ignoreIps].some((entry) => matchesEntry(ip, entry));
  }

  /** Bans past their end are gone, as fail2ban's actions thread lifts them (it looks every second). */
  private expire(j: Jail): void {
    const now = this.now();
    for (const [ip, t] of j.bans) if (now > endOf(t, j)) j.bans.delete(ip);
  }

  private live(j: Jail): string[] {
    this.expire(j);
    return [...j.bans.keys()];
  }

  /** By end of ban; bans ending together stay in the order they were made (Python's sort is stable). */
  private ordered(j: Jail): [string, Ticket][] {
    this.expire(j);
    return [...j.bans].sort(([, a], [, b]) => endOf(a, j) - endOf(b, j));
  }

  private logpaths(j: Jail): string[] {
    return j.def.logpaths ?? [`/var/log/${j.def.name}.log`];
  }

  private async reachable(): Promise<void> {
    await Promise.resolve();
    if (this.outage) throw this.outage;
  }

  private async running(): Promise<Jail[]> {
    await this.reachable();
    return [...this.jails.values()];
  }

  private async jail(name: string): Promise<Jail> {
    assertJail(name);
    await this.reachable();
    return this.existing(name);
  }

  private existing(name: string): Jail {
    const j = this.jails.get(name);
    if (!j) throw new UserError("unknown_jail", `fail2ban has no jail named ${name}.`);
    return j;
  }
}

/**
 * BanBot's fail2ban-client operations for a FakeFail2ban: what the configuration enables. Starting
 * and reloading from a configuration is fail2ban-client's parsing and fail2ban's reload rules (see
 * the protocol notes, §7); tests of those run against a real server.
 */
export function fakeConfigOps(fake: FakeFail2ban): Fail2banConfigOps {
  const needsReal = (what: string) => () => Promise.reject(new Error(`FakeFail2ban cannot ${what}: test it against a real fail2ban-server (useBanBot)`));
  return {
    configuredJails: () => Promise.resolve(fake.configuredJails()),
    startJail: needsReal("start a jail from its configuration"),
    reloadJail: needsReal("reload a jail from its configuration"),
    reloadAll: needsReal("reload its configuration"),
  };
}

function newJail(def: FakeJail): Jail {
  const ignore = (def.ignoreip ?? []).map(canonical);
  return {
    def,
    bantime: def.bantime ?? 600,
    findtime: def.findtime ?? 600,
    maxretry: def.maxretry ?? 3,
    bans: new Map(),
    totalBanned: 0,
    failing: new Map(),
    totalFailed: 0,
    ignoreNets: ignore.filter((e) => e.includes("/")),
    ignoreIps: ignore.filter((e) => !e.includes("/")),
    ignoreself: false,
    idle: false,
  };
}

const limits = (j: Jail): JailLimits => ({ bantime: j.bantime, findtime: j.findtime, maxretry: j.maxretry });

const actionsOf = (j: Jail) => j.def.actions ?? { noop: NOOP_ACTION };

// fail2ban keeps networks (in the order added) apart from single addresses (a set, in no order).
const ignoreList = (j: Jail): string[] => [...j.ignoreNets, ...j.ignoreIps];

// fail2ban's IPAddr clears a network's host bits: 198.51.100.77/26 is 198.51.100.64/26.
function canonical(target: string): string {
  return parseEntry(target)?.text ?? target;
}

function endOf(t: Ticket, j: Jail): number {
  const seconds = t.own ?? j.bantime;
  return seconds < 0 ? Number.POSITIVE_INFINITY : t.at + seconds * 1000;
}

function chunkSize(opts: BulkOptions): number {
  return Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK);
}

// As SocketFail2ban.inChunks: one request per chunk, progress after each.
async function inChunks(items: string[], opts: BulkOptions, send: (chunk: string[]) => Promise<number>): Promise<number> {
  const size = chunkSize(opts);
  let total = 0;
  // The first chunk at most FIRST_CHUNK long, as SocketFail2ban sends it.
  for (let start = 0, end = Math.min(size, FIRST_CHUNK); start < items.length; start = end, end += size) {
    const chunk = items.slice(start, end);
    opts.beforeSend?.(chunk);
    total += await send(chunk);
    opts.onProgress?.(Math.min(end, items.length), items.length);
  }
  return total;
}

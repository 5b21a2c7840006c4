import type { Logger } from "pino";
import { UserError, isUserError } from "../errors.js";
import { capabilitiesFor, type Capabilities } from "./capabilities.js";
import type { Fail2banConnection, Lane } from "./connection.js";
import {
  Fail2banCommandError,
  banEntriesSchema,
  bannedSchema,
  boolSchema,
  ignoreListSchema,
  intSchema,
  ipJailsSchema,
  jailStatusSchema,
  optionalSchema,
  parseWith,
  statusSchema,
  stringListSchema,
  stringSchema,
  unwrapReply,
  type BanEntry,
  type JailStatus,
  type ServerStatus,
} from "./parse.js";
import type { PickleValue } from "./pickle.js";
import { assertBanTargets, assertIgnoreEntries, assertJail } from "./validate.js";
import { readJailLimits, readJailSettings, type JailLimits, type JailSettings } from "./settings.js";
import type { z } from "zod";
import type { ActionProperty, BulkOptions, LanedFail2ban } from "../ports/fail2ban.js";

// fail2ban serves every client from one loop, so each client (a running bot's interactive lane too)
// waits behind at most one chunk. Measured on 1.0.2 banning 20,000 addresses: chunks of 500 took
// 1.22 s with others waiting up to 55–83 ms; 2,000 took 1.10 s (the per-command cost gone) with
// waits of 95–118 ms; 5,000 was no faster but made others wait 260 ms, and one command of 20,000
// 1.0–1.3 s. The protocol has no size limit; 2,000 addresses are ~30 KiB on the wire.
export const DEFAULT_CHUNK = 2000;
// fail2ban takes about 30 ms for 500 addresses: longer than noting and encoding the next 2,000 takes.
export const FIRST_CHUNK = 500;

export class SocketFail2ban implements LanedFail2ban {
  // Shared by every lane's view of one connection: the server's version is one fact.
  private readonly known: { caps?: Promise<Capabilities> };

  constructor(
    private readonly conn: Fail2banConnection,
    private readonly log: Logger,
    private readonly bulkTimeoutMs = 120_000,
    private readonly lane: Lane = "interactive",
    known: { caps?: Promise<Capabilities> } = {},
  ) {
    this.known = known;
  }

  /** The same client whose requests wait in `lane` (see Fail2banConnection). */
  inLane(lane: Lane): SocketFail2ban {
    return new SocketFail2ban(this.conn, this.log, this.bulkTimeoutMs, lane, this.known);
  }

  async ping(opts: { timeoutMs?: number } = {}): Promise<void> {
    parseWith(stringSchema, await this.call(["ping"], opts.timeoutMs));
  }

  async version(): Promise<string> {
    const version = parseWith(stringSchema, await this.call(["version"]));
    this.known.caps = Promise.resolve(capabilitiesFor(version));
    return version;
  }

  capabilities(): Promise<Capabilities> {
    if (!this.known.caps) {
      const probe = this.version().then(capabilitiesFor);
      this.known.caps = probe.catch((err: unknown) => {
        this.known.caps = undefined;
        throw err;
      });
    }
    return this.known.caps;
  }

  async status(): Promise<ServerStatus> {
    return await this.query(statusSchema, ["status"]);
  }

  async jailStatus(jail: string, opts: { short?: boolean } = {}): Promise<JailStatus> {
    assertJail(jail);
    const short = opts.short === true && (await this.capabilities()).shortStatus;
    const status = await this.query(jailStatusSchema, short ? ["status", jail, "short"] : ["status", jail], jail);
    if (opts.short) delete status.bannedIps;
    return status;
  }

  async jailSettings(jail: string): Promise<JailSettings> {
    assertJail(jail);
    return await readJailSettings(await this.capabilities(), {
      get: this.getter(jail),
      status: () => this.jailStatus(jail, { short: true }),
      backend: async () => {
        const stats = await this.call(["status", jail, "stats"], undefined, jail);
        return Array.isArray(stats) && typeof stats[0] === "string" ? stats[0] : undefined;
      },
    });
  }

  async actions(jail: string): Promise<string[]> {
    assertJail(jail);
    return await this.query(stringListSchema, ["get", jail, "actions"], jail);
  }

  async jailLimits(jail: string): Promise<JailLimits> {
    assertJail(jail);
    return await readJailLimits({ get: this.getter(jail) });
  }

  async bannedIps(jail: string): Promise<string[]> {
    assertJail(jail);
    if ((await this.capabilities()).banipGet) return await this.query(stringListSchema, ["get", jail, "banip"], jail);
    return (await this.jailStatus(jail)).bannedIps ?? [];
  }

  async bans(jail: string): Promise<BanEntry[]> {
    assertJail(jail);
    if ((await this.capabilities()).banipGet) {
      return await this.query(banEntriesSchema, ["get", jail, "banip", "--with-time"], jail);
    }
    // 0.10 has no ban times over the socket; callers show the addresses without them.
    return (await this.bannedIps(jail)).map((ip) => ({ ip, start: undefined, banSeconds: undefined, end: undefined }));
  }

  async banned(): Promise<Map<string, string[]>> {
    if ((await this.capabilities()).bannedCommand) return await this.query(bannedSchema, ["banned"]);
    const byJail = new Map<string, string[]>();
    for (const jail of (await this.status()).jails) byJail.set(jail, (await this.jailStatus(jail)).bannedIps ?? []);
    return byJail;
  }

  async jailsBanning(ips: readonly string[]): Promise<string[][]> {
    const addrs = assertBanTargets(ips);
    if (addrs.length === 0) return [];
    if ((await this.capabilities()).bannedCommand) return await this.query(ipJailsSchema, ["banned", ...addrs]);
    const byJail = await this.banned();
    return addrs.map((ip) => [...byJail].filter(([, list]) => list.includes(ip)).map(([jail]) => jail));
  }

  async ignoreList(jail: string): Promise<string[]> {
    assertJail(jail);
    return await this.query(ignoreListSchema, ["get", jail, "ignoreip"], jail);
  }

  async ban(jail: string, ips: readonly string[], opts: BulkOptions = {}): Promise<number> {
    assertJail(jail);
    const addrs = assertBanTargets(ips);
    return await this.inChunks(addrs, opts, async (chunk, lane) => {
      const reply = await this.call(["set", jail, "banip", ...chunk], this.bulkTimeoutMs, jail, lane);
      // 0.10.0–0.10.4 answer a single-address ban with the address itself.
      return typeof reply === "number" ? reply : 1;
    });
  }

  async unban(jail: string | undefined, ips: readonly string[], opts: BulkOptions = {}): Promise<number> {
    if (jail !== undefined) assertJail(jail);
    const addrs = assertBanTargets(ips);
    const args = jail === undefined ? ["unban"] : ["set", jail, "unbanip"];
    return await this.inChunks(addrs, opts, async (chunk, lane) =>
      parseWith(intSchema, await this.call([...args, ...chunk], this.bulkTimeoutMs, jail, lane)),
    );
  }

  async unbanEverywhere(ips: readonly string[], opts: BulkOptions = {}): Promise<Map<string, string[]>> {
    const addrs = assertBanTargets(ips);
    const lifted = new Map<string, string[]>();
    if (addrs.length === 0) return lifted;
    const jails = (await this.status()).jails;
    const size = await this.chunkSize(opts);
    // As in inChunks: work of several chunks per jail is bulk work.
    const lane = addrs.length > size && this.lane === "interactive" ? "bulk" : this.lane;
    let done = 0;
    for (const jail of jails) {
      const here: string[] = [];
      for (let i = 0; i < addrs.length; i += size) {
        const chunk = addrs.slice(i, i + size);
        here.push(...(await this.unbanReportingAbsent(jail, chunk, lane)));
        opts.onProgress?.((done += chunk.length), addrs.length * jails.length);
      }
      if (here.length > 0) lifted.set(jail, here);
    }
    return lifted;
  }

  // `banned <ip…>` looks each address up in a list of the whole jail (35 s for 400 addresses at
  // 100k bans); `unbanip --report-absent` is a dictionary lookup per address that names the ones the
  // jail did not have. Servers before 0.10.5 have neither the flag nor multi-address unbanip: one
  // `unbanip` per address there, which fails for an address the jail does not ban.
  private async unbanReportingAbsent(jail: string, chunk: string[], lane: Lane): Promise<string[]> {
    const multi = (await this.capabilities()).multiIp;
    const args = multi ? ["set", jail, "unbanip", "--report-absent", ...chunk] : ["set", jail, "unbanip", ...chunk];
    try {
      const reply = await this.call(args, this.bulkTimeoutMs, jail, lane);
      // A single-address unbanip answers the address (≤ 0.10.4) or a count (later, without the flag).
      return multi || reply !== 0 ? chunk : [];
    } catch (err) {
      if (isUserError(err, "unknown_jail")) return []; // stopped since `status`: it bans nothing now
      if (!(err instanceof Fail2banCommandError && err.pyType.endsWith("ValueError"))) throw err;
      if (!multi) return [];
      const absent = new Set([...err.pyMessage.matchAll(/'([^']*)'/g)].map((m) => m[1]));
      return chunk.filter((ip) => !absent.has(ip));
    }
  }

  async unbanAll(): Promise<number> {
    return parseWith(intSchema, await this.call(["unban", "--all"], this.bulkTimeoutMs, undefined, "bulk"));
  }

  async addIgnore(jail: string, entries: readonly string[]): Promise<string[]> {
    assertJail(jail);
    const list = assertIgnoreEntries(entries);
    const multi = (await this.capabilities()).multiIp;
    let result: string[] = [];
    for (const chunk of multi ? [list] : list.map((e) => [e])) {
      result = await this.query(ignoreListSchema, ["set", jail, "addignoreip", ...chunk], jail);
    }
    return result;
  }

  async removeIgnore(jail: string, entry: string): Promise<string[]> {
    assertJail(jail);
    const [item] = assertIgnoreEntries([entry]);
    try {
      return await this.query(ignoreListSchema, ["set", jail, "delignoreip", item!], jail);
    } catch (err) {
      if (err instanceof Fail2banCommandError && err.pyType.endsWith("ValueError")) {
        throw new UserError("invalid_argument", `${item} is not on the ignore list of ${jail}.`);
      }
      throw err;
    }
  }

  async setIgnoreSelf(jail: string, on: boolean): Promise<boolean> {
    assertJail(jail);
    return await this.query(boolSchema, ["set", jail, "ignoreself", on ? "true" : "false"], jail);
  }

  async setIdle(jail: string, on: boolean): Promise<boolean> {
    assertJail(jail);
    return await this.query(boolSchema, ["set", jail, "idle", on ? "on" : "off"], jail);
  }

  async stopJail(jail: string): Promise<void> {
    assertJail(jail);
    await this.call(["stop", jail], this.bulkTimeoutMs, jail);
  }

  async actionProperty(jail: string, action: string, property: string): Promise<ActionProperty> {
    assertJail(jail);
    for (const name of [action, property]) {
      if (!/^[A-Za-z_][\w.-]{0,99}$/.test(name)) throw new UserError("invalid_argument", `${name.slice(0, 40)} is not a valid action or property name.`);
    }
    try {
      return { kind: "value", value: await this.query(optionalSchema, ["get", jail, "action", action, property], jail) };
    } catch (err) {
      // Actions.__getitem__ raises KeyError("Invalid Action name: …"); getattr an AttributeError.
      if (err instanceof Fail2banCommandError && err.pyType.endsWith(".KeyError")) return { kind: "missing-action" };
      if (err instanceof Fail2banCommandError && err.pyType.endsWith(".AttributeError")) return { kind: "missing-property" };
      throw err;
    }
  }

  async dbFile(): Promise<string | undefined> {
    const v = parseWith(optionalSchema, await this.call(["get", "dbfile"]));
    return typeof v === "string" ? v : undefined;
  }

  async dbPurgeAgeSeconds(): Promise<number | undefined> {
    const v = parseWith(optionalSchema, await this.call(["get", "dbpurgeage"]));
    return typeof v === "number" ? v : undefined;
  }

  private async inChunks(
    items: string[],
    opts: BulkOptions,
    send: (chunk: string[], lane: Lane) => Promise<number>,
  ): Promise<number> {
    const size = await this.chunkSize(opts);
    // Work of several chunks is bulk work: between chunks, whatever else waits goes first.
    const lane = items.length > size && this.lane === "interactive" ? "bulk" : this.lane;
    let total = 0;
    // A small first chunk: fail2ban starts on it at once, while the next one is noted and encoded.
    let end = Math.min(size, FIRST_CHUNK);
    let chunk = items.slice(0, end);
    opts.beforeSend?.(chunk);
    while (chunk.length > 0) {
      // Written to the socket before send returns (unless others wait ahead in the queue).
      const sent = send(chunk, lane);
      const next = items.slice(end, end + size);
      try {
        if (next.length > 0) opts.beforeSend?.(next);
      } catch (err) {
        // The chunk on its way is still answered (and a failure of it not left unhandled); this one is not sent.
        await sent.catch(() => undefined);
        throw err;
      }
      total += await sent;
      opts.onProgress?.(end, items.length);
      chunk = next;
      end += next.length;
    }
    return total;
  }

  private async chunkSize(opts: BulkOptions): Promise<number> {
    return (await this.capabilities()).multiIp ? Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK) : 1;
  }

  private async query<T>(schema: z.ZodType<T>, args: string[], jail?: string): Promise<T> {
    return parseWith(schema, await this.call(args, undefined, jail));
  }

  /** `get <jail> <key>`, for the readers in settings.ts. */
  private getter(jail: string) {
    return <T>(schema: z.ZodType<T>, key: string) => this.query(schema, ["get", jail, key], jail);
  }

  private async call(args: string[], timeoutMs?: number, jail?: string, lane: Lane = this.lane): Promise<PickleValue> {
    // Asked with the first command, fail2ban's version is known when a command needs it (a bulk ban
    // waited for it before its first chunk); a failure is met again where it is awaited. Not with a
    // ping: a liveness probe is one round trip, also when fail2ban hangs.
    if (!this.known.caps && args[0] !== "version" && args[0] !== "ping") this.capabilities().catch(() => undefined);
    const reply = await this.conn.send(args, timeoutMs, lane);
    try {
      return unwrapReply(reply);
    } catch (err) {
      if (jail !== undefined && err instanceof Fail2banCommandError && err.pyType.endsWith("UnknownJailException")) {
        throw new UserError("unknown_jail", `fail2ban has no jail named ${jail}.`);
      }
      if (err instanceof Fail2banCommandError) this.log.debug({ args: args.slice(0, 3), pyType: err.pyType }, "fail2ban rejected a command");
      throw err;
    }
  }
}

import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { BlocklistMembers, MemberState } from "../ports/blocklist-members.js";
import type { BlocklistRuns, Run } from "../ports/blocklist-runs.js";
import type { BlocklistSources, Source, SourceSettings } from "../ports/blocklist-sources.js";
import { UserError } from "../errors.js";
import type { Fail2ban } from "../ports/fail2ban.js";
import type { Clock } from "../services.js";
import { liftRows, type ApplyDeps, type BlocklistBanEvent, type ImportProgress } from "./apply.js";
import { importSource, type ImportOptions, type RunReport } from "./importer.js";
import type { Resolver } from "./resolver.js";
import { nextRunAfter } from "./schedule.js";
import { DEFAULT_MAX_ENTRIES, DEFAULT_SCHEDULE, checkName, checkSettings } from "./source-settings.js";

export type { ImportProgress, RunReport, Source, Run };

export interface SourceDetail {
  source: Source;
  /** Newest first. */
  runs: Run[];
  members: Record<MemberState, number>;
  nextRunAt: number | undefined;
}

/** Blocklist sources and their imports: what the commands and the scheduler use. */
export interface Blocklists {
  list(): { source: Source; lastRun: Run | undefined; nextRunAt: number | undefined }[];
  show(name: string, runs?: number): SourceDetail;
  /** The source of that name; a UserError naming the known ones when there is none. */
  find(name: string): Source;
  add(name: string, settings: Partial<SourceSettings> & Pick<SourceSettings, "url" | "jail">, actor: string): Promise<Source>;
  edit(name: string, changes: Partial<SourceSettings>): Promise<Source>;
  setEnabled(name: string, enabled: boolean): Source;
  /** Unbans what the source banned (unless another source still lists it), then forgets it. */
  remove(name: string, opts?: { progress?: (p: ImportProgress) => void; actor?: string }): Promise<{ unbanned: number }>;
  runImport(name: string, opts?: ImportOptions): Promise<RunReport>;
  /** Enabled sources whose schedule has come round since their last run (never run: due now). */
  dueSources(now: number): Source[];
  /** Lifts bans whose source's ban duration has passed; returns how many were unbanned. */
  expireDue(now: number): Promise<number>;
  /** Which sources list an address or network, in which jails. */
  listing(entry: string): { source: string; jail: string }[];
}

/** Where blocklists keep their sources, runs and membership rows. */
export interface BlocklistStores {
  sources: BlocklistSources;
  runs: BlocklistRuns;
  members: BlocklistMembers;
}

export interface BlocklistsDeps {
  stores: BlocklistStores;
  fail2ban: Pick<Fail2ban, "ban" | "unban" | "bannedIps" | "jailLimits" | "ignoreList" | "status">;
  clock: Clock;
  host: string;
  log: Logger;
  resolver: Resolver;
  /** The guarded download agent (createGuardedAgent), made on first use. */
  http: () => Promise<Dispatcher>;
  allowPrivateHosts: readonly string[];
  protectedRanges: readonly string[];
  maxBytes: number;
  totalTimeoutMs: number;
  chunkSize?: number;
  onBanned?: (event: BlocklistBanEvent) => void;
  /** Unbans a blocklist is about to make (an entry left it, its ban ran out, the source was removed). */
  onUnbanning?: (event: BlocklistBanEvent) => void;
}

const DEFAULT_CHUNK = 1000;

export function createBlocklists(deps: BlocklistsDeps): Blocklists {
  return new BlocklistService(deps, deps.stores.sources, deps.stores.runs, deps.stores.members);
}

class BlocklistService implements Blocklists {
  // Imports, removals and expiries run one at a time: they share fail2ban's socket and the
  // membership rows, and a second import of the same source must not interleave with the first.
  private tail: Promise<unknown> = Promise.resolve();
  private readonly busy = new Set<number>();

  constructor(
    private readonly deps: BlocklistsDeps,
    private readonly sources: BlocklistSources,
    private readonly runs: BlocklistRuns,
    private readonly members: BlocklistMembers,
  ) {}

  list() {
    return this.sources.all().map((source) => {
      const lastRun = this.runs.recent(source.id, 1)[0];
      return { source, lastRun, nextRunAt: this.nextRun(source, lastRun) };
    });
  }

  show(name: string, runs = 5): SourceDetail {
    const source = this.find(name);
    // At least the last run, which the next one is scheduled from.
    const recent = this.runs.recent(source.id, Math.max(runs, 1));
    return { source, runs: recent.slice(0, runs), members: this.members.countByState(source.id), nextRunAt: this.nextRun(source, recent[0]) };
  }

  async add(name: string, input: Partial<SourceSettings> & Pick<SourceSettings, "url" | "jail">, actor: string): Promise<Source> {
    checkName(name);
    if (this.sources.byName(name)) throw new UserError("invalid_argument", `A blocklist named ${name} exists already; change it with \`blocklist edit ${name} …\`.`);
    const settings: SourceSettings = { schedule: DEFAULT_SCHEDULE, banMs: undefined, maxEntries: DEFAULT_MAX_ENTRIES, unbanDeparted: true, ...input };
    await checkSettings(settings, new Set(Object.keys(settings) as (keyof SourceSettings)[]), this.settingsCheck());
    return this.sources.create(name, settings, { at: this.deps.clock.now(), actor });
  }

  async edit(name: string, changes: Partial<SourceSettings>): Promise<Source> {
    const source = this.find(name);
    const changed = new Set((Object.keys(changes) as (keyof SourceSettings)[]).filter((k) => changes[k] !== source[k]));
    if (changed.size === 0) return source;
    const settings: SourceSettings = { ...pickSettings(source), ...changes };
    await checkSettings(settings, changed, this.settingsCheck());
    this.sources.update(source.id, settings, this.deps.clock.now());
    return this.find(name);
  }

  setEnabled(name: string, enabled: boolean): Source {
    this.sources.setEnabled(this.find(name).id, enabled, this.deps.clock.now());
    return this.find(name);
  }

  async remove(name: string, opts: { progress?: (p: ImportProgress) => void; actor?: string } = {}) {
    const source = this.find(name);
    return await this.exclusive(source, async () => {
      const unbanned = await liftRows(this.members.ofSource(source.id), this.applyDeps(source, opts.progress, opts.actor));
      this.sources.remove(source.id);
      return { unbanned };
    });
  }

  async runImport(name: string, opts: ImportOptions = {}): Promise<RunReport> {
    const source = this.find(name);
    const { fail2ban, http, protectedRanges, maxBytes, totalTimeoutMs, log } = this.deps;
    const deps = { ...this.applyDeps(source), fail2ban, http, protectedRanges, maxBytes, totalTimeoutMs, log, sources: this.sources, runs: this.runs };
    return await this.exclusive(source, () => importSource(this.find(name), opts, deps));
  }

  dueSources(now: number): Source[] {
    return this.sources.all().filter((s) => {
      if (!s.enabled) return false;
      const last = this.runs.recent(s.id, 1)[0];
      if (!last) return true;
      const next = nextRunAfter(s.schedule, last.startedAt);
      return next !== undefined && next <= now;
    });
  }

  async expireDue(now: number): Promise<number> {
    return await this.exclusive(undefined, async () => {
      const rows = this.members.expired(now);
      return rows.length === 0 ? 0 : await liftRows(rows, { ...this.applyDeps(undefined), origin: "blocklist" });
    });
  }

  listing(entry: string) {
    const names = new Map(this.sources.all().map((s) => [s.id, s.name]));
    return this.members.listing(entry).flatMap(({ sourceId, jail }) => {
      const source = names.get(sourceId);
      return source === undefined ? [] : [{ source, jail }];
    });
  }

  find(name: string): Source {
    const source = this.sources.byName(name);
    if (!source) {
      const known = this.sources.all().map((s) => s.name);
      const hint = known.length ? ` Known: ${known.join(", ")}.` : " There are none yet; add one with `blocklist add`.";
      throw new UserError("invalid_argument", `There is no blocklist named ${name.slice(0, 40)}.${hint}`);
    }
    return source;
  }

  private nextRun(source: Source, last: Run | undefined): number | undefined {
    if (!source.enabled) return undefined;
    return last ? nextRunAfter(source.schedule, last.startedAt) : this.deps.clock.now();
  }

  private settingsCheck() {
    return { fail2ban: this.deps.fail2ban, resolver: this.deps.resolver, allowPrivateHosts: this.deps.allowPrivateHosts, now: this.deps.clock.now() };
  }

  private applyDeps(source: Source | undefined, progress?: (p: ImportProgress) => void, actor?: string): ApplyDeps {
    const { fail2ban, clock, chunkSize, onBanned } = this.deps;
    return {
      fail2ban,
      members: this.members,
      now: () => clock.now(),
      chunkSize: chunkSize ?? DEFAULT_CHUNK,
      origin: `blocklist:${source?.name ?? ""}`,
      progress,
      onBanned,
      onUnbanning: (jail, rows) => this.tellUnbanning(jail, rows, actor),
    };
  }

  // Rows of several sources may go at once (expiry): each is told under its own source's name.
  private tellUnbanning(jail: string, rows: readonly { sourceId: number; entry: string }[], actor: string | undefined): void {
    const tell = this.deps.onUnbanning;
    if (!tell) return;
    const names = new Map(this.sources.all().map((s) => [s.id, s.name]));
    const bySource = new Map<number, string[]>();
    for (const row of rows) {
      const entries = bySource.get(row.sourceId);
      if (entries) entries.push(row.entry);
      else bySource.set(row.sourceId, [row.entry]);
    }
    const at = this.deps.clock.now();
    for (const [id, entries] of bySource) tell({ jail, entries, origin: `blocklist:${names.get(id) ?? "removed"}`, at, ...(actor ? { actor } : {}) });
  }

  private async exclusive<T>(source: Source | undefined, work: () => Promise<T>): Promise<T> {
    if (source && this.busy.has(source.id)) throw new UserError("invalid_argument", `${source.name} is being imported right now; try again when that run ends.`);
    if (source) this.busy.add(source.id);
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      if (source) this.busy.delete(source.id);
    }
  }
}

function pickSettings(s: Source): SourceSettings {
  return { url: s.url, jail: s.jail, schedule: s.schedule, banMs: s.banMs, maxEntries: s.maxEntries, unbanDeparted: s.unbanDeparted };
}

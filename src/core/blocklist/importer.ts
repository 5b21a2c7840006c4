import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { Member } from "../../store/blocklist-members.js";
import type { BlocklistRuns, RunCounts, RunTrigger } from "../../store/blocklist-runs.js";
import type { BlocklistSources, Source } from "../../store/blocklist-sources.js";
import { isUserError, UserError } from "../errors.js";
import type { Fail2ban } from "../fail2ban/client.js";
import { liftRows, sendBans, splitLeaving, type ApplyDeps, type ImportProgress } from "./apply.js";
import { DownloadError } from "./destination.js";
import { filterEntries, skippedTotal } from "./filter.js";
import { parseList } from "./parse-list.js";
import { planImport, type Plan } from "./plan.js";

export interface ImporterDeps extends Omit<ApplyDeps, "origin" | "progress" | "fail2ban"> {
  fail2ban: ApplyDeps["fail2ban"] & Pick<Fail2ban, "ignoreList" | "bannedIps">;
  sources: BlocklistSources;
  runs: BlocklistRuns;
  /** The guarded download agent, made on first use. */
  http: () => Promise<Dispatcher>;
  protectedRanges: readonly string[];
  maxBytes: number;
  totalTimeoutMs: number;
  log: Logger;
}

export interface ImportOptions {
  dryRun?: boolean;
  trigger?: RunTrigger;
  progress?: (p: ImportProgress) => void;
}

export interface RunReport extends RunCounts {
  source: string;
  jail: string;
  outcome: "ok" | "unchanged" | "failed" | "dry-run";
  durationMs: number;
  error?: string;
  /** Dry runs: what would be banned and unbanned (the first few of each). */
  preview?: { add: string[]; remove: string[] };
}

const PREVIEW = 10;

/** One import of one source, recorded as a run (dry runs are not recorded and change nothing). */
export async function importSource(source: Source, opts: ImportOptions, deps: ImporterDeps): Promise<RunReport> {
  const started = deps.now();
  const counts: RunCounts = { bytes: 0, fetched: 0, valid: 0, invalid: 0, invalidSample: [], skipped: 0, skippedDetail: {}, added: 0, renewed: 0, removed: 0, unchanged: 0 };
  const runId = opts.dryRun ? undefined : deps.runs.start(source.id, started, opts.trigger ?? "manual");
  const report = (outcome: RunReport["outcome"], extra: Partial<RunReport> = {}): RunReport => ({ source: source.name, jail: source.jail, outcome, ...counts, durationMs: deps.now() - started, ...extra });
  let result: RunReport;
  try {
    const validators = opts.dryRun ? undefined : { etag: source.etag, lastModified: source.lastModified };
    // The HTTP client (undici) loads with the first import, not with every process that builds the service.
    const { downloadList } = await import("./download.js");
    const download = await downloadList(source.url, { dispatcher: await deps.http(), maxBytes: deps.maxBytes, totalTimeoutMs: deps.totalTimeoutMs, validators, userAgent: "BanBot blocklist import" });
    const ignoreList = download.status === "ok" ? await deps.fail2ban.ignoreList(source.jail) : [];
    const listHash = download.status === "ok" ? fingerprint(download.text, ignoreList, deps.protectedRanges, source.maxEntries) : undefined;
    if (download.status === "ok") counts.bytes = download.bytes;
    // The list and its filters are what the last complete run applied (a 304, or the same bytes
    // from a server without validators), and no row is pending or past its end: nothing can change,
    // so not one row is loaded. This is what keeps re-importing 50,000 entries cheap.
    const same = download.status === "unchanged" || listHash === source.listHash;
    // fail2ban's ban count, read at most once per run: it serves both checks below.
    let count: Promise<number> | undefined;
    const banCount = () => (count ??= deps.fail2ban.jailStatus(source.jail, { short: true }).then((s) => s.currentlyBanned));
    const lost = download.status === "ok" && (await banCount()) < deps.members.liveCount(source.jail, deps.now());
    if (!opts.dryRun && same && !lost && deps.members.needingWork(source.id, source.jail, deps.now()) === 0) {
      counts.unchanged = deps.members.count(source.id);
      renewExpiry(source, deps);
      if (download.status === "ok") deps.sources.setValidators(source.id, { ...download.validators, listHash });
      result = report("unchanged");
    } else {
      const rows = lost ? await markLost(source.jail, deps.members.ofSource(source.id), deps) : deps.members.ofSource(source.id);
      const desired = download.status === "ok" ? desiredEntries(source, download.text, ignoreList, rows, counts, deps) : listedRows(source, rows);
      const plan = planImport({ jail: source.jail, desired, rows, now: deps.now(), unbanDeparted: source.unbanDeparted, banMs: source.banMs });
      counts.unchanged = plan.unchanged + plan.relisted.length;
      // Set only once done: a run that fails half-way must not claim the whole diff.
      const done = () => Object.assign(counts, { added: plan.toBan.length - plan.renewed, renewed: plan.renewed });
      if (opts.dryRun) {
        done();
        const { unban } = splitLeaving(plan.leave, deps.members.inJail(source.jail));
        counts.removed = unban.length;
        result = report("dry-run", { preview: { add: [...plan.fresh].slice(0, PREVIEW), remove: unban.slice(0, PREVIEW).map((r) => r.entry) } });
      } else {
        const apply: ApplyDeps = { ...deps, origin: `blocklist:${source.name}`, progress: opts.progress };
        counts.removed = await liftRows(plan.leave, apply);
        await banListed(source, plan, rows, apply, banCount);
        done();
        settle(source, plan, deps);
        if (download.status === "ok") deps.sources.setValidators(source.id, { ...download.validators, listHash });
        result = report(download.status === "ok" ? "ok" : "unchanged");
      }
    }
  } catch (err) {
    const expected = err instanceof DownloadError || isUserError(err);
    if (!expected) deps.log.error({ err, source: source.name }, "blocklist import failed");
    result = report("failed", { error: expected ? (err as Error).message : `Unexpected error: ${(err as Error).message}` });
  }
  if (runId !== undefined) deps.runs.finish(runId, result.outcome === "dry-run" ? "ok" : result.outcome, counts, result.durationMs, result.error);
  return result;
}

/**
 * Rows whose ban fail2ban no longer holds count as ended, so the plan bans them again. Called when
 * fail2ban holds fewer bans than the live rows say (restarted without its database, or it lost its
 * last writes to a crash): one cheap count per downloaded list finds that; a 304 skips even that.
 */
async function markLost(jail: string, rows: Member[], deps: ImporterDeps): Promise<Member[]> {
  const live = new Set(await deps.fail2ban.bannedIps(jail));
  const now = deps.now();
  return rows.map((r) => (r.jail === jail && r.state !== "pending" && !live.has(r.entry) ? { ...r, f2bUntil: now } : r));
}

/** A 304: the list is what the last complete run saw, i.e. this source's rows in its jail. */
function listedRows(source: Source, rows: readonly Member[]): string[] {
  return rows.filter((r) => r.jail === source.jail && r.state !== "departed").map((r) => r.entry);
}

function desiredEntries(source: Source, text: string, ignoreList: readonly string[], rows: readonly Member[], counts: RunCounts, deps: ImporterDeps): string[] {
  const parsed = parseList(text);
  Object.assign(counts, { fetched: parsed.lines, valid: parsed.entries.length, invalid: parsed.invalid, invalidSample: parsed.invalidSample });
  if (parsed.entries.length > source.maxEntries) {
    throw new UserError("invalid_argument", `The list has ${parsed.entries.length} entries, over the maximum of ${source.maxEntries} for ${source.name}; nothing was changed. Raise it with \`blocklist edit ${source.name} max <n>\` if the size is expected.`);
  }
  // An empty or garbled answer (an error page served with 200) must not unban everything.
  if (parsed.entries.length === 0 && rows.length > 0) {
    throw new UserError("invalid_argument", `The list came back without a single valid entry (${parsed.invalid} invalid lines); nothing was changed.`);
  }
  const filtered = filterEntries(parsed.entries, { ignoreList, protectedRanges: deps.protectedRanges });
  counts.skipped = skippedTotal(filtered.skipped);
  counts.skippedDetail = Object.fromEntries(Object.entries(filtered.skipped).filter(([, n]) => n > 0));
  return filtered.keep.map((e) => e.text);
}

/** Identifies a list together with everything that decides what it bans besides its rows. */
function fingerprint(text: string, ignoreList: readonly string[], protectedRanges: readonly string[], maxEntries: number): string {
  const hash = createHash("sha256").update(text);
  hash.update(`\0${[...ignoreList].sort().join(",")}\0${protectedRanges.join(",")}\0${maxEntries}`);
  return hash.digest("base64url");
}

/**
 * Records every entry to ban, then sends those fail2ban does not hold yet. fail2ban's own list tells
 * an address it banned already (kept, but not ours to lift) from one a crashed run may or may not
 * have sent (pending: ours either way). Reading that list costs as much as the jail is large, so it
 * is read only when fail2ban holds more bans than the blocklists' live rows account for: in a jail
 * that only blocklists feed, a changed list costs its difference and not the whole jail.
 */
async function banListed(source: Source, plan: Plan, rows: readonly Member[], deps: ApplyDeps, banCount: () => Promise<number>): Promise<void> {
  if (plan.toBan.length === 0) return;
  const foreign = (await banCount()) > deps.members.liveCount(source.jail, deps.now());
  const live = new Map(foreign ? (await deps.fail2ban.bans(source.jail)).map((b) => [b.ip, b.end?.getTime()]) : []);
  const here = new Map(rows.filter((r) => r.jail === source.jail).map((r) => [r.entry, r]));
  const now = deps.now();
  const record: Member[] = [];
  const send: string[] = [];
  for (const entry of plan.toBan) {
    const row = here.get(entry);
    const base: Member = row ?? { sourceId: source.id, jail: source.jail, entry, state: "pending", owned: true, bannedAt: undefined, f2bUntil: undefined, expiresAt: undefined };
    if (live.has(entry)) {
      const owned = row ? row.owned || row.state === "pending" : false;
      record.push({ ...base, state: "banned", owned, bannedAt: row?.bannedAt ?? now, f2bUntil: live.get(entry) });
    } else {
      record.push({ ...base, state: "pending", owned: true });
      send.push(entry);
    }
  }
  deps.members.put(record);
  await sendBans(source.jail, send, deps);
}

function renewExpiry(source: Source, deps: ImporterDeps): void {
  deps.members.setExpiry(source.id, source.jail, source.banMs === undefined ? undefined : deps.now() + source.banMs);
}

function settle(source: Source, plan: Plan, deps: ImporterDeps): void {
  deps.members.put([...plan.relisted.map((m) => ({ ...m, state: "banned" as const })), ...plan.retire.map((m) => ({ ...m, state: "departed" as const, expiresAt: m.expiresAt ?? deps.now() + (source.banMs ?? 0) }))]);
  for (const row of plan.release) deps.members.remove(row.sourceId, row.jail, [row.entry]);
  renewExpiry(source, deps);
}

import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { Member } from "../ports/blocklist-members.js";
import type { BlocklistRuns, RunCounts, RunTrigger } from "../ports/blocklist-runs.js";
import type { BlocklistSources, Source } from "../ports/blocklist-sources.js";
import { isUserError, UserError } from "../errors.js";
import type { Fail2ban } from "../ports/fail2ban.js";
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
const FORMAT_HINT =
  "BanBot reads one address or CIDR network per line (`203.0.113.5`, `198.51.100.0/24`, IPv6 alike), other columns and `#` or `;` comments ignored, and ranges as in DShield's block.txt (start, end, prefix).";

const n = (count: number): string => count.toLocaleString("en");

/** One import of one source, recorded as a run (dry runs are not recorded and change nothing). */
export async function importSource(source: Source, opts: ImportOptions, deps: ImporterDeps): Promise<RunReport> {
  const started = deps.now();
  const counts: RunCounts = {
    bytes: 0,
    fetched: 0,
    valid: 0,
    invalid: 0,
    invalidSample: [],
    duplicates: 0,
    skipped: 0,
    skippedDetail: {},
    added: 0,
    renewed: 0,
    removed: 0,
    unchanged: 0,
  };
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
    // What fail2ban bans in the jail, read once per run (its cheapest list: no times). Membership,
    // not a count, tells the bans it lost (restarted without its database, or crashed before its
    // last writes), even in a jail whose own filter bans would make up the number.
    const held = new Set(await deps.fail2ban.bannedIps(source.jail));
    const now = deps.now();
    // The list and its filters are what the last complete run applied (a 304, or the same bytes
    // from a server without validators), fail2ban lost nothing, and no row is pending or past its
    // end: nothing can change, so no row is loaded. This keeps re-importing 50,000 entries cheap.
    const same = download.status === "unchanged" || listHash === source.listHash;
    if (!opts.dryRun && same && deps.members.needingWork(source.id, source.jail, now) === 0 && deps.members.liveEntries(source.id, source.jail, now).every((e) => held.has(e))) {
      counts.unchanged = deps.members.count(source.id);
      renewExpiry(source, deps);
      if (download.status === "ok") deps.sources.setValidators(source.id, { ...download.validators, listHash });
      result = report("unchanged");
    } else {
      const { settled, rows } = onRecord(source, held, now, deps);
      const desired = download.status === "ok" ? desiredEntries(source, download.text, ignoreList, settled.size + rows.length, counts, deps) : listedRows(source, settled, rows);
      const plan = planImport({ sourceId: source.id, jail: source.jail, desired, settled, rows, now, unbanDeparted: source.unbanDeparted, banMs: source.banMs });
      const bans = sortBans(source, plan, held, deps.now());
      // Only what this run changes counts as added or banned again: an entry fail2ban bans already
      // (its own ban, or one an interrupted run sent) is unchanged. Set only once done: a run that
      // fails half-way must not claim the whole diff.
      const done = () => Object.assign(counts, { added: bans.added, renewed: bans.renewed, unchanged: plan.unchanged + plan.relisted.length + bans.held.length });
      if (opts.dryRun) {
        done();
        const { unban } = splitLeaving(plan.leave, deps.members.inJail(source.jail));
        counts.removed = unban.length;
        result = report("dry-run", { preview: { add: bans.send.filter((e) => plan.fresh.has(e)).slice(0, PREVIEW), remove: unban.slice(0, PREVIEW).map((r) => r.entry) } });
      } else {
        const apply: ApplyDeps = { ...deps, origin: `blocklist:${source.name}`, progress: opts.progress };
        counts.removed = await liftRows(plan.leave, apply);
        deps.members.put(bans.record);
        await sendBans(source.jail, bans.send, apply);
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
 * What the source has on record, for the plan. An entry fail2ban no longer holds counts as ended,
 * so the plan bans it again: a settled row moves to the whole rows, and so does any other.
 */
function onRecord(source: Source, held: ReadonlySet<string>, now: number, deps: ImporterDeps): { settled: Map<string, boolean>; rows: Member[] } {
  const settled = deps.members.settled(source.id, source.jail, now);
  const rows = deps.members.unsettled(source.id, source.jail, now).map((r) =>
    r.jail === source.jail && r.state === "departed" && (r.f2bUntil === undefined || r.f2bUntil > now) && !held.has(r.entry) ? { ...r, f2bUntil: now } : r,
  );
  for (const [entry, owned] of settled) {
    if (held.has(entry)) continue;
    settled.delete(entry);
    rows.push({ sourceId: source.id, jail: source.jail, entry, state: "banned", owned, bannedAt: undefined, f2bUntil: now, expiresAt: undefined });
  }
  return { settled, rows };
}

/** A 304: the list is what the last complete run saw, i.e. this source's rows in its jail. */
function listedRows(source: Source, settled: ReadonlyMap<string, boolean>, rows: readonly Member[]): string[] {
  return [...settled.keys(), ...rows.filter((r) => r.jail === source.jail && r.state !== "departed").map((r) => r.entry)];
}

function desiredEntries(source: Source, text: string, ignoreList: readonly string[], onRecord: number, counts: RunCounts, deps: ImporterDeps): string[] {
  const parsed = parseList(text);
  Object.assign(counts, { fetched: parsed.lines, valid: parsed.entries.length, invalid: parsed.invalid, invalidSample: parsed.invalidSample, duplicates: parsed.duplicates });
  if (parsed.entries.length > source.maxEntries) {
    throw new UserError("invalid_argument", `The list has ${parsed.entries.length} entries, over the maximum of ${source.maxEntries} for ${source.name}; nothing was changed. Raise it with \`blocklist edit ${source.name} max <n>\` if the size is expected.`);
  }
  // A list of nothing readable is a failure, not "+0": a CSV export, an HTML error page served with
  // 200, or a format BanBot does not read. It must neither pass for a success nor unban everything.
  if (parsed.entries.length === 0 && (parsed.invalid > 0 || onRecord > 0)) {
    const what = parsed.invalid > 0 ? `none of its ${n(parsed.invalid)} lines is an address or network (${parsed.invalidSample.map((l) => `\`${l.replaceAll("`", "'")}\``).join(", ")})` : "it is empty";
    throw new UserError("invalid_argument", `The list came back without a single valid entry: ${what}; nothing was changed. ${FORMAT_HINT}`);
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

interface SortedBans {
  /** Rows to write before anything is sent: pending for what is sent, banned for what fail2ban holds. */
  record: Member[];
  send: string[];
  /** Of send: new to the source (or pending from an interrupted run), and banned before. */
  added: number;
  renewed: number;
  /** Entries fail2ban bans already. */
  held: string[];
}

/**
 * Sorts the entries to ban into those to send and those fail2ban bans already. Of the latter, one
 * the source never sent is fail2ban's own ban (kept, not ours to lift); a pending one was sent by a
 * run that crashed before it heard back (ours either way).
 */
function sortBans(source: Source, plan: Plan, held: ReadonlySet<string>, now: number): SortedBans {
  const { id: sourceId, jail } = source;
  const sorted: SortedBans = { record: [], send: [], added: 0, renewed: 0, held: [] };
  for (const entry of plan.toBan) {
    const row = plan.rowsToBan.get(entry);
    if (held.has(entry)) {
      const owned = row ? row.owned || row.state === "pending" : false;
      // When fail2ban's ban ends is unknown without asking for every ban's time; the next run's
      // look at fail2ban's list finds it gone.
      const base = row ?? { sourceId, jail, entry, expiresAt: undefined };
      sorted.record.push({ ...base, state: "banned", owned, bannedAt: row?.bannedAt ?? now, f2bUntil: undefined });
      sorted.held.push(entry);
    } else {
      sorted.record.push(row ? { ...row, state: "pending", owned: true } : { sourceId, jail, entry, state: "pending", owned: true, bannedAt: undefined, f2bUntil: undefined, expiresAt: undefined });
      sorted.send.push(entry);
      if (row !== undefined && row.state !== "pending") sorted.renewed++;
      else sorted.added++;
    }
  }
  return sorted;
}

function renewExpiry(source: Source, deps: ImporterDeps): void {
  deps.members.setExpiry(source.id, source.jail, source.banMs === undefined ? undefined : deps.now() + source.banMs);
}

function settle(source: Source, plan: Plan, deps: ImporterDeps): void {
  deps.members.put(plan.relisted.map((m) => ({ ...m, state: "banned" as const })));
  deps.members.depart(source.id, source.jail, plan.retire.map((m) => m.entry), deps.now() + (source.banMs ?? 0));
  for (const row of plan.release) deps.members.remove(row.sourceId, row.jail, [row.entry]);
  renewExpiry(source, deps);
}

import type { Run, RunOutcome } from "../ports/blocklist-runs.js";
import type { Source } from "../ports/blocklist-sources.js";
import type { Field, Reply } from "../reply.js";
import { formatDuration } from "../time-format.js";
import type { ImportProgress } from "./apply.js";
import type { RunReport } from "./importer.js";

// Words for blocklist runs and sources, shared by the commands (and later the alerts that report
// failed scheduled runs), so a run reads the same wherever it is shown.

const n = (count: number): string => count.toLocaleString("en");

export function describeRun(report: RunReport): Reply {
  const { source, jail } = report;
  if (report.outcome === "failed") {
    return { title: `Import of ${source} failed`, tone: "error", text: report.error ?? "Unknown error.", fields: countFields(report) };
  }
  const diff = `+${n(report.added + report.renewed)} −${n(report.removed)}`;
  const title =
    report.outcome === "dry-run"
      ? `Dry run of ${source} (${jail}): would ban ${n(report.added + report.renewed)}, unban ${n(report.removed)}`
      : report.outcome === "unchanged"
        ? `${source}: list unchanged since the last import${report.added + report.removed + report.renewed > 0 ? ` (${diff})` : ""}`
        : `Imported ${source} into ${jail}: ${diff}`;
  const notes = [...invalidNotes(report)];
  if (report.preview?.add.length) notes.push(`Would ban: ${report.preview.add.join(", ")}${report.added > report.preview.add.length ? ", …" : ""}`);
  if (report.preview?.remove.length) notes.push(`Would unban: ${report.preview.remove.join(", ")}${report.removed > report.preview.remove.length ? ", …" : ""}`);
  if (report.outcome === "dry-run") notes.push("Dry run: fail2ban was not touched.");
  return { title, tone: report.outcome === "dry-run" || report.outcome === "unchanged" ? "info" : "ok", fields: countFields(report), notes };
}

function countFields(r: RunReport): Field[] {
  const fields: Field[] = [];
  if (r.fetched > 0 || r.bytes > 0) fields.push({ label: "Read", value: `${n(r.fetched)} lines, ${formatBytes(r.bytes)}` });
  if (r.valid > 0) fields.push({ label: "Valid", value: n(r.valid) });
  if (r.invalid > 0) fields.push({ label: "Invalid", value: n(r.invalid) });
  if (r.duplicates > 0) fields.push({ label: "Duplicates", value: n(r.duplicates) });
  if (r.skipped > 0) fields.push({ label: "Skipped", value: `${n(r.skipped)} (${Object.entries(r.skippedDetail).map(([why, c]) => `${why} ${n(c)}`).join(", ")})` });
  fields.push({ label: "Added", value: n(r.added) });
  if (r.renewed > 0) fields.push({ label: "Banned again", value: `${n(r.renewed)} (fail2ban's ban had ended or was lost)` });
  fields.push({ label: "Removed", value: n(r.removed) });
  fields.push({ label: "Unchanged", value: n(r.unchanged) });
  fields.push({ label: "Took", value: formatDuration(r.durationMs) });
  return fields;
}

function invalidNotes(r: Pick<RunReport, "invalid" | "invalidSample">): string[] {
  return r.invalid > 0 ? [`Invalid lines (first ${r.invalidSample.length}): ${r.invalidSample.map((l) => `\`${l.replaceAll("`", "'")}\``).join(", ")}`] : [];
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} B`;
}

const OUTCOMES: Record<RunOutcome, string> = { running: "running", ok: "ok", unchanged: "unchanged", failed: "failed", interrupted: "interrupted" };

/** One line for a run in a table: outcome and diff. */
export function runResult(run: Run): string {
  if (run.outcome === "failed") return `failed: ${run.error ?? "unknown error"}`;
  if (run.outcome === "running" || run.outcome === "interrupted") return OUTCOMES[run.outcome];
  return `${OUTCOMES[run.outcome]} +${n(run.added + run.renewed)} −${n(run.removed)}`;
}

export function describeSettings(s: Source): Field[] {
  return [
    { label: "URL", value: s.url },
    { label: "Jail", value: s.jail },
    { label: "Schedule", value: `\`${s.schedule}\` (UTC)${s.enabled ? "" : ", disabled"}` },
    { label: "Ban duration", value: s.banMs !== undefined ? `${formatDuration(s.banMs)} after it was last listed` : s.unbanDeparted ? "while listed" : "the jail's bantime" },
    { label: "When an address leaves the list", value: s.unbanDeparted ? "unban it (if this source banned it)" : "keep the ban" },
    { label: "Max entries", value: n(s.maxEntries) },
  ];
}

/** "sshd: banning 20,000 of 50,000": interim text for progress reporting. */
export function describeProgress(source: string, p: ImportProgress): string {
  return `${source}: ${p.phase === "ban" ? "banning" : "unbanning"} ${n(p.done)} of ${n(p.total)}…`;
}

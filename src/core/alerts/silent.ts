import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Fail2ban } from "../ports/fail2ban.js";
import { formatDuration, formatTime } from "../time-format.js";
import type { AlertState } from "../ports/alert-state.js";
import type { Alert } from "./alert.js";

interface JailMemory {
  /** fail2ban's total-failed counter at the last check, and when that was. */
  lastTotal?: number;
  lastAt?: number;
  /** When the counter last moved (or was first read). */
  movedAt?: number;
  /** Failures per hour, exponentially weighted over about a day; undefined until the counter first moves. */
  perHour?: number;
  /** Whether this jail ever counted a failure: the alert is off for jails that never did. */
  everFailed?: boolean;
  incident?: { id: string; openedAt: number; why: "quiet" | "files" };
}

export interface SilentDeps {
  fail2ban: Pick<Fail2ban, "status" | "jailStatus" | "jailSettings">;
  state: AlertState;
  raise: (alert: Alert) => void;
  now: () => number;
  host: string;
  /** Quiet for at least this long before a jail is called silent. */
  afterMs: number;
  /** Whether a log file exists: undefined when BanBot cannot tell (not its filesystem, no permission). */
  fileExists?: (path: string) => Promise<boolean | undefined>;
}

const HOUR = 3_600_000;
const LEARN_TAU_MS = 24 * HOUR;
// A quiet spell is news only when the jail's own rate says it should have counted this many failures.
const EXPECTED_FAILURES = 10;

/**
 * A jail that watches nothing — its log moved (logrotate, a journald change, a new web server path)
 * — never bans again, silently. One check per jail: fail2ban's total-failed counter has not moved for
 * `afterMs` while the jail's learnt rate says it should have counted at least ten failures by now, or
 * the log files it watches no longer exist. One alert per incident, one recovery once failures are
 * counted again (or, for missing files, once they are back, saying only that). Off for jails that
 * never had a failure.
 */
export async function checkSilentJails(deps: SilentDeps): Promise<void> {
  const { fail2ban, state, now } = deps;
  const exists = deps.fileExists ?? fileExists;
  for (const jail of (await fail2ban.status()).jails) {
    const key = `silent:${jail}`;
    const memory = state.get<JailMemory>(key) ?? {};
    const status = await fail2ban.jailStatus(jail, { short: true });
    const missing: string[] = [];
    for (const file of status.files) if ((await exists(file)) === false) missing.push(file);
    const at = now();
    const moved = learn(memory, status.totalFailed, at, deps.afterMs);
    const quietMs = at - (memory.movedAt ?? at);
    const quiet = memory.perHour !== undefined && quietMs >= deps.afterMs && (memory.perHour * quietMs) / HOUR >= EXPECTED_FAILURES;

    if (memory.incident) {
      const filesBack = memory.incident.why === "files" && missing.length === 0 && !quiet;
      if (moved || filesBack) {
        const reply = moved
          ? { title: `Jail ${jail} on ${deps.host} sees failures again`, text: `It was silent for ${formatDuration(at - memory.incident.openedAt)}.` }
          : // Only the files are known to be back: whether the jail sees anything in them is not.
            {
              title: `Jail ${jail} on ${deps.host} has its log files back`,
              text: `The files it watches exist again (they were missing for ${formatDuration(at - memory.incident.openedAt)}). No failure has been counted in it since; if it stays quieter than usual, BanBot says so.`,
            };
        deps.raise({ kind: "silent", jail, incident: memory.incident.id, step: "resolve", reply: { ...reply, tone: "ok" } });
        delete memory.incident;
      }
    } else if (memory.everFailed && (missing.length > 0 || quiet)) {
      const why = missing.length > 0 ? "files" : "quiet";
      memory.incident = { id: `silent:${deps.host}:${jail}:${at}`, openedAt: at, why };
      const { backend } = await fail2ban.jailSettings(jail);
      const watched = status.files.length > 0 ? status.files.join("\n") : status.journalMatches.map((m) => `journal: ${m}`).join("\n") || "none";
      const text =
        why === "files"
          ? `It watches log files that no longer exist, so it sees no failures and bans nobody. Did the log move (logrotate, a new path)?`
          : `fail2ban has counted no failure in it for ${formatDuration(quietMs)}, where it usually counts about ${rounded(memory.perHour!)} an hour. ` +
            "Its log may have moved (logrotate, a journald change, a new path), so it sees nothing and bans nobody.";
      deps.raise({
        kind: "silent",
        jail,
        incident: memory.incident.id,
        step: "open",
        reply: {
          title: `Jail ${jail} on ${deps.host} has gone silent`,
          tone: "warn",
          text,
          fields: [
            ...(missing.length > 0 ? [{ label: "Missing", value: missing.join("\n") }] : []),
            { label: "Watches", value: watched },
            { label: "Backend", value: backend ?? "unknown (fail2ban before 1.1 does not say)" },
            { label: "Last failure counted", value: memory.movedAt === undefined ? "unknown" : formatTime(memory.movedAt) },
          ],
          actions: [
            { label: "Jail settings", command: `jail ${jail}` },
            { label: "Mute 1d", command: `alerts-mute silent:${jail} for 1d` },
          ],
        },
      });
    }
    state.set(key, memory, at);
  }
}

/** Reads the counter into `memory`; returns whether it moved since the last check. */
function learn(memory: JailMemory, total: number, at: number, afterMs: number): boolean {
  // The counter restarts with fail2ban; what it counted since is new.
  const delta = memory.lastTotal === undefined ? 0 : total >= memory.lastTotal ? total - memory.lastTotal : total;
  const elapsed = memory.lastAt === undefined ? 0 : at - memory.lastAt;
  memory.everFailed ||= total > 0;
  // Quiet spells shorter than `afterMs` are part of the usual rate; a longer one is what is being
  // watched for, and must not teach the jail that silence is usual (nor must an open incident).
  const usual = delta > 0 || at - (memory.movedAt ?? at) < afterMs;
  if (memory.movedAt === undefined || delta > 0) memory.movedAt = at;
  if (elapsed > 0 && usual && !memory.incident) {
    const rate = (delta * HOUR) / elapsed;
    if (memory.perHour === undefined) memory.perHour = delta > 0 ? rate : undefined;
    else memory.perHour += (1 - Math.exp(-elapsed / LEARN_TAU_MS)) * (rate - memory.perHour);
  }
  memory.lastTotal = total;
  memory.lastAt = at;
  return delta > 0;
}

function rounded(perHour: number): string {
  return perHour >= 10 ? String(Math.round(perHour)) : perHour.toFixed(1);
}

// A file is missing only where BanBot can see its directory: in a container without the log mount,
// or without permission, it cannot tell, and says nothing.
async function fileExists(path: string): Promise<boolean | undefined> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
  }
  try {
    return (await stat(dirname(path))).isDirectory() ? false : undefined;
  } catch {
    return undefined;
  }
}

import type { Fail2ban } from "../ports/fail2ban.js";
import { isUserError } from "../errors.js";
import { describeNoPing } from "../fail2ban/socket-errors.js";
import { formatDuration, formatTime } from "../time-format.js";
import type { AlertState } from "../ports/alert-state.js";
import type { AuditLog } from "../ports/audit-log.js";
import type { Alert } from "./alert.js";

interface HealthMemory {
  failures: number;
  firstFailureAt?: number;
  lastFailureAt?: number;
  /** The open outage incident, once announced. */
  outage?: { incident: string; openedAt: number };
  /** Jails seen running at the last good check, and those missing since. */
  jails?: string[];
  gone?: Record<string, string>;
}

export interface HealthDeps {
  fail2ban: Pick<Fail2ban, "ping" | "status">;
  state: AlertState;
  raise: (alert: Alert) => void;
  now: () => number;
  host: string;
  /** Consecutive failed checks before the outage alert. */
  threshold: number;
  /** How long a ping may take (fail2ban.timeout). */
  timeoutMs: number;
  /** Whether a jail's disappearance was asked for (a `stop` through BanBot), so not worth an alert. */
  expectedGone?: (jail: string, since: number) => boolean;
}

const KEY = "health";

// How long a failed check counts: if the checks themselves stop, nothing stays held for good.
const DOWN_FRESH_MS = 2 * 60_000;

/** Why to hold fail2ban-bound work: the last health check (a recent one) could not reach fail2ban. */
export function fail2banDownReason(state: AlertState, now: number): string | undefined {
  const memory = state.get<HealthMemory>(KEY);
  const down = memory !== undefined && memory.failures > 0 && now - (memory.lastFailureAt ?? 0) < DOWN_FRESH_MS;
  return down ? "fail2ban is not answering (health check)" : undefined;
}

/**
 * One health check: fail2ban unreachable for `threshold` checks in a row raises one alert naming the
 * cause and its fix; nothing more while the outage lasts; the recovery follows up with its duration.
 * Jails that vanish between good checks get their own alert and recovery.
 */
export async function checkHealth(deps: HealthDeps): Promise<void> {
  const { state, now, host } = deps;
  const memory = state.get<HealthMemory>(KEY) ?? { failures: 0 };
  const at = now();
  let jails: string[];
  try {
    // Up means a ping answered in time: a socket alone may be systemd's (socket activation).
    await deps.fail2ban.ping({ timeoutMs: deps.timeoutMs });
    ({ jails } = await deps.fail2ban.status());
  } catch (err) {
    if (!isUserError(err)) throw err;
    memory.failures++;
    memory.firstFailureAt ??= at;
    memory.lastFailureAt = at;
    if (memory.failures >= deps.threshold && !memory.outage) {
      memory.outage = { incident: `health:${host}:${memory.firstFailureAt}`, openedAt: memory.firstFailureAt };
      deps.raise({
        kind: "health",
        incident: memory.outage.incident,
        step: "open",
        reply: {
          title: `fail2ban is not answering on ${host}`,
          tone: "error",
          text: describeNoPing(err, deps.timeoutMs),
          fields: [
            { label: "Since", value: formatTime(memory.firstFailureAt) },
            { label: "Failed checks", value: String(memory.failures) },
          ],
          actions: [{ label: "Status", command: "status" }],
        },
      });
    }
    state.set(KEY, memory, at);
    return;
  }

  if (memory.outage) {
    deps.raise({
      kind: "health",
      incident: memory.outage.incident,
      step: "resolve",
      reply: { title: `fail2ban is answering again on ${host}`, tone: "ok", text: `The outage lasted ${formatDuration(at - memory.outage.openedAt)}.` },
    });
  }
  const gone = memory.gone ?? {};
  for (const jail of memory.jails ?? []) {
    if (jails.includes(jail) || gone[jail] || deps.expectedGone?.(jail, at)) continue;
    gone[jail] = `jail:${host}:${jail}:${at}`;
    deps.raise({
      kind: "health",
      jail,
      incident: gone[jail],
      step: "open",
      reply: {
        title: `Jail ${jail} is no longer running on ${host}`,
        tone: "warn",
        text: "fail2ban stopped it (a stop, or a reload that failed to load it). Its addresses are not being banned.",
        actions: [{ label: "Start it", command: `start ${jail}`, style: "danger" }, { label: "Jails", command: "jails" }],
      },
    });
  }
  for (const [jail, incident] of Object.entries(gone)) {
    if (!jails.includes(jail)) continue;
    deps.raise({ kind: "health", jail, incident, step: "resolve", reply: { title: `Jail ${jail} is running again on ${host}`, tone: "ok" } });
    delete gone[jail];
  }
  state.set(KEY, { failures: 0, jails, gone }, at);
}

/**
 * Whether a jail's disappearance at `at` was asked for: a `stop <jail>` through BanBot succeeded in
 * the five minutes before. Such a jail is no news (HealthDeps.expectedGone).
 */
export function stoppedThroughBanBot(audit: Pick<AuditLog, "query">): (jail: string, at: number) => boolean {
  return (jail, at) => audit.query({ since: at - 5 * 60_000, limit: 50 }).some((r) => r.command === "stop" && r.outcome === "ok" && r.commandLine === `stop ${jail}`);
}

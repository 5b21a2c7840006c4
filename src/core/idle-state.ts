import { JAIL_RESTARTED, type JailIdle } from "./ports/jail-notes.js";
import type { Fail2ban } from "./ports/fail2ban.js";
import { formatRelative } from "./time-format.js";

export interface IdleState {
  /** For a table cell: "idle", "idle?" (BanBot set it, fail2ban cannot confirm) or "". */
  short: string;
  /** For a detail field. */
  detail: string;
}

/**
 * A jail's idle flag as far as it is known. fail2ban has no command to read it, but BanBot's action
 * can, from inside fail2ban (`get <jail> action banbot idle`); without that, only what BanBot set
 * is known, and a reload or restart of the jail (which turns idle off) may have undone it since.
 */
export async function idleState(fail2ban: Pick<Fail2ban, "actionProperty">, jail: string, note: JailIdle | undefined, now: number): Promise<IdleState> {
  const setBy = note ? ` by ${note.by} ${formatRelative(note.at, now)}` : "";
  const live = await fail2ban.actionProperty(jail, "banbot", "idle").catch(() => undefined);
  if (live?.kind === "value" && typeof live.value === "boolean") {
    if (!live.value) return { short: "", detail: "off" };
    return { short: "idle", detail: note?.idle ? `on (set${setBy})` : "on (set outside BanBot)" };
  }
  if (note?.idle) return { short: "idle?", detail: `set on${setBy}; fail2ban cannot confirm` };
  if (note?.by === JAIL_RESTARTED) return { short: "", detail: `off (the jail restarted or reloaded ${formatRelative(note.at, now)})` };
  return { short: "", detail: "off, unless set outside BanBot (fail2ban cannot report it)" };
}

import type { SourceSettings } from "../ports/blocklist-sources.js";
import { UserError } from "../errors.js";
import type { Fail2ban } from "../ports/fail2ban.js";
import { isJailName } from "../fail2ban/validate.js";
import { checkDestination, checkUrl } from "./destination.js";
import type { Resolver } from "./resolver.js";
import { scheduleProblem } from "./schedule.js";

export const DEFAULT_SCHEDULE = "0 */6 * * *";
export const DEFAULT_MAX_ENTRIES = 100_000;
export const MAX_ENTRIES_LIMIT = 1_000_000;

const NAME = /^[a-z0-9][a-z0-9_.-]{0,39}$/i;

export interface SettingsCheck {
  fail2ban: Pick<Fail2ban, "status">;
  resolver: Resolver;
  allowPrivateHosts: readonly string[];
  now: number;
}

export function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new UserError("invalid_argument", `“${name.slice(0, 40)}” cannot be a blocklist name: up to 40 letters, digits, dots, dashes and underscores.`);
  }
}

/**
 * Validates what a source would be saved with; `changed` says which settings are new, so an edit
 * of the schedule does not re-resolve the URL. The URL's host must resolve to addresses a download
 * may reach *now*; the download agent checks again on every connection.
 */
export async function checkSettings(s: SourceSettings, changed: ReadonlySet<keyof SourceSettings>, check: SettingsCheck): Promise<void> {
  if (changed.has("url")) {
    const url = checkUrl(s.url);
    if (typeof url === "string") throw new UserError("invalid_argument", url);
    await checkDestination(url, check.resolver, check.allowPrivateHosts);
  }
  if (changed.has("jail")) {
    if (!isJailName(s.jail)) throw new UserError("invalid_argument", `“${s.jail.slice(0, 40)}” is not a valid jail name.`);
    if (!(await check.fail2ban.status()).jails.includes(s.jail)) throw new UserError("unknown_jail", `fail2ban has no jail named ${s.jail}.`);
  }
  if (changed.has("schedule")) {
    const problem = scheduleProblem(s.schedule, check.now);
    if (problem) throw new UserError("invalid_argument", problem);
  }
  if (changed.has("maxEntries") && (!Number.isSafeInteger(s.maxEntries) || s.maxEntries < 1 || s.maxEntries > MAX_ENTRIES_LIMIT)) {
    throw new UserError("invalid_argument", `The maximum number of entries must be from 1 to ${MAX_ENTRIES_LIMIT.toLocaleString("en")}.`);
  }
  if (changed.has("banMs") && s.banMs !== undefined && (!Number.isSafeInteger(s.banMs) || s.banMs <= 0)) {
    throw new UserError("invalid_argument", "The ban duration must be positive.");
  }
}

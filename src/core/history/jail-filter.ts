import type { HistoryQueries } from "../ports/history-queries.js";
import { UserError } from "../errors.js";
import type { Fail2ban } from "../ports/fail2ban.js";

export interface JailFilterDeps {
  fail2ban: Pick<Fail2ban, "status">;
  history: Pick<HistoryQueries, "count">;
}

/**
 * A jail filter of the archive commands must name a jail fail2ban runs or one the archive has events
 * of (a jail since removed): otherwise a word meant for another slot (`stats 7x`) would answer "no
 * bans in 7x" as if that were a fact. The dispatcher adds what the word was probably meant to be.
 */
export async function checkJailFilter(jail: string | undefined, { fail2ban, history }: JailFilterDeps): Promise<void> {
  if (jail === undefined) return;
  let running: readonly string[] | undefined;
  try {
    running = (await fail2ban.status()).jails;
  } catch {
    // fail2ban is down: the archive still answers, and what fail2ban runs cannot be told.
    running = undefined;
  }
  if (running?.includes(jail) || history.count({ jail }, 1) > 0 || running === undefined) return;
  throw new UserError("unknown_jail", `No jail named ${jail}: fail2ban runs none and the ban history has none.`);
}

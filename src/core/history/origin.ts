import type { CapturedEvent, Origin } from "./event.js";

// fail2ban's unban thread runs about once a second, and ban times are rounded to whole seconds.
const EXPIRY_SLACK_MS = 5_000;

/**
 * What an event's own data says about its cause, before BanBot's notes are consulted: a ban with
 * failures came from the filter, an unban at the end of the ban time is its expiry; anything else
 * was done by hand (or by BanBot, which its notes tell).
 */
export function defaultOrigin(event: CapturedEvent): Origin {
  if (event.kind === "ban") return (event.failures ?? 0) > 0 ? "fail2ban" : "external";
  const seconds = event.banSeconds;
  if (seconds === undefined || seconds < 0) return "external";
  return event.at >= (event.banTime + seconds) * 1000 - EXPIRY_SLACK_MS ? "fail2ban" : "external";
}

/** Only events nothing else explains can have been BanBot's own. */
export function mayBeBanBots(origin: Origin): boolean {
  return origin === "external";
}

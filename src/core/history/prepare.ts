import type { Logger } from "pino";
import { normalizeIp } from "../ip.js";
import type { CapturedEvent, GeoEnricher, GeoTags, HistoryEvent } from "./event.js";
import { matchesExcerpt } from "./excerpt.js";
import { defaultOrigin } from "./origin.js";

export interface PrepareDeps {
  host: string;
  enrich?: GeoEnricher;
  log: Logger;
}

/** Captured events as the archive keeps them: host, cause, a clean excerpt and, when known, geo tags. */
export function prepareEvents(events: readonly CapturedEvent[], deps: PrepareDeps): HistoryEvent[] {
  // One spelling per address, the one commands look up by; other ticket IDs stay as they are.
  const ips = events.map((e) => normalizeIp(e.ip) ?? e.ip);
  const geo = lookUp(ips.filter((_, i) => events[i]!.kind === "ban"), deps);
  // Sets only the fields present: a first backfill prepares 100,000 events, 1,000 at a time.
  return events.map((e, i) => {
    const ip = ips[i]!;
    const event: HistoryEvent = { host: deps.host, jail: e.jail, ip, kind: e.kind, at: e.at, banTime: e.banTime, origin: defaultOrigin(e) };
    if (e.banSeconds !== undefined) event.banSeconds = e.banSeconds;
    if (e.banCount !== undefined) event.banCount = e.banCount;
    if (e.failures !== undefined) event.failures = e.failures;
    const excerpt = matchesExcerpt(e.matches);
    if (excerpt !== undefined) event.matches = excerpt;
    const tags = geo.get(ip);
    if (tags?.countryCode) event.country = tags.countryCode;
    if (tags?.asn !== undefined) event.asn = tags.asn;
    if (tags?.org) event.asOrg = tags.org;
    return event;
  });
}

// Geo tags are a nicety: a failing lookup must never cost an event, so it only logs.
function lookUp(ips: readonly string[], { enrich, log }: PrepareDeps): ReadonlyMap<string, GeoTags> {
  if (!enrich || ips.length === 0) return new Map();
  const distinct = [...new Set(ips)];
  try {
    return enrich(distinct);
  } catch (err) {
    log.warn({ err, ips: distinct.length }, "geo lookup for ban history failed");
    return new Map();
  }
}

import { NetworkSet, parseEntry, rangeOf, type Network } from "./address.js";
import { specialRanges } from "../ip-ranges.js";

// What an import may never ban, whatever the list says. fail2ban's `banip` does not consult the
// jail's ignore list (verified on 1.0.2), so BanBot checks it here. A network is refused when it
// merely overlaps a protected range: banning 198.51.100.0/24 would also block an ignored
// 198.51.100.7, because the firewall action receives the whole network.

export type SkipReason = "ignored" | "protected" | "special" | "broad";

export interface FilterResult {
  keep: Network[];
  skipped: Record<SkipReason, number>;
}

/** Networks wider than these are refused: a poisoned or mistyped list must not ban a continent. */
export const WIDEST_PREFIX = { 4: 8, 6: 16 } as const;

export interface FilterRules {
  /** The jail's ignore list as fail2ban reports it; DNS names and other non-network entries are ignored. */
  ignoreList: readonly string[];
  /** `blocklists.protected` from the config. */
  protectedRanges: readonly string[];
}

/** Special ranges are never banned, except documentation ranges: they are nobody's infrastructure. */
function neverBanNetworks(): Network[] {
  return networks(specialRanges().filter((r) => r.category !== "documentation").map((r) => r.range));
}

export function filterEntries(entries: readonly Network[], rules: FilterRules): FilterResult {
  const ignored = new NetworkSet(networks(rules.ignoreList));
  const protectedSet = new NetworkSet(networks(rules.protectedRanges));
  const special = new NetworkSet(neverBanNetworks());
  const skipped: Record<SkipReason, number> = { ignored: 0, protected: 0, special: 0, broad: 0 };
  const keep: Network[] = [];
  for (const entry of entries) {
    const range = rangeOf(entry);
    const reason: SkipReason | undefined =
      entry.prefix < WIDEST_PREFIX[entry.version]
        ? "broad"
        : special.touches(range)
          ? "special"
          : protectedSet.touches(range)
            ? "protected"
            : ignored.touches(range)
              ? "ignored"
              : undefined;
    if (reason) skipped[reason]++;
    else keep.push(entry);
  }
  return { keep, skipped };
}

export function networks(texts: readonly string[]): Network[] {
  return texts.map((t) => parseEntry(t.trim())).filter((n): n is Network => n !== undefined);
}

export function skippedTotal(skipped: Record<SkipReason, number>): number {
  return skipped.ignored + skipped.protected + skipped.special + skipped.broad;
}

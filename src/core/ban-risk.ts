import { parseEntry, rangeOf, type Network, type Range } from "./blocklist/address.js";
import { networks, WIDEST_PREFIX } from "./blocklist/filter.js";
import { classifyAddress, specialRanges } from "./ip-ranges.js";
import { ipv4Value } from "./ip.js";

// A manual ban goes straight to the firewall: fail2ban's `banip` consults neither the ignore list
// nor its own addresses (verified on 1.0.2). These are the easy ways to lock yourself out, so the
// ban asks first. Documentation ranges are nobody's infrastructure, as for blocklists.

export interface BanRiskInputs {
  jail: string;
  /** The jail's ignore list as fail2ban reports it; DNS names and other non-network entries are ignored. */
  ignoreList: readonly string[];
  /** This machine's own addresses. */
  hostAddresses: readonly string[];
}

/** Why banning these targets needs a confirmation, one line per risky target; undefined when none is risky. */
export function banRisk(targets: readonly string[], inputs: BanRiskInputs): string | undefined {
  // Each candidate's range once, not once per target: 20,000 targets against a host's IPv6
  // addresses made the question cost more than the bans.
  const own = ranged(networks(inputs.hostAddresses));
  const ignored = ranged(networks(inputs.ignoreList));
  const special = specialRanges()
    .filter((r) => r.category !== "documentation")
    .flatMap((r) => ranged(networks([r.range])).map((c) => ({ ...c, label: r.label })));
  const sets = { own, ignored, special, jail: inputs.jail };
  // A single IPv4 address inside none of these has no risk (riskOf would find nothing): nearly every
  // one of a 20,000-address ban is dismissed by a few number comparisons, without parsing it again.
  const ipv4Ranges = [...own, ...ignored, ...special].flatMap(({ range }) => (range.version === 4 ? [range] : []));
  const lines: string[] = [];
  for (const target of targets) {
    const n = ipv4Value(target);
    if (n >= 0 && !ipv4Ranges.some((r) => r.start <= n && n <= r.end)) continue;
    const net = parseEntry(target);
    if (!net) continue;
    const why = riskOf(net, rangeOf(net), sets);
    if (why) lines.push(`${net.text}: ${why}`);
  }
  if (lines.length === 0) return undefined;
  return `This ban could lock out your own users or this machine:\n${lines.join("\n")}\nBan anyway?`;
}

interface Candidate {
  network: Network;
  range: Range;
}

const ranged = (list: readonly Network[]): Candidate[] => list.map((network) => ({ network, range: rangeOf(network) }));

const touches = (a: Range, b: Range): boolean => a.version === b.version && a.start <= b.end && b.start <= a.end;

function riskOf(
  net: Network,
  range: Range,
  sets: { own: Candidate[]; ignored: Candidate[]; special: (Candidate & { label: string })[]; jail: string },
): string | undefined {
  const single = net.prefix === (net.version === 4 ? 32 : 128);
  const hit = (candidates: readonly Candidate[]) => candidates.find((c) => touches(c.range, range))?.network;
  const own = hit(sets.own);
  if (own) return single ? "an address of this machine (BanBot's host)" : `includes ${own.text}, an address of this machine (BanBot's host)`;
  const ignored = hit(sets.ignored);
  if (ignored) return single && ignored.text === net.text ? `on ${sets.jail}'s ignore list` : `${sets.jail}'s ignore list has ${ignored.text}`;
  // An IPv4 address in none of the risky special ranges needs no closer look: classifyAddress would
  // find a documentation range or nothing.
  if (single && net.version === 4 && !sets.special.some((s) => touches(s.range, range))) return undefined;
  if (single) {
    // classifyAddress also sees through NAT64 and 6to4 to the IPv4 address they reach.
    const found = classifyAddress(net.address);
    return found?.kind === "special" && found.category !== "documentation" ? `${found.label} (${found.range})` : undefined;
  }
  if (net.prefix < WIDEST_PREFIX[net.version]) return `a network wider than /${WIDEST_PREFIX[net.version]}`;
  const special = sets.special.find((s) => touches(s.range, range));
  return special ? `overlaps ${special.label} (${special.network.text})` : undefined;
}

import { NetworkSet, parseEntry, rangeOf, type Network } from "./blocklist/address.js";
import { networks, WIDEST_PREFIX } from "./blocklist/filter.js";
import { classifyAddress, specialRanges } from "./ip-ranges.js";

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
  const own = networks(inputs.hostAddresses);
  const ignored = networks(inputs.ignoreList);
  const special = specialRanges()
    .filter((r) => r.category !== "documentation")
    .flatMap((r) => networks([r.range]).map((network) => ({ network, label: r.label })));
  const lines: string[] = [];
  for (const target of targets) {
    const net = parseEntry(target);
    if (!net) continue;
    const why = riskOf(net, { own, ignored, special, jail: inputs.jail });
    if (why) lines.push(`${net.text}: ${why}`);
  }
  if (lines.length === 0) return undefined;
  return `This ban could lock out your own users or this machine:\n${lines.join("\n")}\nBan anyway?`;
}

function riskOf(
  net: Network,
  sets: { own: Network[]; ignored: Network[]; special: { network: Network; label: string }[]; jail: string },
): string | undefined {
  const single = net.prefix === (net.version === 4 ? 32 : 128);
  const hit = (candidates: readonly Network[]) => candidates.find((c) => new NetworkSet([c]).touches(rangeOf(net)));
  const own = hit(sets.own);
  if (own) return single ? "an address of this machine (BanBot's host)" : `includes ${own.text}, an address of this machine (BanBot's host)`;
  const ignored = hit(sets.ignored);
  if (ignored) return single && ignored.text === net.text ? `on ${sets.jail}'s ignore list` : `${sets.jail}'s ignore list has ${ignored.text}`;
  if (single) {
    // classifyAddress also sees through NAT64 and 6to4 to the IPv4 address they reach.
    const found = classifyAddress(net.address);
    return found?.kind === "special" && found.category !== "documentation" ? `${found.label} (${found.range})` : undefined;
  }
  if (net.prefix < WIDEST_PREFIX[net.version]) return `a network wider than /${WIDEST_PREFIX[net.version]}`;
  const special = sets.special.find((s) => new NetworkSet([s.network]).touches(rangeOf(net)));
  return special ? `overlaps ${special.label} (${special.network.text})` : undefined;
}

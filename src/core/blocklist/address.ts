import { compressIp, ipv4Value, normalizeIp, unmapped } from "../ip.js";

// Blocklist entries are compared with what fail2ban reports back, so they are kept in the form
// fail2ban itself stores (checked against fail2ban 1.0.2): host bits of a network cleared
// (`1.2.3.4/24` → `1.2.3.0/24`), `/32` and `/128` written as the bare address, IPv6 compressed and
// lower-case, and IPv4-mapped IPv6 (`::ffff:1.2.3.4`) written as the IPv4 address.

export interface Network {
  /** Canonical text: `1.2.3.0/24`, or the bare address for a single host. */
  text: string;
  address: string;
  prefix: number;
  version: 4 | 6;
}

/** An address or CIDR network in canonical form; undefined when the text is neither. */
export function parseEntry(input: string): Network | undefined {
  const slash = input.indexOf("/");
  const addrText = slash < 0 ? input : input.slice(0, slash);
  const prefixText = slash < 0 ? undefined : input.slice(slash + 1);
  // The common case in large lists: a plain IPv4 address, already canonical.
  if (prefixText === undefined && ipv4Value(addrText) >= 0) return { text: addrText, address: addrText, prefix: 32, version: 4 };
  // Not normalizeIp: a mapped address keeps its IPv6 form until the prefix is known.
  let address = compressIp(addrText);
  if (address === undefined) return undefined;
  let version: 4 | 6 = address.includes(":") ? 6 : 4;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  let prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  const mapped = version === 6 ? unmapped(address) : undefined;
  if (mapped !== undefined) {
    if (prefix < 96) return undefined;
    address = mapped;
    version = 4;
    prefix -= 96;
  }
  return networkOf(address, prefix, version);
}

function networkOf(address: string, prefix: number, version: 4 | 6): Network {
  const bits = version === 4 ? 32 : 128;
  if (prefix === bits) return { text: address, address, prefix, version };
  const mask = ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  const base = fromBigInt(toBigInt(address, version) & mask, version);
  return { text: `${base}/${prefix}`, address: base, prefix, version };
}

function toBigInt(address: string, version: 4 | 6): bigint {
  if (version === 4) return address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  const [head = "", tail = ""] = address.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = groups(tail);
  const all = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return all.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function fromBigInt(value: bigint, version: 4 | 6): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - i * 16)) & 0xffffn).toString(16));
  return normalizeIp(groups.join(":"))!;
}

/** The first and last address of a network, as numbers: cheap to compare many times. */
export type Range = { version: 4; start: number; end: number } | { version: 6; start: bigint; end: bigint };

export function rangeOf(n: Network): Range {
  if (n.version === 4) {
    const start = ipv4Value(n.address);
    return { version: 4, start, end: start + 2 ** (32 - n.prefix) - 1 };
  }
  const start = toBigInt(n.address, 6);
  return { version: 6, start, end: start + (1n << BigInt(128 - n.prefix)) - 1n };
}

/**
 * A set of networks that answers "does this range touch any of them" (an address inside one, or a
 * network overlapping one) and "does one contain it". Plain ranges rather than node's BlockList:
 * a 50,000-entry list is checked against a few dozen networks, BlockList parses the address again
 * on every check, and it matches IPv4 against IPv6 rules through ::ffff:0:0/96.
 */
export class NetworkSet {
  private readonly ranges: Range[] = [];

  constructor(networks: Iterable<Network> = []) {
    for (const n of networks) this.ranges.push(rangeOf(n));
  }

  /** Whether the range starts inside one of the networks (fail2ban's rule for what an unban of a network lifts). */
  contains(r: Range): boolean {
    return this.ranges.some((n) => n.version === r.version && n.start <= r.start && r.start <= n.end);
  }

  touches(r: Range): boolean {
    return this.ranges.some((n) => n.version === r.version && n.start <= r.end && r.start <= n.end);
  }
}

import { isIP } from "node:net";
import { ipv4Number, normalizeIp } from "./ip.js";

// Special-purpose ranges from IANA's registries (RFC 6890 and updates):
// https://www.iana.org/assignments/iana-ipv4-special-registry
// https://www.iana.org/assignments/iana-ipv6-special-registry
// Geo databases answer for some of them anyway (the CC0 one places 203.0.113.0/24 in Australia), and
// a blocklist URL resolving into one is an SSRF risk, so geo and blocklists both ask here.

export type SpecialCategory =
  | "unspecified"
  | "loopback"
  | "private"
  | "cgnat"
  | "link-local"
  | "multicast"
  | "documentation"
  | "reserved";

export interface SpecialRange {
  /** The registry entry, e.g. "192.0.2.0/24". */
  range: string;
  category: SpecialCategory;
  /** For people: "documentation range", "private network"… */
  label: string;
}

export type AddressClass =
  | { kind: "public"; address: string; version: 4 | 6 }
  | ({ kind: "special"; address: string; version: 4 | 6 } & SpecialRange);

type Entry = readonly [range: string, category: SpecialCategory, label: string];

const PRIVATE = "private network";
const DOCUMENTATION = "documentation range";
const NOT_GLOBAL = "reserved (not global unicast)";

// First match wins, so a more specific range comes before one containing it.
const V4: readonly Entry[] = [
  ["0.0.0.0/32", "unspecified", "unspecified address"],
  ["0.0.0.0/8", "unspecified", "reserved (this network)"],
  ["10.0.0.0/8", "private", PRIVATE],
  ["100.64.0.0/10", "cgnat", "carrier-grade NAT (shared address space)"],
  ["127.0.0.0/8", "loopback", "loopback"],
  ["169.254.0.0/16", "link-local", "link-local"],
  ["172.16.0.0/12", "private", PRIVATE],
  ["192.0.0.0/24", "reserved", "reserved (IETF protocol assignments)"],
  ["192.0.2.0/24", "documentation", DOCUMENTATION],
  ["192.88.99.0/24", "reserved", "reserved (former 6to4 relay anycast)"],
  ["192.168.0.0/16", "private", PRIVATE],
  ["198.18.0.0/15", "reserved", "benchmarking range"],
  ["198.51.100.0/24", "documentation", DOCUMENTATION],
  ["203.0.113.0/24", "documentation", DOCUMENTATION],
  ["224.0.0.0/4", "multicast", "multicast"],
  ["255.255.255.255/32", "reserved", "broadcast"],
  ["240.0.0.0/4", "reserved", "reserved (future use)"],
];

const V6: readonly Entry[] = [
  ["::/128", "unspecified", "unspecified address"],
  ["::1/128", "loopback", "loopback"],
  ["::/96", "reserved", "reserved (IPv4-compatible, deprecated)"],
  ["64:ff9b:1::/48", "reserved", "NAT64 (local use)"],
  ["100::/64", "reserved", "discard-only range"],
  ["2001::/32", "reserved", "Teredo tunnel"],
  ["2001:2::/48", "reserved", "benchmarking range"],
  ["2001::/23", "reserved", "reserved (IETF protocol assignments)"],
  ["2001:db8::/32", "documentation", DOCUMENTATION],
  ["3fff::/20", "documentation", DOCUMENTATION],
  ["5f00::/16", "reserved", "segment routing (SRv6)"],
  ["fc00::/7", "private", "private network (unique local)"],
  ["fe80::/10", "link-local", "link-local"],
  ["fec0::/10", "private", "site-local (deprecated)"],
  ["ff00::/8", "multicast", "multicast"],
  // The rest outside 2000::/3 (global unicast) is unallocated or reserved.
  ["::/3", "reserved", NOT_GLOBAL],
  ["4000::/2", "reserved", NOT_GLOBAL],
  ["8000::/1", "reserved", NOT_GLOBAL],
];

interface Compiled extends SpecialRange {
  words: readonly number[];
  prefix: number;
}

// Compiled on first use, not on import: normalising the IPv6 ranges compiles node's IPv6 pattern,
// a cost every one-shot command paid whether it looked at an address or not.
let compiled: { V4_RANGES: Compiled[]; V6_RANGES: Compiled[]; NAT64: Compiled; SIX_TO_FOUR: Compiled } | undefined;
function ranges() {
  return (compiled ??= {
    V4_RANGES: V4.map(compile),
    V6_RANGES: V6.map(compile),
    // These carry an IPv4 address (NAT64 in the low 32 bits, 6to4 in bits 16–48) and reach that host.
    NAT64: compile(["64:ff9b::/96", "reserved", "NAT64"]),
    SIX_TO_FOUR: compile(["2002::/16", "reserved", "6to4"]),
  });
}

/**
 * Normalises an address (IPv6 compressed lower-case, IPv4-mapped IPv6 to IPv4) and says whether it is
 * a public unicast address or which special range holds it; undefined when the text is no address.
 * A NAT64 or 6to4 address is as special as the IPv4 address it embeds.
 */
export function classifyAddress(input: string): AddressClass | undefined {
  const { V4_RANGES, V6_RANGES } = ranges();
  // Most addresses are dotted quads already in canonical form (isIP refuses leading zeros).
  if (isIP(input) === 4) return match(input, 4, v4Words(input), V4_RANGES);
  // Zone IDs (fe80::1%eth0) pass isIP but not the URL parser behind normalizeIp; fail2ban never prints them.
  if (input.includes("%")) return undefined;
  const address = normalizeIp(input);
  if (address === undefined) return undefined;
  if (isIP(address) === 4) return match(address, 4, v4Words(address), V4_RANGES);
  const words = v6Words(address);
  const embedded = embeddedIpv4(words);
  if (embedded !== undefined) {
    const inner = match(embedded, 4, v4Words(embedded), V4_RANGES);
    if (inner.kind === "public") return { kind: "public", address, version: 6 };
    return { ...inner, address, version: 6, label: `${inner.label} (in an IPv6 address)` };
  }
  return match(address, 6, words, V6_RANGES);
}

/** Every special range, most specific first (e.g. to refuse networks that overlap one). */
export function specialRanges(): SpecialRange[] {
  const { V4_RANGES, V6_RANGES } = ranges();
  return [...V4_RANGES, ...V6_RANGES].map(({ range, category, label }) => ({ range, category, label }));
}

function match(address: string, version: 4 | 6, words: readonly number[], ranges: readonly Compiled[]): AddressClass {
  for (const r of ranges) {
    if (inside(words, r)) return { kind: "special", address, version, range: r.range, category: r.category, label: r.label };
  }
  return { kind: "public", address, version };
}

function inside(words: readonly number[], { words: base, prefix }: Compiled): boolean {
  let bits = prefix;
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((words[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** A valid dotted quad as two 16-bit words, so both families share one prefix test. */
function v4Words(address: string): number[] {
  const value = ipv4Number(address);
  return [Math.floor(value / 65536), value % 65536];
}

function embeddedIpv4(words: readonly number[]): string | undefined {
  const { NAT64, SIX_TO_FOUR } = ranges();
  if (inside(words, NAT64)) return v4Text(words[6] ?? 0, words[7] ?? 0);
  if (inside(words, SIX_TO_FOUR)) return v4Text(words[1] ?? 0, words[2] ?? 0);
  return undefined;
}

function v4Text(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** A normalised IPv6 address (hex groups, at most one `::`) as eight 16-bit words. */
function v6Words(address: string): number[] {
  const [head = "", tail] = address.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function compile([range, category, label]: Entry): Compiled {
  const [address = "", prefix = ""] = range.split("/");
  const words = address.includes(":") ? v6Words(normalizeIp(address) ?? address) : v4Words(address);
  return { range, category, label, words, prefix: Number(prefix) };
}

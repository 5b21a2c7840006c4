import { parseIp, type ParsedIp } from "./ip.js";

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

/** A range with its first address as a number (IPv4) or as eight 16-bit words (IPv6). */
interface Compiled<Base> extends SpecialRange {
  base: Base;
  prefix: number;
}
type V4Range = Compiled<number>;
type V6Range = Compiled<readonly number[]>;

// Compiled on first use, not on import: a one-shot command that never looks at an address skips it.
let compiled: { V4_RANGES: V4Range[]; V6_RANGES: V6Range[]; NAT64: V6Range; SIX_TO_FOUR: V6Range } | undefined;
function ranges() {
  return (compiled ??= {
    V4_RANGES: V4.map((entry) => compile(entry, (p) => (p.version === 4 ? p.value : undefined))),
    V6_RANGES: V6.map(compile6),
    // These carry an IPv4 address (NAT64 in the low 32 bits, 6to4 in bits 16–48) and reach that host.
    NAT64: compile6(["64:ff9b::/96", "reserved", "NAT64"]),
    SIX_TO_FOUR: compile6(["2002::/16", "reserved", "6to4"]),
  });
}

/**
 * Normalises an address (IPv6 compressed lower-case, IPv4-mapped IPv6 to IPv4) and says whether it is
 * a public unicast address or which special range holds it; undefined when the text is no address.
 * A NAT64 or 6to4 address is as special as the IPv4 address it embeds.
 */
export function classifyAddress(input: string): AddressClass | undefined {
  const parsed = parseIp(input);
  if (parsed === undefined) return undefined;
  const { V4_RANGES, V6_RANGES, NAT64, SIX_TO_FOUR } = ranges();
  const { address } = parsed;
  if (parsed.version === 4) return match(address, 4, v4Range(parsed.value, V4_RANGES));
  const { words } = parsed;
  const embedded = inside6(words, NAT64) ? words[6]! * 65536 + words[7]! : inside6(words, SIX_TO_FOUR) ? words[1]! * 65536 + words[2]! : -1;
  if (embedded < 0) return match(address, 6, V6_RANGES.find((r) => inside6(words, r)));
  const inner = v4Range(embedded, V4_RANGES);
  if (inner === undefined) return { kind: "public", address, version: 6 };
  return { kind: "special", address, version: 6, range: inner.range, category: inner.category, label: `${inner.label} (in an IPv6 address)` };
}

/** Every special range, most specific first (e.g. to refuse networks that overlap one). */
export function specialRanges(): SpecialRange[] {
  const { V4_RANGES, V6_RANGES } = ranges();
  return [...V4_RANGES, ...V6_RANGES].map(({ range, category, label }) => ({ range, category, label }));
}

function match(address: string, version: 4 | 6, r: SpecialRange | undefined): AddressClass {
  if (r === undefined) return { kind: "public", address, version };
  return { kind: "special", address, version, range: r.range, category: r.category, label: r.label };
}

function v4Range(value: number, ranges: readonly V4Range[]): V4Range | undefined {
  for (const r of ranges) {
    // Shifting by 32 is shifting by 0 in JavaScript: a /0 would need its own case, and there is none.
    if (value >>> (32 - r.prefix) === r.base >>> (32 - r.prefix)) return r;
  }
  return undefined;
}

function inside6(words: readonly number[], { base, prefix }: V6Range): boolean {
  let bits = prefix;
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((words[i]! & mask) !== (base[i]! & mask)) return false;
  }
  return true;
}

function compile<Base>([range, category, label]: Entry, baseOf: (parsed: ParsedIp) => Base | undefined): Compiled<Base> {
  const [address = "", prefix = ""] = range.split("/");
  const parsed = parseIp(address);
  const base = parsed && baseOf(parsed);
  if (base === undefined) throw new Error(`bad range in the table: ${range}`);
  return { range, category, label, base, prefix: Number(prefix) };
}

function compile6(entry: Entry): V6Range {
  return compile(entry, (p) => (p.version === 6 ? p.words : undefined));
}

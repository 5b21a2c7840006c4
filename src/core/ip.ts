import { BlockList, isIP } from "node:net";

// Addresses cross three boundaries (chat, fail2ban, SQLite); comparing them only works in one form.
// fail2ban prints IPv6 compressed and lower-case, which is also what the WHATWG URL parser yields.

/** An address as parsed once: its one form (normalizeIp's) and its bits, for range checks. */
export type ParsedIp = { version: 4; address: string; value: number } | { version: 6; address: string; words: readonly number[] };

/**
 * The one form: IPv4 dotted, IPv6 compressed lower-case, and an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, as dual-stack daemons log IPv4 clients) as the IPv4 address, which is what
 * fail2ban bans and lists for it (its IPAddr converts ::ffff:0:0/96).
 */
export function normalizeIp(input: string): string | undefined {
  return parseIp(input)?.address;
}

/** normalizeIp's form with the address's bits. By hand: every geo lookup, ban and fail2ban reply parses addresses. */
export function parseIp(input: string): ParsedIp | undefined {
  // Most addresses are dotted quads already in their one form.
  const value = ipv4Value(input);
  if (value >= 0) return { version: 4, address: input, value };
  const text = input.trim();
  if (text !== input) {
    const trimmed = ipv4Value(text);
    if (trimmed >= 0) return { version: 4, address: text, value: trimmed };
  }
  const words = ipv6Words(text);
  if (words === undefined) return undefined;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff) {
    const mapped = words[6]! * 65536 + words[7]!;
    return { version: 4, address: ipv4Text(mapped), value: mapped };
  }
  return { version: 6, address: formatIpv6(words), words };
}

/** Like normalizeIp, but an IPv4-mapped address stays IPv6: for parsers that apply a prefix after. */
export function compressIp(input: string): string | undefined {
  const text = input.trim();
  if (ipv4Value(text) >= 0) return text;
  const words = ipv6Words(text);
  return words === undefined ? undefined : formatIpv6(words);
}

/**
 * A dotted quad as node's isIP accepts it (four decimal parts of 0–255, no leading zeros) as a
 * number; -1 for anything else.
 */
export function ipv4Value(text: string): number {
  let value = 0;
  let parts = 0;
  let i = 0;
  while (true) {
    const start = i;
    let octet = 0;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      octet = octet * 10 + c;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
    parts++;
    if (parts === 4) return i === text.length ? value : -1;
    if (text.charCodeAt(i) !== 46) return -1;
    i++;
  }
}

function ipv4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/**
 * IPv6 text as eight 16-bit words, by node's isIP rules (groups of 1–4 hex digits, at most one `::`
 * standing for at least one group, a dotted quad allowed as the last two); undefined for anything
 * else, a zone ID (`fe80::1%eth0`) included: it is only meaningful on one host and fail2ban never
 * bans one.
 */
export function ipv6Words(text: string): number[] | undefined {
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let compressed = false;
  let i = 0;
  const n = text.length;
  if (n < 2) return undefined;
  if (text.charCodeAt(0) === 58) {
    // Only `::` may start an address.
    if (text.charCodeAt(1) !== 58) return undefined;
    compressed = true;
    groups = tail;
    i = 2;
    if (i === n) return [0, 0, 0, 0, 0, 0, 0, 0];
  }
  while (true) {
    const start = i;
    let word = 0;
    for (; i < n && i - start < 5; i++) {
      const c = text.charCodeAt(i);
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (digit < 0) break;
      word = word * 16 + digit;
    }
    const digits = i - start;
    if (i < n && text.charCodeAt(i) === 46) {
      // A dotted quad ends the address and stands for its last two groups.
      const quad = ipv4Value(text.slice(start));
      if (quad < 0) return undefined;
      groups.push(quad >>> 16, quad & 0xffff);
      break;
    }
    if (digits === 0 || digits > 4) return undefined;
    groups.push(word);
    if (i === n) break;
    if (text.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i < n && text.charCodeAt(i) === 58) {
      if (compressed) return undefined;
      compressed = true;
      groups = tail;
      i++;
      if (i === n) break;
    } else if (i === n) return undefined;
  }
  const given = head.length + tail.length;
  if (compressed ? given > 7 : given !== 8) return undefined;
  const words = head;
  for (let k = given; k < 8; k++) words.push(0);
  for (let k = 0; k < tail.length; k++) words[8 - tail.length + k] = tail[k]!;
  return words;
}

/** Eight words as RFC 5952 text: lower-case, no leading zeros, the first longest run of two or more zero groups as `::`. */
export function formatIpv6(words: readonly number[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j;
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += i === 0 ? "::" : ":";
      i += bestLength - 1;
      continue;
    }
    out += words[i]!.toString(16);
    if (i < 7) out += ":";
  }
  return out;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:7f00:1` → `127.0.0.1`), by parseIp's own rule. */
export function unmapped(ipv6: string): string | undefined {
  if (!ipv6.includes(":")) return undefined;
  const parsed = parseIp(ipv6);
  return parsed?.version === 4 ? parsed.address : undefined;
}

export interface Cidr {
  address: string;
  prefix: number;
  version: 4 | 6;
}

/** An address or network as `addr` or `addr/prefix`; undefined when it is neither. */
export function parseIpOrCidr(input: string): Cidr | undefined {
  const [addr = "", prefixText, extra] = input.trim().split("/");
  if (extra !== undefined) return undefined;
  const parsed = parseIp(addr);
  if (!parsed) return undefined;
  const { address, version } = parsed;
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, version };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { address, prefix, version } : undefined;
}

export function formatCidr(c: Cidr): string {
  return c.prefix === (c.version === 4 ? 32 : 128) ? c.address : `${c.address}/${c.prefix}`;
}

/** Whether `ip` equals an address entry or falls inside a network entry; other entries (DNS names, files) never match. */
export function matchesEntry(ip: string, entry: string): boolean {
  const net = parseIpOrCidr(entry);
  const addr = normalizeIp(ip);
  if (!net || !addr) return false;
  const list = new BlockList();
  const type = net.version === 4 ? "ipv4" : "ipv6";
  list.addSubnet(net.address, net.prefix, type);
  return list.check(addr, isIP(addr) === 4 ? "ipv4" : "ipv6");
}

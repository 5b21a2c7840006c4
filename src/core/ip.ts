import { BlockList, isIP } from "node:net";

// Addresses cross three boundaries (chat, fail2ban, SQLite); comparing them only works in one form.
// fail2ban prints IPv6 compressed and lower-case, which is also what the WHATWG URL parser yields.

/**
 * The one form: IPv4 dotted, IPv6 compressed lower-case, and an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, as dual-stack daemons log IPv4 clients) as the IPv4 address, which is what
 * fail2ban bans and lists for it (its IPAddr converts ::ffff:0:0/96).
 */
export function normalizeIp(input: string): string | undefined {
  const address = compressIp(input);
  return address === undefined ? undefined : (unmapped(address) ?? address);
}

/** Like normalizeIp, but an IPv4-mapped address stays IPv6: for parsers that apply a prefix after. */
export function compressIp(input: string): string | undefined {
  const text = input.trim();
  const version = isIP(text);
  if (version === 4) return text;
  // A zone ID (fe80::1%eth0) is only meaningful on one host; fail2ban never bans one.
  if (version !== 6 || text.includes("%")) return undefined;
  const host = new URL(`http://[${text}]/`).hostname;
  return host.slice(1, -1);
}

/**
 * A valid dotted quad as a number. By hand rather than split and map: a ban of 20,000 addresses and
 * every geo lookup work out one each.
 */
export function ipv4Number(address: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + c - 48;
  }
  return value * 256 + octet;
}

const MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/** The IPv4 address inside a compressed IPv4-mapped IPv6 address (`::ffff:7f00:1` → `127.0.0.1`). */
export function unmapped(ipv6: string): string | undefined {
  const m = MAPPED.exec(ipv6);
  if (!m) return undefined;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
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
  const address = normalizeIp(addr);
  if (!address) return undefined;
  const version = isIP(address) as 4 | 6;
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

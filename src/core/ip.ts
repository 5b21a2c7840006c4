import { BlockList, isIP } from "node:net";

// Addresses cross three boundaries (chat, fail2ban, SQLite); comparing them only works in one form.
// fail2ban prints IPv6 compressed and lower-case, which is also what the WHATWG URL parser yields.

export function normalizeIp(input: string): string | undefined {
  const text = input.trim();
  const version = isIP(text);
  if (version === 4) return text;
  // A zone ID (fe80::1%eth0) is only meaningful on one host; fail2ban never bans one.
  if (version !== 6 || text.includes("%")) return undefined;
  const host = new URL(`http://[${text}]/`).hostname;
  return host.slice(1, -1);
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

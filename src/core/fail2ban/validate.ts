import { UserError } from "../errors.js";
import { formatCidr, normalizeIp, parseIpOrCidr } from "../ip.js";

// fail2ban validates almost nothing it is sent (`banip not-an-ip` bans that string), and jail names
// also end up in fail2ban-client's argv, so everything is checked here before it is sent.

const JAIL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,99}$/;

export function isJailName(name: string): boolean {
  return JAIL_NAME.test(name);
}

export function assertJail(name: string): void {
  if (!isJailName(name)) {
    throw new UserError("invalid_argument", `"${name.slice(0, 40)}" is not a valid jail name.`);
  }
}

export function assertAddresses(ips: readonly string[]): string[] {
  return ips.map(assertAddress);
}

function assertAddress(ip: string): string {
  const normal = normalizeIp(ip);
  if (!normal) throw new UserError("invalid_argument", `"${ip.slice(0, 60)}" is not an IP address.`);
  return normal;
}

/**
 * Ban and unban targets: addresses, or CIDR networks (fail2ban bans a network as one entry and its
 * firewall actions receive it as such; an unban of a network lifts every ban inside it; seen on 1.0.2).
 */
export function assertBanTargets(targets: readonly string[]): string[] {
  return targets.map((t) => (t.includes("/") ? assertIgnoreEntry(t) : assertAddress(t)));
}

export function assertIgnoreEntries(entries: readonly string[]): string[] {
  return entries.map(assertIgnoreEntry);
}

function assertIgnoreEntry(entry: string): string {
  const cidr = parseIpOrCidr(entry);
  if (!cidr) throw new UserError("invalid_argument", `"${entry.slice(0, 60)}" is not an IP address or CIDR network.`);
  return formatCidr(cidr);
}

import { isIP } from "node:net";
import { UserError } from "../errors.js";
import { classifyAddress } from "../ip-ranges.js";
import { normalizeIp } from "../ip.js";
import type { Resolver } from "./resolver.js";

// Where a blocklist may be downloaded from. Checked when a source is saved (a clear error for the
// admin), and again by the download agent for every address each connection resolves to and for
// every redirect: the save-time answer proves nothing about the next lookup.

const MAX_URL_LENGTH = 2048;

/** A download refused or failed for a reason worth showing as is (in the run report and in chat). */
export class DownloadError extends Error {
  override readonly name = "DownloadError";
}

/** The URL if it is one BanBot may fetch; otherwise a sentence saying why not. */
export function checkUrl(text: string): URL | string {
  if (text.length > MAX_URL_LENGTH) return `The URL is longer than ${MAX_URL_LENGTH} characters.`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `“${text.slice(0, 60)}” is not a URL; give the full address, like https://www.spamhaus.org/drop/drop.txt.`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `Only http and https lists can be fetched, not ${url.protocol.slice(0, -1)}.`;
  if (url.username !== "" || url.password !== "") return "The URL must not carry credentials (user:password@): they would be stored and shown in plain text.";
  if (url.hostname === "") return "The URL has no host.";
  return url;
}

/** `hostname` as the URL parser gives it, without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** Why `address` (what `host` resolved to) may not be connected to; undefined when it may. */
export function refusal(host: string, address: string, allowPrivateHosts: readonly string[]): string | undefined {
  const found = classifyAddress(address);
  if (found?.kind === "public") return undefined;
  if (allowed(host, address, allowPrivateHosts)) return undefined;
  const what = found === undefined ? "not a usable address" : `${found.label} (${found.range})`;
  const via = host === address ? `${address} is ${what}` : `${host} resolves to ${address}: ${what}`;
  return `${via}; blocklists are not fetched from private or special networks (allow an internal mirror with blocklists.allow_private_hosts).`;
}

function allowed(host: string, address: string, allowPrivateHosts: readonly string[]): boolean {
  const names = new Set([host.toLowerCase(), canonical(host), canonical(address)]);
  return allowPrivateHosts.some((entry) => names.has(canonical(entry)));
}

function canonical(hostOrIp: string): string {
  return normalizeIp(hostOrIp) ?? hostOrIp.toLowerCase();
}

/** Save-time check: the URL's host must resolve, and only to addresses downloads may reach. */
export async function checkDestination(url: URL, resolver: Resolver, allowPrivateHosts: readonly string[]): Promise<void> {
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await resolver.resolve(host);
  } catch (err) {
    throw new UserError("invalid_argument", `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? "lookup failed"}); check the URL.`, { cause: err });
  }
  if (addresses.length === 0) throw new UserError("invalid_argument", `${host} does not resolve; check the URL.`);
  for (const address of addresses) {
    const why = refusal(host, address, allowPrivateHosts);
    if (why) throw new UserError("invalid_argument", why);
  }
}

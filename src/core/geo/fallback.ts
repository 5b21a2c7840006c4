import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { z } from "zod";
import { countryName } from "./country.js";
import type { GeoInfo } from "./model.js";

export type FallbackAnswer =
  | { kind: "found"; info: GeoInfo }
  | { kind: "not-found" }
  /** The service is down, slow, refusing or rate-limiting: worth stopping the batch for. */
  | { kind: "failed"; reason: string };

/** An online service asked, by the retry job only, about addresses no local database knows. */
export interface GeoFallback {
  /** The service's host, e.g. "ipinfo.io". */
  readonly name: string;
  lookup(ip: string): Promise<FallbackAnswer>;
}

export interface FallbackSettings {
  enabled: boolean;
  /** https URL with `{ip}` where the address goes. */
  urlTemplate: string;
  timeoutMs: number;
}

/**
 * The fallback when enabled, after warning that addresses will leave the machine; undefined when
 * off. `dispatcher` is for tests (a local HTTPS server's certificate).
 */
export function createGeoFallback(settings: FallbackSettings, log: Logger, dispatcher?: Dispatcher): GeoFallback | undefined {
  if (!settings.enabled) return undefined;
  const fallback = new HttpsGeoFallback({ ...settings, dispatcher });
  log.warn(
    { service: fallback.name },
    "geo fallback enabled: addresses no local database knows are sent to an online service (over HTTPS)",
  );
  return fallback;
}

export class HttpsGeoFallback implements GeoFallback {
  readonly name: string;
  private readonly source: string;

  constructor(private readonly opts: { urlTemplate: string; timeoutMs: number; dispatcher?: Dispatcher | undefined }) {
    // Config validation already insists on https; checked again because an address is personal data.
    const url = new URL(opts.urlTemplate.replaceAll("{ip}", "192.0.2.1"));
    if (url.protocol !== "https:") throw new Error(`geo fallback URL must use https, got ${url.protocol}`);
    this.name = url.host;
    this.source = `${url.host} (online)`;
  }

  async lookup(ip: string): Promise<FallbackAnswer> {
    const url = this.opts.urlTemplate.replaceAll("{ip}", encodeURIComponent(ip));
    try {
      // undici takes a while to load; only the retry job, with the fallback enabled, needs it.
      const { fetch } = await import("undici");
      const res = await fetch(url, {
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        // A redirect could downgrade to plain http: refuse them all.
        redirect: "error",
        headers: { accept: "application/json", "user-agent": "BanBot" },
        dispatcher: this.opts.dispatcher,
      });
      if (res.status === 404) {
        await res.body?.cancel();
        return { kind: "not-found" };
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { kind: "failed", reason: `HTTP ${res.status}` };
      }
      const info = parseFallbackAnswer(await res.json(), this.source);
      return info ? { kind: "found", info } : { kind: "not-found" };
    } catch (err) {
      return { kind: "failed", reason: err instanceof Error ? err.message : String(err) };
    }
  }
}

// The free JSON services disagree on field names; this takes the usual ones (ipinfo.io, ipapi.co,
// ipwho.is, ip-api.com) and ignores the rest. Services put null where they know nothing.
const text = z.string().nullish();
const Answer = z.object({
  country_code: text,
  countryCode: text,
  country: text,
  country_name: text,
  city: text,
  asn: z.union([z.number(), z.string()]).nullish(),
  as: text,
  org: text,
  isp: text,
  connection: z.object({ asn: z.number().nullish(), org: text }).nullish(),
  // Ways to say "no answer": ipinfo's bogon, ipwho.is' success, ip-api's status, ipapi.co's error.
  bogon: z.boolean().nullish(),
  success: z.boolean().nullish(),
  status: text,
  error: z.unknown().optional(),
});

const AS_PREFIX = /^AS(\d+)\b\s*(.*)$/i;

/** A service's JSON as GeoInfo; undefined when it does not place the address. */
export function parseFallbackAnswer(body: unknown, source: string): GeoInfo | undefined {
  const parsed = Answer.safeParse(body);
  if (!parsed.success) return undefined;
  const a = parsed.data;
  if (a.bogon === true || a.success === false || a.status === "fail" || (a.error !== undefined && a.error !== false)) return undefined;
  const info: GeoInfo = { source };
  const shortCountry = a.country && /^[A-Za-z]{2}$/.test(a.country) ? a.country : undefined;
  const code = (a.country_code ?? a.countryCode ?? shortCountry)?.toUpperCase();
  if (code && /^[A-Z]{2}$/.test(code)) {
    info.countryCode = code;
    const name = a.country_name ?? (a.country && a.country !== shortCountry ? a.country : undefined) ?? countryName(code);
    if (name) info.countryName = name;
  }
  if (a.city) info.city = a.city;
  // "AS15169 Google LLC" (ipinfo's org, ip-api's as) carries both the number and the name.
  const labelled = AS_PREFIX.exec(a.as ?? a.org ?? "");
  const asn = typeof a.asn === "number" ? a.asn : (a.connection?.asn ?? numberOf(a.asn) ?? numberOf(labelled?.[1]));
  // AS 0 is "no AS" (RFC 7607): unknown, not a number to show.
  if (asn !== undefined && asn !== 0) info.asn = asn;
  const org = a.connection?.org ?? (labelled ? labelled[2] : a.org) ?? a.isp;
  if (org) info.org = org;
  return info.countryCode !== undefined || info.asn !== undefined ? info : undefined;
}

function numberOf(value: string | null | undefined): number | undefined {
  const m = /^(?:AS)?(\d+)$/i.exec(value ?? "");
  return m ? Number(m[1]) : undefined;
}

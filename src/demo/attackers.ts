import { readFileSync } from "node:fs";
import { AsnTable } from "../core/geo/asn-table.js";
import { embeddedAsnDatabase, embeddedCountryDatabase } from "../core/geo/embedded.js";
import type { GeoReader } from "../core/geo/model.js";
import { MmdbReader } from "../core/geo/mmdb-reader.js";
import { classifyAddress } from "../core/ip-ranges.js";

// The demo's attackers are drawn from public address space that the built-in country database
// places in a country and the built-in ASN table in an AS, so `ip`, `banned`, `top countries`,
// `top asns` and the charts show what BanBot does with real traffic. They are random picks, not
// known attackers: the banner says the traffic is synthetic, and the sandbox's ban action touches no
// firewall.

// No country gets more than this share of the addresses handed out at once, so several show up
// (a uniform draw alone gives the United States about a third).
const MAX_SHARE = 0.2;
// Random draws per address wanted before giving up: most of IPv4 is allocated, so a few suffice.
const DRAWS_PER_ADDRESS = 50;

export class SyntheticAttackers {
  private readonly used = new Set<string>();

  constructor(
    private readonly countries: GeoReader,
    private readonly random: () => number = Math.random,
    /** Where AS numbers come from: only addresses it names an AS for are handed out. */
    private readonly networks?: GeoReader,
  ) {}

  /** `count` public IPv4 addresses never handed out before, in several countries (fewer if the database knows too few). */
  take(count: number): string[] {
    const perCountry = new Map<string, number>();
    const cap = Math.max(1, Math.ceil(count * MAX_SHARE));
    const picked: string[] = [];
    for (let draws = 0; picked.length < count && draws < count * DRAWS_PER_ADDRESS; draws++) {
      const value = Math.floor(this.random() * 2 ** 32);
      const ip = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
      if (this.used.has(ip) || classifyAddress(ip)?.kind !== "public") continue;
      const country = this.countries.get(ip)?.countryCode;
      if (country === undefined || (perCountry.get(country) ?? 0) >= cap) continue;
      if (this.networks && this.networks.get(ip)?.asn === undefined) continue;
      perCountry.set(country, (perCountry.get(country) ?? 0) + 1);
      this.used.add(ip);
      picked.push(ip);
    }
    return picked;
  }
}

/**
 * Attackers drawn from the country database BanBot ships, each in an AS its ASN table names, so
 * `top asns` and `ip` show real AS numbers for them (the demo turns that table on for its geo).
 */
export function builtInAttackers(): SyntheticAttackers {
  const { path, label, note } = embeddedCountryDatabase();
  return new SyntheticAttackers(new MmdbReader(readFileSync(path), { label, note }), Math.random, new AsnTable(embeddedAsnDatabase()));
}

import { describe, expect, it, vi } from "vitest";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";

const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 8_000, interval: 25 });

// `geo.builtin_asn` through the real composition: the config file turns the table on, the capture
// archives each ban with the AS the table names, and `ip` and `top asns` show it.
describe("the built-in ASN table, turned on in the config file", () => {
  const bot = useBanBot({ yaml: "geo:\n  builtin_asn: true\n", capture: true });
  const connect = useClients();

  it("ip names the network and its source; top asns ranks bans by AS", async () => {
    const report = await bot.run("ip 8.8.8.8");
    const field = (label: string) => report.fields?.find((f) => f.label === label)?.value;
    expect(field("Network")).toBe("AS15169 Google LLC");
    expect(field("Geo source")).toMatch(/^geo-whois-asn-country \d{4}-\d\d-\d\d \(built-in\) \+ ip-location-db asn \d{4}-\d\d-\d\d \(built-in\)$/);

    // Banned behind BanBot's back, as fail2ban's filters do: the capture tags each ban with its AS.
    await connect(bot.sandbox.socketPath).fail2ban.ban("alpha", ["8.8.8.8", "8.8.4.4", "1.1.1.1"]);
    await eventually(() => expect(bot.core.services.history.events({ jail: "alpha" }, { limit: 10 })).toHaveLength(3));
    const top = await bot.run("top asns");
    expect(top.table?.rows.map((r) => [r[1], r[2]])).toEqual([
      ["AS15169 Google LLC", 2],
      ["AS13335 Cloudflare, Inc.", 1],
    ]);
    expect(top.notes).toBeUndefined();
  });
});

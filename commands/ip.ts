import { defineCommand } from "../src/core/command/model.js";
import { countryLabel } from "../src/core/geo/country.js";
import type { GeoResult } from "../src/core/geo/model.js";
import { banEndLabel } from "../src/core/ban-end.js";
import { asLabel } from "../src/core/history/describe.js";
import { historySection } from "../src/core/history/ip-section.js";
import { matchesEntry } from "../src/core/ip.js";
import { liveJobRunner } from "../src/core/job-runner.js";
import type { Field } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatTime } from "../src/core/time-format.js";

function geoFields(result: GeoResult): Field[] {
  if (result.kind === "special") return [{ label: "Location", value: `${result.label} (${result.range}), not looked up` }];
  if (result.kind !== "found") return [{ label: "Location", value: "unknown to the geo databases" }];
  const { info } = result;
  return [
    { label: "Location", value: [countryLabel(info), info.city].filter(Boolean).join(", ") },
    // Said plainly, not left out: an admin reading no Network line cannot tell "none" from "unknown".
    { label: "Network", value: info.asn !== undefined ? asLabel(info.asn, info.org) : "unknown: no geo database names its AS (docs/geo.md)" },
    { label: "Geo source", value: info.source },
  ];
}

export const ip = defineCommand({
  path: ["ip"],
  summary: "What is known about an address: where it is, jails banning it, ignore lists, blocklists, ban history",
  examples: ["ip 203.0.113.5"],
  options: [{ name: "ip", kind: "ip", required: true, description: "the address", autocomplete: "banned-ips" }],
  role: "viewer",
  effect: "read",
  async run({ ip: addr }, { fail2ban, geo, timedBans, history, blocklists, jobs, clock }: Ctx<"fail2ban" | "geo" | "timedBans" | "history" | "blocklists" | "jobs" | "clock">) {
    const [banning = []] = await fail2ban.jailsBanning([addr]);
    const ignoredBy: string[] = [];
    for (const jail of (await fail2ban.status()).jails) {
      const hits = (await fail2ban.ignoreList(jail)).filter((entry) => matchesEntry(addr, entry));
      if (hits.length > 0) ignoredBy.push(`${jail} (${hits.join(", ")})`);
    }
    const now = clock.now();
    const timed = timedBans.forIp(addr);
    const fields: Field[] = [
      ...geoFields(geo.lookup(addr)),
      { label: "Banned in", value: banning.length ? banning.join(", ") : "no jail" },
      { label: "Ignored by", value: ignoredBy.length ? ignoredBy.join("\n") : "no jail" },
    ];
    if (timed.length > 0) {
      const jobsRun = liveJobRunner(jobs, now) !== undefined;
      // fail2ban's end is where BanBot's last ban of it put it (f2bUntil). A record without one is of
      // a jail that bans forever, or older than BanBot keeping it: the jail's bantime tells which.
      const ends: string[] = [];
      for (const t of timed) {
        const permanent = !jobsRun && t.f2bUntil === undefined && (await fail2ban.jailLimits(t.jail).then((l) => l.bantime < 0, () => false));
        const label = banEndLabel({ end: t.f2bUntil, permanent, timedUntil: t.until, jobsRun, now });
        const over = (jobsRun ? t.until : (t.f2bUntil ?? Infinity)) <= now;
        ends.push(`${t.jail}: ${over ? "ended" : "ends"} ${label}${jobsRun ? ` (${formatTime(t.until)})` : ""}`);
      }
      fields.push({ label: "Timed bans", value: ends.join("\n") });
    }
    const listed = blocklists.listing(addr);
    if (listed.length > 0) fields.push({ label: "Blocklists", value: listed.map((l) => `${l.source} (${l.jail})`).join("\n") });
    fields.push(...historySection(history, addr, now));
    return {
      title: `Address ${addr}`,
      tone: banning.length ? "warn" : "info",
      fields,
      actions: banning.length ? [{ label: banning.length > 1 ? "Unban everywhere" : "Unban", command: `unban ${addr}` }] : undefined,
    };
  },
});

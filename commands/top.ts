import { defineCommand } from "../src/core/command/model.js";
import type { Invocation } from "../src/core/command/model.js";
import { rankedBarsChart } from "../src/core/charts/ranked-bars.js";
import { asLabel, countryLabel, plural } from "../src/core/history/describe.js";
import { checkJailFilter, type JailFilterDeps } from "../src/core/history/jail-filter.js";
import { classifyAddress } from "../src/core/ip-ranges.js";
import type { Action, Reply } from "../src/core/reply.js";
import type { Clock } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";
import type { BanFilter, HistoryQueries, TopKey, TopRow } from "../src/core/ports/history-queries.js";

const LIMIT = 10;
const DEFAULT_SINCE = 30 * 86_400_000;
const KEYS = { ips: "ip", countries: "country", jails: "jail", asns: "asn" } as const satisfies Record<string, TopKey>;

// Addresses without a country looked at to label special ranges; past this, the rest stays "unknown".
const UNPLACED_CAP = 10_000;

/** A ranked row; `label` names what has no key (a special range). */
type Ranked = TopRow & { label?: string };

type TopCtx = { history: Pick<HistoryQueries, "top" | "bans" | "asOrg" | "count" | "unplaced">; fail2ban: JailFilterDeps["fail2ban"]; clock: Clock } & Invocation;

export const top = defineCommand({
  path: ["top"],
  summary: "The most banned addresses, countries, jails or networks, as a table and a chart",
  examples: ["top countries", "top ips 7d", "top asns 90d sshd", "top jails 24h"],
  options: [
    { name: "what", kind: "enum", values: ["ips", "countries", "jails", "asns"], required: true, description: "what to rank" },
    { name: "since", kind: "duration", description: "this far back; default 30d" },
    { name: "jail", kind: "jail", description: "only this jail", autocomplete: "jails" },
  ],
  role: "viewer",
  effect: "read",
  async run({ what, since = DEFAULT_SINCE, jail }, { history, fail2ban, clock }: TopCtx): Promise<Reply> {
    await checkJailFilter(jail, { fail2ban, history });
    const filter: BanFilter = { since: clock.now() - since, jail };
    const window = `last ${formatDuration(since)}${jail ? ` in ${jail}` : ""}`;
    const total = history.bans(filter);
    if (total === 0) return { title: `No bans in the ${window}`, tone: "info" };
    const rows: Ranked[] = what === "countries" ? countryRows(history, filter) : history.top(KEYS[what], filter, LIMIT);
    const label = labeller(what, history);
    const labels = rows.map(label);
    const share = (r: TopRow) => `${((100 * r.bans) / total).toFixed(1)}%`;
    const subtitle = `${window} · ${plural(total, "ban")}`;
    return {
      title: `Top ${what}, ${window}`,
      tone: "info",
      table: {
        columns: what === "ips" ? ["#", "address", "country", "bans", "last banned"] : ["#", singular(what), "bans", "share", "last banned"],
        rows: rows.map((r, i) =>
          what === "ips"
            ? [i + 1, r.key ?? "", r.country ? countryLabel(r.country) : rangeLabel(r.key), r.bans, formatTime(r.lastAt)]
            : [i + 1, labels[i]!, r.bans, share(r), formatTime(r.lastAt)],
        ),
        align: ["right", "left", what === "ips" ? "left" : "right", "right", "left"],
        rowActions: rows.map((r) => rowAction(what, r)),
        // Buttons are named after the address, jail or country, not the rank.
        subjectColumn: 1,
      },
      images: [
        rankedBarsChart({
          title: `Top ${what} by bans`,
          subtitle,
          rows: rows.map((r, i) => ({ label: labels[i]!, value: r.bans })),
          name: `top-${what}.png`,
          valueLabel: "bans",
          alt: `Bar chart of the ${rows.length} ${what} with the most bans, ${window}: ${rows.map((r, i) => `${labels[i]} ${r.bans}`).join(", ")}`,
        }),
      ],
      ...(what === "asns" ? unknownNetworksNote(rows, total) : {}),
    };
  },
});

/** Says plainly how many bans no database named an AS for, and where AS numbers come from. */
function unknownNetworksNote(rows: readonly Ranked[], total: number): Pick<Reply, "notes"> {
  const unknown = rows.find((r) => r.key === undefined);
  if (!unknown) return {};
  const of = unknown.bans < total ? `${unknown.bans} of ${plural(total, "ban")}` : total === 1 ? "the ban" : `all ${plural(total, "ban")}`;
  return {
    notes: [
      `unknown: no geo database named an AS for the addresses of ${of} when they were banned. AS numbers come from a GeoLite2-ASN file or the built-in ASN table (geo.builtin_asn; docs/geo.md).`,
    ],
  };
}

/**
 * Countries, with the bans of no country split the way `ip` labels them ("private network",
 * "documentation range"): geo never looks special ranges up, so the archive has no country for them.
 */
function countryRows(history: Pick<HistoryQueries, "top" | "unplaced">, filter: BanFilter): Ranked[] {
  // One more than shown: if the row of no country is among them, LIMIT known ones are still there.
  const rows: Ranked[] = history.top("country", filter, LIMIT + 1);
  const unknown = rows.find((r) => r.key === undefined);
  if (!unknown) return rows.slice(0, LIMIT);
  const ranges = new Map<string, Ranked>();
  const unplaced = history.unplaced(filter, UNPLACED_CAP);
  let left = unknown.bans;
  // The latest ban of what stays unknown, when every unplaced address was looked at.
  let leftLast = unplaced.length < UNPLACED_CAP ? 0 : unknown.lastAt;
  for (const { ip, bans, lastAt } of unplaced) {
    const found = classifyAddress(ip);
    if (found?.kind !== "special") {
      leftLast = Math.max(leftLast, lastAt);
      continue;
    }
    const row = ranges.get(found.label) ?? { key: undefined, label: found.label, bans: 0, lastAt: 0 };
    row.bans += bans;
    row.lastAt = Math.max(row.lastAt, lastAt);
    ranges.set(found.label, row);
    left -= bans;
  }
  const placed = [...rows.filter((r) => r !== unknown), ...ranges.values(), ...(left > 0 ? [{ ...unknown, bans: left, lastAt: leftLast || unknown.lastAt }] : [])];
  // Ties as the store ranks them: by name, unknown last.
  const unknownLast = (r: Ranked) => Number(r.key === undefined && r.label === undefined);
  const name = (r: Ranked) => r.label ?? r.key ?? "";
  placed.sort((a, b) => b.bans - a.bans || unknownLast(a) - unknownLast(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  return placed.slice(0, LIMIT);
}

/** What `ip` calls an address of no country: its special range, or unknown. */
function rangeLabel(ip: string | undefined): string {
  const found = ip === undefined ? undefined : classifyAddress(ip);
  return found?.kind === "special" ? found.label : "unknown";
}

function labeller(what: keyof typeof KEYS, history: Pick<HistoryQueries, "asOrg">): (r: Ranked) => string {
  if (what === "countries") return (r) => r.label ?? countryLabel(r.key);
  if (what === "asns") return (r) => asLabel(r.key, r.key === undefined ? undefined : history.asOrg(Number(r.key)));
  return (r) => r.key ?? "unknown";
}

function rowAction(what: keyof typeof KEYS, r: TopRow): Action | undefined {
  if (r.key === undefined) return undefined;
  if (what === "ips") return { label: "History", command: `history ${r.key}` };
  if (what === "jails") return { label: "Stats", command: `stats --jail=${r.key}` };
  return undefined;
}

function singular(what: "countries" | "jails" | "asns"): string {
  return { countries: "country", jails: "jail", asns: "network" }[what];
}

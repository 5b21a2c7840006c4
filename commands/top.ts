import { defineCommand } from "../src/core/command/model.js";
import type { Invocation } from "../src/core/command/model.js";
import { rankedBarsChart } from "../src/core/charts/ranked-bars.js";
import { asLabel, countryLabel, plural } from "../src/core/history/describe.js";
import { checkJailFilter, type JailFilterDeps } from "../src/core/history/jail-filter.js";
import type { Action, Reply } from "../src/core/reply.js";
import type { Clock } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";
import type { BanFilter, HistoryQueries, TopKey, TopRow } from "../src/store/history-queries.js";

const LIMIT = 10;
const DEFAULT_SINCE = 30 * 86_400_000;
const KEYS = { ips: "ip", countries: "country", jails: "jail", asns: "asn" } as const satisfies Record<string, TopKey>;

type TopCtx = { history: Pick<HistoryQueries, "top" | "bans" | "asOrg" | "count">; fail2ban: JailFilterDeps["fail2ban"]; clock: Clock } & Invocation;

export const top = defineCommand({
  name: "top",
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
    const rows = history.top(KEYS[what], filter, LIMIT);
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
            ? [i + 1, r.key ?? "", countryLabel(r.country), r.bans, formatTime(r.lastAt)]
            : [i + 1, labels[i]!, r.bans, share(r), formatTime(r.lastAt)],
        ),
        align: ["right", "left", what === "ips" ? "left" : "right", "right", "left"],
        rowActions: rows.map((r) => rowAction(what, r)),
      },
      images: [
        rankedBarsChart({
          title: `Top ${what} by bans`,
          subtitle,
          rows: rows.map((r, i) => ({ label: labels[i]!, value: r.bans })),
          name: `top-${what}.png`,
          alt: `Bar chart of the ${rows.length} ${what} with the most bans, ${window}: ${rows.map((r, i) => `${labels[i]} ${r.bans}`).join(", ")}`,
        }),
      ],
    };
  },
});

function labeller(what: keyof typeof KEYS, history: Pick<HistoryQueries, "asOrg">): (r: TopRow) => string {
  if (what === "countries") return (r) => countryLabel(r.key);
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

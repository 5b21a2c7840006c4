import { defineCommand, type OptionSpec } from "../../../src/core/command/model.js";

// Small command definitions shaped like the real catalogue, plus a few awkward ones that exist to
// exercise the parser (optional before required, a greedy `multiple` text, `rest` text).

const ok = () => Promise.resolve({ title: "ok", tone: "ok" as const });

function command<const O extends readonly OptionSpec[]>(name: string, options: O, role: "viewer" | "operator" | "admin" = "viewer") {
  return defineCommand({ path: pathOf(name), summary: `The ${name} command`, examples: [], options, role, effect: "read", run: ok });
}

// Fixtures are named by their path's words joined with hyphens.
export function pathOf(name: string): [string, ...string[]] {
  const [first = "", ...rest] = name.split("-");
  return [first, ...rest];
}

export const ban = defineCommand({
  path: ["ban"],
  summary: "Ban addresses in a jail now",
  examples: ["ban 192.0.2.1 sshd", "ban 192.0.2.1 sshd for 2h"],
  options: [
    { name: "ips", kind: "ip", multiple: true, required: true, description: "addresses to ban" },
    { name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" },
    { name: "duration", kind: "duration", keyword: "for", description: "lift the ban after this long" },
  ],
  role: "operator",
  effect: "change",
  run: ok,
});

export const banned = command("banned", [
  { name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" },
  { name: "page", kind: "int", min: 1, description: "page number" },
  { name: "search", kind: "text", description: "only addresses containing this" },
  { name: "after", kind: "text", keyword: "after", description: "continue after this row" },
]);

export const idle = command(
  "idle",
  [
    { name: "jail", kind: "jail", required: true, description: "the jail" },
    { name: "state", kind: "enum", values: ["on", "off"], required: true, description: "on or off" },
  ],
  "operator",
);

export const unban = command(
  "unban",
  [
    { name: "ip", kind: "ip", required: true, description: "the address", autocomplete: "banned-ips" },
    { name: "jail", kind: "jail", description: "the jail" },
  ],
  "operator",
);

export const top = command("top", [
  { name: "what", kind: "enum", values: ["ips", "countries", "jails", "asns"], required: true, description: "what to rank" },
  { name: "since", kind: "duration", description: "how far back" },
  { name: "jail", kind: "jail", description: "only this jail" },
]);

export const history = command("history", [
  { name: "ip", kind: "ip", description: "only this address" },
  { name: "since", kind: "duration", description: "how far back" },
  { name: "jail", kind: "jail", description: "only this jail" },
]);

export const audit = command("audit", [
  { name: "since", kind: "duration", description: "how far back" },
  { name: "user", kind: "text", description: "only this user ID" },
]);

export const ignore = command(
  "ignore",
  [
    { name: "jail", kind: "jail", required: true, description: "the jail" },
    { name: "change", kind: "enum", values: ["add", "del"], description: "add or del" },
    { name: "entries", kind: "ip-or-cidr", multiple: true, description: "addresses or networks" },
  ],
  "operator",
);

export const note = command(
  "note",
  [
    { name: "jail", kind: "jail", required: true, description: "the jail" },
    { name: "limit", kind: "int", min: 1, max: 50, keyword: "limit", description: "at most this many" },
    { name: "text", kind: "text", rest: true, description: "what to write down" },
  ],
  "operator",
);

export const tag = command("tag", [
  { name: "page", kind: "int", min: 1, description: "page number" },
  { name: "jail", kind: "jail", required: true, description: "the jail" },
  { name: "labels", kind: "text", multiple: true, description: "labels to add" },
  { name: "count", kind: "int", description: "how many" },
]);

export const status = command("status", []);
export const unbanAll = command("unban-all", [{ name: "jail", kind: "jail", required: true, description: "the jail, or all" }], "admin");

export const CATALOGUE = [status, banned, ban, unban, idle, top, history, audit, ignore, note, tag, unbanAll];

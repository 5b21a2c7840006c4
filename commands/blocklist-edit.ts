import { describeSettings } from "../src/core/blocklist/describe.js";
import { MAX_ENTRIES_LIMIT } from "../src/core/blocklist/source-settings.js";
import type { SourceSettings } from "../src/core/ports/blocklist-sources.js";
import { defineCommand } from "../src/core/command/model.js";
import { parseDuration } from "../src/core/duration.js";
import { UserError } from "../src/core/errors.js";
import type { Ctx } from "../src/core/services.js";

export const blocklistEdit = defineCommand({
  path: ["blocklist", "edit"],
  summary: "Change a blocklist's URL, jail, schedule, duration, maximum or departure rule",
  examples: ['blocklist edit drop schedule "0 * * * *"', "blocklist edit drop for 7d max 20000", "blocklist edit drop for none departed keep"],
  options: [
    { name: "name", kind: "text", required: true, description: "the source" },
    { name: "url", kind: "text", keyword: "url", description: "new URL" },
    { name: "jail", kind: "jail", keyword: "jail", description: "new jail", autocomplete: "jails" },
    { name: "schedule", kind: "text", keyword: "schedule", description: "new cron schedule, UTC" },
    { name: "duration", kind: "text", keyword: "for", description: "new ban duration (7d) or none" },
    { name: "max", kind: "int", keyword: "max", min: 1, max: MAX_ENTRIES_LIMIT, description: "new maximum entries" },
    { name: "departed", kind: "enum", keyword: "departed", values: ["unban", "keep"], description: "off the list: unban or keep" },
  ],
  role: "admin",
  effect: "change",
  async run({ name, url, jail, schedule, duration, max, departed }, { blocklists }: Ctx<"blocklists">) {
    const changes: Partial<SourceSettings> = {};
    if (url !== undefined) changes.url = url;
    if (jail !== undefined) changes.jail = jail;
    if (schedule !== undefined) changes.schedule = schedule;
    if (duration !== undefined) changes.banMs = banDuration(duration);
    if (max !== undefined) changes.maxEntries = max;
    if (departed !== undefined) changes.unbanDeparted = departed === "unban";
    if (Object.keys(changes).length === 0) {
      throw new UserError("invalid_argument", "Say what to change: `blocklist edit <name> [url <url>] [jail <jail>] [schedule \"<cron>\"] [for <duration>|none] [max <n>] [departed unban|keep]`.");
    }
    const source = await blocklists.edit(name, changes);
    return { title: `Changed blocklist ${source.name}`, tone: "ok", fields: describeSettings(source), notes: ["Changes apply from the next run."] };
  },
});

function banDuration(text: string): number | undefined {
  if (["none", "never", "off"].includes(text.toLowerCase())) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UserError("invalid_argument", "`for` expects a duration like 12h or 7d, or none.");
  return ms;
}

import { describeSettings } from "../src/core/blocklist/describe.js";
import { DEFAULT_MAX_ENTRIES, DEFAULT_SCHEDULE, MAX_ENTRIES_LIMIT } from "../src/core/blocklist/source-settings.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const blocklistAdd = defineCommand({
  path: ["blocklist", "add"],
  summary: "Add a blocklist: a list URL banned in a jail on a schedule",
  examples: [
    "blocklist add drop https://www.spamhaus.org/drop/drop.txt sshd",
    'blocklist add blde https://lists.blocklist.de/lists/ssh.txt sshd "30 */2 * * *" for 2d max 50000',
  ],
  options: [
    { name: "name", kind: "text", required: true, description: "short name, e.g. drop" },
    { name: "url", kind: "text", required: true, description: "http(s) URL of the list" },
    { name: "jail", kind: "jail", required: true, description: "jail to ban in", autocomplete: "jails" },
    { name: "schedule", kind: "text", description: `cron, UTC, quoted: "${DEFAULT_SCHEDULE}" (default), @daily` },
    { name: "duration", kind: "duration", keyword: "for", description: "lift bans this long after last listed" },
    { name: "max", kind: "int", keyword: "max", min: 1, max: MAX_ENTRIES_LIMIT, description: `most entries accepted (default ${DEFAULT_MAX_ENTRIES})` },
    { name: "departed", kind: "enum", keyword: "departed", values: ["unban", "keep"], description: "off the list: unban (default) or keep" },
  ],
  role: "admin",
  effect: "change",
  async run({ name, url, jail, schedule, duration, max, departed }, { blocklists, actor }: Ctx<"blocklists">) {
    const source = await blocklists.add(
      name,
      {
        url,
        jail,
        ...(schedule !== undefined ? { schedule } : {}),
        ...(duration !== undefined ? { banMs: duration } : {}),
        ...(max !== undefined ? { maxEntries: max } : {}),
        ...(departed !== undefined ? { unbanDeparted: departed === "unban" } : {}),
      },
      `${actor.platform}:${actor.userId}`,
    );
    return {
      title: `Added blocklist ${source.name} for ${source.jail}`,
      tone: "ok",
      fields: describeSettings(source),
      notes: ["Nothing is banned until it runs. Preview the diff with a dry run, or import it now; after that it follows its schedule."],
      actions: [
        { label: "Dry run", command: `blocklist-import ${source.name} dry-run`, style: "primary" },
        { label: "Import now", command: `blocklist-import ${source.name}` },
      ],
    };
  },
});

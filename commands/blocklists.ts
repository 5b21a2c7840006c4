import { describeSettings, runResult } from "../src/core/blocklist/describe.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Reply } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatRelative, formatTime } from "../src/core/time-format.js";

export const blocklists = defineCommand({
  path: ["blocklists"],
  summary: "Blocklists with schedules and last runs, or one in detail",
  examples: ["blocklists", "blocklists drop"],
  options: [{ name: "name", kind: "text", description: "one source, in detail" }],
  role: "viewer",
  effect: "read",
  run({ name }, { blocklists, clock }: Ctx<"blocklists" | "clock">): Promise<Reply> {
    const now = clock.now();
    if (name !== undefined) {
      const { source, runs, members, nextRunAt } = blocklists.show(name, 10);
      const next = nextRunAt === undefined ? (source.enabled ? "never" : "disabled") : nextRunAt <= now ? "due now" : formatRelative(nextRunAt, now);
      const lastError = runs.find((r) => r.outcome !== "running")?.error;
      return Promise.resolve({
        title: `Blocklist ${source.name}`,
        tone: "info",
        fields: [...describeSettings(source), { label: "Next run", value: next }, { label: "Banned by it now", value: `${members.banned.toLocaleString("en")}${members.pending ? ` (+${members.pending} pending)` : ""}` }],
        table: runs.length ? { columns: ["run", "result", "valid", "took"], rows: runs.map((r) => [formatTime(r.startedAt), runResult(r), r.valid, r.durationMs === undefined ? "" : `${(r.durationMs / 1000).toFixed(1)}s`]), align: ["left", "left", "right", "right"] } : undefined,
        notes: runs.length ? (lastError ? [`Last error: ${lastError}`] : undefined) : ["Not imported yet."],
        actions: [
          { label: "Import now", command: `blocklist-import ${source.name}` },
          { label: "Dry run", command: `blocklist-import ${source.name} dry-run` },
          source.enabled ? { label: "Disable", command: `blocklist-disable ${source.name}` } : { label: "Enable", command: `blocklist-enable ${source.name}` },
          { label: "Remove", command: `blocklist-remove ${source.name}`, style: "danger" },
        ],
      });
    }
    const all = blocklists.list();
    if (all.length === 0) {
      return Promise.resolve({ title: "No blocklists yet", tone: "info", text: "Add one with `blocklist add <name> <url> <jail> [schedule]`, e.g. `blocklist add drop https://www.spamhaus.org/drop/drop.txt sshd`." });
    }
    return Promise.resolve({
      title: `${all.length} blocklist${all.length === 1 ? "" : "s"}`,
      tone: "info",
      table: {
        columns: ["name", "jail", "schedule", "last run", "next"],
        rows: all.map(({ source, lastRun, nextRunAt }) => [
          source.name,
          source.jail,
          source.enabled ? source.schedule : `${source.schedule} (disabled)`,
          lastRun ? `${formatRelative(lastRun.startedAt, now)}: ${runResult(lastRun)}` : "never",
          nextRunAt === undefined ? "—" : nextRunAt <= now ? "due" : formatRelative(nextRunAt, now),
        ]),
        rowActions: all.map(({ source }) => ({ label: "Details", command: `blocklists ${source.name}` })),
      },
    });
  },
});

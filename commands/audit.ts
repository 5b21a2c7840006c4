import { formatCommandLine } from "../src/core/command/format.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Action, Reply } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";

const PAGE_SIZE = 20;
// Counting every entry of a long audit log says little and costs a scan: stop here.
const COUNT_CAP = 10_000;

// Paged like `history`: a page link names the entry at the edge of the page, so the next page starts
// right after it however many entries were written meanwhile (every command writes one).
export const audit = defineCommand({
  path: ["audit"],
  summary: "Who did what, when, from where, with what result, newest first",
  examples: ["audit", "audit 24h", "audit U01ADMIN 7d"],
  options: [
    { name: "since", kind: "duration", description: "only this far back, e.g. 24h or 7d" },
    { name: "user", kind: "text", description: "only this platform user ID" },
    { name: "after", kind: "int", min: 1, keyword: "after", internal: true, description: "continue after this entry (Next button)" },
    { name: "before", kind: "int", min: 1, keyword: "before", internal: true, description: "continue before this entry (Prev button)" },
  ],
  role: "viewer",
  front: true,
  effect: "read",
  run({ since, user, after, before }, { audit: log, clock }: Ctx<"audit" | "clock">): Promise<Reply> {
    const filter = { userId: user, since: since === undefined ? undefined : clock.now() - since };
    const rows = log.query({ ...filter, limit: PAGE_SIZE, beforeId: after, afterId: before });
    const what = `${user ? ` of ${user}` : ""}${since !== undefined ? `, last ${formatDuration(since)}` : ""}`;
    const total = log.count(filter, COUNT_CAP);
    if (total === 0) return Promise.resolve({ title: `Nothing in the audit log${what}`, tone: "info" });
    if (rows.length === 0) return Promise.resolve({ title: `Audit log${what}: that page is past the end`, tone: "info" });

    const newer = log.count({ ...filter, newerThanId: rows[0]!.id }, COUNT_CAP);
    const line = (edge: { after: number } | { before: number }) => formatCommandLine(audit, { since, user, ...edge });
    const prev: Action | undefined = newer > 0 ? { label: "Prev", command: line({ before: rows[0]!.id }) } : undefined;
    const capped = total >= COUNT_CAP;
    const older = rows.length === PAGE_SIZE && (capped || newer + rows.length < total);
    const next: Action | undefined = older ? { label: "Next", command: line({ after: rows.at(-1)!.id }) } : undefined;
    return Promise.resolve({
      title: `Audit log${what}`,
      tone: "info",
      table: {
        columns: ["when", "who", "where", "command", "result"],
        rows: rows.map((r) => [
          formatTime(r.at),
          `${r.platform}:${r.userName ?? r.userId}`,
          r.channelId ?? "",
          r.commandLine,
          r.message ? `${r.outcome}: ${r.message}` : r.outcome,
        ]),
      },
      paging: { page: Math.floor(newer / PAGE_SIZE) + 1, pages: Math.ceil(total / PAGE_SIZE), total, prev, next },
      notes: capped ? [`${COUNT_CAP.toLocaleString("en")} or more entries match: narrow it with a user or a time like 24h.`] : undefined,
    });
  },
});

import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";
import { formatTime } from "../src/core/time-format.js";

const LIMIT = 20;

export const audit = defineCommand({
  name: "audit",
  summary: "Who did what, when, from where, with what result",
  examples: ["audit", "audit 24h", "audit U01ADMIN 7d"],
  options: [
    { name: "since", kind: "duration", description: "only this far back, e.g. 24h or 7d" },
    { name: "user", kind: "text", description: "only this platform user ID" },
  ],
  role: "viewer",
  effect: "read",
  run({ since, user }, { audit: log, clock }: Ctx<"audit" | "clock">) {
    const rows = log.query({ userId: user, since: since === undefined ? undefined : clock.now() - since, limit: LIMIT });
    if (rows.length === 0) return Promise.resolve({ title: "Nothing in the audit log matches", tone: "info" as const });
    return Promise.resolve({
      title: `Audit log, ${rows.length === LIMIT ? `latest ${LIMIT}` : `${rows.length} entries`}`,
      tone: "info" as const,
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
    });
  },
});

import { describe, expect, it, vi } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { historyRetentionJob } from "../../src/jobs/history-retention.js";
import { historySyncJob } from "../../src/jobs/history-sync.js";
import { capturedLog } from "../harness/client.js";

describe("historySyncJob", () => {
  const fail2ban = { dbFile: () => Promise.resolve("/var/lib/fail2ban/fail2ban.sqlite3") };

  it("syncs, and warns once (not every run) while fail2ban's database cannot be read", async () => {
    const { log, entries: lines } = capturedLog();
    const sync = vi.fn().mockRejectedValue(new UserError("fail2ban_db_unavailable", "no access"));
    const job = historySyncJob({ history: { sync }, fail2ban, log });
    await job.run();
    await job.run();
    expect(sync).toHaveBeenCalledTimes(2);
    expect(lines.filter((l) => /cannot backfill/.test(l.msg))).toHaveLength(1);
  });

  it("lets other failures reach the scheduler", async () => {
    const job = historySyncJob({ history: { sync: () => Promise.reject(new Error("disk I/O error")) }, fail2ban, log: capturedLog().log });
    await expect(job.run()).rejects.toThrow(/disk I\/O/);
  });
});

describe("historyRetentionJob", () => {
  it("purges with the current time and logs what went", async () => {
    const { log, entries: lines } = capturedLog();
    const purge = vi.fn().mockReturnValue(12);
    await historyRetentionJob({ history: { purge }, now: () => 1_000, log }).run();
    expect(purge).toHaveBeenCalledWith(1_000);
    expect(lines.map((l) => l.msg)).toContain("old ban history deleted");
  });
});

import { describe, expect, it } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import { blocklistImportsJob } from "../../src/jobs/blocklist-imports.js";
import { createAlertState } from "../../src/store/alert-state.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";
import { silentLog } from "../harness/client.js";
import { serveList, useListServer } from "../core/blocklist/list-server.js";

const YAML = "blocklists:\n  allow_private_hosts: [127.0.0.1]\n";

describe("blocklistImportsJob", () => {
  const bot = useFakeBanBot({ yaml: YAML });
  const server = useListServer();

  it("imports due sources on schedule, and alerts once when one starts failing and once when it recovers", async () => {
    const alerts: Alert[] = [];
    const now = () => Date.now();
    const job = blocklistImportsJob({
      blocklists: bot.core.services.blocklists,
      state: createAlertState(bot.db),
      raise: (a) => alerts.push(a),
      reportRun: (report) => bot.core.services.alerts.blocklistRun(report),
      audit: bot.core.services.audit,
      now,
      host: "web1",
      log: silentLog,
    });
    server.route("/list.txt", serveList("203.0.113.70\n203.0.113.71\n"));
    expect((await bot.run(`blocklist add feed ${server.url("/list.txt")} beta "*/10 * * * *"`)).tone).toBe("ok");

    // Never run before: due at once.
    await job.run();
    expect((await bot.core.services.fail2ban.bannedIps("beta")).sort()).toEqual(["203.0.113.70", "203.0.113.71"]);
    expect(alerts).toEqual([]);
    const [imported] = bot.core.services.audit.query({ userId: "scheduler", limit: 5 });
    expect(imported).toMatchObject({ platform: "system", command: "blocklist-import", commandLine: "blocklist-import feed", outcome: "ok" });

    server.route("/list.txt", (_req, res) => {
      res.statusCode = 500;
      res.end("down");
    });
    const runFailing = async () => {
      // Each run records itself; make the schedule come round again without waiting a minute.
      bot.db.prepare("UPDATE blocklist_runs SET started_at = started_at - 900000").run();
      await job.run();
    };
    await runFailing();
    await runFailing();
    expect(alerts.map((a) => [a.kind, a.step, a.reply.title])).toEqual([["blocklist", "open", "Import of feed failed"]]);

    server.route("/list.txt", serveList("203.0.113.70\n"));
    await runFailing();
    expect(alerts.map((a) => a.step)).toEqual(["open", "resolve"]);
    expect(alerts[1]!.incident).toBe(alerts[0]!.incident);
    expect(await bot.core.services.fail2ban.bannedIps("beta")).toEqual(["203.0.113.70"]);
    // Two failures and the import that removed an address; unchanged runs are not audited.
    expect(bot.core.services.audit.query({ userId: "scheduler", limit: 10 }).map((r) => r.outcome)).toEqual(["ok", "error", "error", "ok"]);
  });
});

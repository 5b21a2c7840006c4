import { describe, expect, it } from "vitest";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import { slackUser } from "../harness/banbot.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";
import { serveList, useListServer } from "../core/blocklist/list-server.js";

const YAML = `
access:
  grants:
    - role: viewer
      slack_users: [U01VIEWER]
    - role: operator
      slack_users: [U01OPS]
blocklists:
  allow_private_hosts: [127.0.0.1]
`;

// The blocklist commands through the real dispatcher, against the fake fail2ban and a local list server.
describe("blocklist commands", () => {
  const bot = useFakeBanBot({ yaml: YAML });
  const server = useListServer();
  const banned = async () => (await bot.core.services.fail2ban.bannedIps("beta")).sort();
  const list = ["203.0.113.10", "203.0.113.11", "198.51.100.0/24"];

  it("adds, shows, previews, imports, edits, disables and removes a source", async () => {
    server.route("/drop.txt", serveList(`; Spamhaus-like\n${list.map((e) => `${e} ; SBL1`).join("\n")}\n`));
    const added = await bot.run(`blocklist add drop ${server.url("/drop.txt")} beta "0 */6 * * *"`);
    expect(added).toMatchObject({ tone: "ok", title: "Added blocklist drop for beta", actions: [{ command: "blocklist-import drop dry-run" }, { command: "blocklist-import drop" }] });
    expect(added.fields).toContainEqual({ label: "Schedule", value: "`0 */6 * * *` (UTC)" });

    expect((await bot.run("blocklists")).table?.rows).toEqual([["drop", "beta", "0 */6 * * *", "never", "due"]]);
    const dry = await bot.run("blocklist import drop dry-run");
    expect(dry).toMatchObject({ tone: "info", title: "Dry run of drop (beta): would ban 3, unban 0" });
    expect(await banned()).toEqual([]);

    const imported = await bot.run("blocklist import drop");
    expect(imported).toMatchObject({ tone: "ok", title: "Imported drop into beta: +3 −0" });
    expect(await banned()).toEqual([...list].sort());

    const detail = await bot.run("blocklists drop");
    expect(detail.fields).toContainEqual({ label: "Banned by it now", value: "3" });
    expect(detail.table?.rows[0]?.[1]).toBe("ok +3 −0");

    expect(await bot.run('blocklist edit drop schedule "@daily" max 500 for 7d')).toMatchObject({ tone: "ok", title: "Changed blocklist drop" });
    expect(bot.core.services.blocklists.show("drop").source).toMatchObject({ schedule: "@daily", maxEntries: 500, banMs: 7 * 86_400_000 });
    expect((await bot.run("blocklist edit drop")).text).toMatch(/Say what to change/);
    await bot.run("blocklist disable drop");
    expect((await bot.run("blocklists")).table?.rows[0]?.[2]).toBe("@daily (disabled)");

    const confirm = await bot.run("blocklist remove drop");
    expect(confirm).toMatchObject({ tone: "warn", title: "Confirm: blocklist-remove drop" });
    const removed = await bot.run(confirm.actions![0]!.command);
    expect(removed).toMatchObject({ title: "Removed blocklist drop", text: expect.stringMatching(/^Unbanned 3 addresses it had banned in beta/) });
    expect(await banned()).toEqual([]);
    expect((await bot.run("blocklists")).title).toBe("No blocklists yet");
  });

  it("fails an import of a list with no readable line, showing the lines and the format it expected", async () => {
    server.route("/export.csv", serveList('ip,first_seen,reports\n"203.0.113.30",2026-11-20,4\n203.0.113.31,2026-11-21,2\n'));
    await bot.run(`blocklist add csv ${server.url("/export.csv")} beta`);
    const reply = await bot.run("blocklist import csv");
    expect(reply).toMatchObject({ tone: "error", title: "Import of csv failed" });
    expect(reply.text).toMatch(/none of its 3 lines is an address or network \(`ip,first_seen,reports`, `"203\.0\.113\.30",2026-11-20,4`, `203\.0\.113\.31,2026-11-21,2`\)/);
    expect(reply.text).toMatch(/one address or CIDR network per line/);
    expect(reply.fields).toContainEqual({ label: "Invalid", value: "3" });
    expect(bot.core.services.audit.query({ limit: 1 })[0]).toMatchObject({ command: "blocklist-import", outcome: "error", message: expect.stringMatching(/^Import of csv failed: The list came back without a single valid entry/) });
    expect(bot.core.services.blocklists.show("csv").runs[0]).toMatchObject({ outcome: "failed", invalid: 3 });
    expect(await banned()).toEqual([]);
    await bot.core.services.blocklists.remove("csv");
  });

  it("reports progress on long imports when the surface can show it", async () => {
    server.route("/long.txt", serveList(Array.from({ length: 2500 }, (_, i) => `2001:db8::${(i + 1).toString(16)}`).join("\n")));
    await bot.run(`blocklist add long ${server.url("/long.txt")} beta`);
    const seen: string[] = [];
    const reply = await bot.core.dispatcher.run("blocklist import long", CONSOLE_IDENTITY, { progress: (text) => seen.push(text) });
    expect(reply.title).toBe("Imported long into beta: +2,500 −0");
    // After a first chunk of 500 (fail2ban starts at once), chunks of 1,000.
    expect(seen).toEqual(["long: banning 500 of 2,500…", "long: banning 1,500 of 2,500…", "long: banning 2,500 of 2,500…"]);
    await bot.core.services.blocklists.remove("long");
  });

  it("lets viewers read, operators import and only admins manage sources", async () => {
    server.route("/roles.txt", serveList("203.0.113.20\n"));
    await bot.run(`blocklist add roles ${server.url("/roles.txt")} beta`);
    expect((await bot.run("blocklists", slackUser("U01VIEWER"))).tone).toBe("info");
    expect((await bot.run("blocklist import roles", slackUser("U01VIEWER"))).title).toBe("Not allowed");
    expect((await bot.run("blocklist import roles", slackUser("U01OPS"))).tone).toBe("ok");
    expect((await bot.run("blocklist disable roles", slackUser("U01OPS"))).title).toBe("Not allowed");
    expect((await bot.run(`blocklist add other ${server.url("/roles.txt")} beta`, slackUser("U01OPS"))).title).toBe("Not allowed");
    await bot.core.services.blocklists.remove("roles");
  });

  it.each([
    ["blocklist add bad http://127.0.0.1:1/x beta every-hour", /is not a cron schedule/],
    ['blocklist add bad http://127.0.0.1:1/x beta "* * * * *"', /more often than every 5 minutes/],
    ["blocklist add bad http://127.0.0.1:1/x gamma", /no jail named gamma/],
    ["blocklist add bad http://10.1.1.1/x beta", /10\.1\.1\.1 is private network/],
    ["blocklist add bad ftp://127.0.0.1/x beta", /Only http and https/],
    ["blocklist add b@d http://127.0.0.1:1/x beta", /cannot be a blocklist name/],
    ["blocklist add bad http://127.0.0.1:1/x beta max 0", /`max` expects a whole number from 1 to 1000000/],
    ["blocklist import nothing", /There is no blocklist named nothing/],
    ["blocklist", /`blocklist` needs one of import, add, edit, enable, disable or remove, e\.g\. `blocklist import`\. Did you mean `blocklists`\?/],
  ])("GIVEN `%s` THEN it explains the mistake", async (line, message) => {
    const reply = await bot.run(line);
    expect(reply.tone).toBe("error");
    expect(reply.text).toMatch(message);
    expect(bot.core.services.blocklists.list().map((s) => s.source.name)).not.toContain("bad");
  });
});

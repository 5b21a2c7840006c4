import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../../commands/index.js";
import { parseCommandLine } from "../../../src/core/command/parse.js";
import type { SocketFail2ban } from "../../../src/core/fail2ban/client.js";
import { serveList, useListServer } from "../../core/blocklist/list-server.js";
import { slackUser } from "../../harness/banbot.js";
import { useClients } from "../../harness/client.js";
import { ACCESS_YAML, resultOf, textOf, USERS, useSlackBot, type Mode } from "./harness.js";

type Check = (fail2ban: SocketFail2ban) => Promise<void>;
type Bot = ReturnType<typeof useSlackBot>["bot"];
/** What a row needs before its command runs: every row starts from no bans, blocklists, mutes or ignore entries. */
type Given = (c: { fail2ban: SocketFail2ban; bot: Bot; list: string }) => Promise<unknown>;

const banned: Given = ({ fail2ban }) => fail2ban.ban("alpha", ["203.0.113.50"]);
const ignoring: Given = ({ fail2ban }) => fail2ban.addIgnore("alpha", ["198.51.100.0/24"]);
const listed: Given = ({ bot, list }) => bot.core.services.blocklists.add("drop", { url: list, jail: "beta" }, "test:test");
const muted: Given = ({ bot }) => Promise.resolve(bot.core.services.mutes.mute({ what: "spike:alpha", until: bot.clock.now() + 3_600_000, by: "test", at: bot.clock.now() }));

// Every command of the catalogue typed as `/f2b …` by an admin, with what the reply says and, for
// changes, what fail2ban itself then reports. Destructive commands only ask here; confirming them is
// in buttons.test.ts. `{list}` is the URL of a blocklist served on 127.0.0.1.
const ROWS: [line: string, reply: RegExp, check?: Check, given?: Given][] = [
  ["help", /BanBot commands[\s\S]*unban all/],
  ["status", /fail2ban 1\.\d+\.\d+ is up on [\s\S]*\*Jails\*\n2 \(alpha, beta\)/],
  ["jails", /2 jails[\s\S]*alpha +0/],
  ["jail alpha", /Jail alpha[\s\S]*\*Max retry\*\n3/],
  ["ban 203.0.113.50 alpha", /Banned 203\.0\.113\.50 in alpha/, async (f) => expect(await f.jailsBanning(["203.0.113.50"])).toEqual([["alpha"]])],
  ["banned alpha", /1 banned in alpha[\s\S]*203\.0\.113\.50/, undefined, banned],
  ["ip 203.0.113.50", /Address 203\.0\.113\.50[\s\S]*\*Banned in\*\nalpha/, undefined, banned],
  ["unban 203.0.113.50 alpha", /Unbanned 203\.0\.113\.50 in alpha/, async (f) => expect(await f.jailsBanning(["203.0.113.50"])).toEqual([[]]), banned],
  ["ignore alpha add 198.51.100.0/24", /Added 198\.51\.100\.0\/24 to alpha's ignore list/, async (f) => expect(await f.ignoreList("alpha")).toContain("198.51.100.0/24")],
  ["ignore alpha", /Ignore list of alpha[\s\S]*198\.51\.100\.0\/24/, undefined, ignoring],
  ["ignoreself beta on", /beta now ignores the server's own addresses/, async (f) => expect((await f.jailSettings("beta")).ignoreself).toBe(true)],
  ["idle beta on", /beta is idle/],
  ["idle beta off", /beta is active again/],
  ["reload alpha", /Reloaded alpha from its configuration/, async (f) => expect(await f.ignoreList("alpha")).not.toContain("198.51.100.0/24"), ignoring],
  ["blocklist add drop {list} beta", /Added blocklist drop for beta/],
  ["blocklists", /1 blocklist[\s\S]*drop +beta/, undefined, listed],
  ["blocklist import drop dry-run", /Dry run of drop \(beta\): would ban 2, unban 0/, async (f) => expect(await f.bannedIps("beta")).toEqual([]), listed],
  ["blocklist import drop", /Imported drop into beta: \+2 −0/, async (f) => expect((await f.bannedIps("beta")).sort()).toEqual(["192.0.2.60", "198.51.100.61"]), listed],
  ["blocklist edit drop max 500", /Changed blocklist drop/, undefined, listed],
  ["blocklist disable drop", /Disabled blocklist drop/, undefined, listed],
  [
    "blocklist enable drop",
    /Enabled blocklist drop/,
    undefined,
    async (c) => {
      await listed(c);
      return c.bot.core.services.blocklists.setEnabled("drop", false);
    },
  ],
  ["blocklist remove drop", /Confirm: blocklist-remove drop/, undefined, listed],
  ["stop beta", /Confirm: stop beta/, async (f) => expect((await f.status()).jails).toEqual(["alpha", "beta"])],
  ["start beta", /Confirm: start beta/],
  ["reload-all", /Confirm: reload-all/],
  ["unban-all all", /Confirm: unban-all all/],
  ["alerts mute spike:alpha for 1h", /Muted spike:alpha alerts for 1h/],
  ["alerts", /No alert routes[\s\S]*spike:alpha until in 1h/, undefined, muted],
  ["alerts unmute spike:alpha", /spike:alpha alerts are on again/, undefined, muted],
  ["alerts test", /No alert channels are configured/],
  // No capture runs in this test, so the archive is empty; the history tests fill it.
  ["history 7d alpha", /No ban history/],
  ["top countries 30d", /No bans in the/],
  ["stats 24h", /No bans in the/],
  ["audit", /Audit log[\s\S]*slack:/, undefined, ({ bot }) => bot.run("idle beta off", slackUser(USERS.admin))],
  ["cancel abcdefgh", /Nothing to cancel/],
];

describe.each<Mode>(["http", "socket"])("every catalogue command through /f2b (%s mode)", (mode) => {
  const s = useSlackBot({ mode, yaml: `${ACCESS_YAML}blocklists:\n  allow_private_hosts: [127.0.0.1]\n` });
  const connect = useClients();
  const lists = useListServer();

  it.each(ROWS)("/f2b %s", async (line, expected, check, given) => {
    lists.route("/drop.txt", serveList("192.0.2.60\n198.51.100.61 ; listed\n"));
    const fail2ban = connect(s.bot.sandbox.socketPath).fail2ban;
    const { blocklists, mutes } = s.bot.core.services;
    for (const { source } of blocklists.list()) await blocklists.remove(source.name);
    for (const mute of mutes.active(s.bot.clock.now())) mutes.unmute(mute.what);
    for (const entry of await fail2ban.ignoreList("alpha")) await fail2ban.removeIgnore("alpha", entry);
    await fail2ban.unbanAll();
    await given?.({ fail2ban, bot: s.bot, list: lists.url("/drop.txt") });
    const sent = await s.slack.slash(line.replace("{list}", lists.url("/drop.txt")), { user: USERS.admin });
    expect(sent.ackMs).toBeLessThan(3000);
    const reply = await resultOf(s.fake, sent);
    expect(textOf(reply)).toMatch(expected);
    expect(reply.response_type).toBe("ephemeral");
    await check?.(fail2ban);
  });

  it("covers the whole catalogue", () => {
    const typed = new Set(ROWS.map(([line]) => parseCommandLine(COMMANDS, line).command.name));
    expect([...typed].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });
});

import { describe, expect, it } from "vitest";
import type { Core } from "../../../src/compose.js";
import type { SocketFail2ban } from "../../../src/core/fail2ban/client.js";
import type { Member } from "../../fakes/fake-discord-payloads.js";
import { useBanBot } from "../../harness/banbot.js";
import { useClients } from "../../harness/client.js";
import { escapeRegExp } from "../../harness/escape-regexp.js";
import { embedOf, IS_COMPONENTS_V2, titleOf, useDiscord } from "./harness.js";
import { ADMIN, GRANTS_YAML, NOBODY, OPERATOR, VIEWER } from "./users.js";

type Check = (c: { fail2ban: SocketFail2ban; core: Core }) => Promise<void> | void;

interface Row {
  who: Member;
  subcommand: string;
  options?: Record<string, string | number>;
  title: string | RegExp;
  /** Only the asker sees it (flags 64). */
  ephemeral?: boolean;
  /** A table: a Components V2 message (flags 1 << 15). */
  v2?: boolean;
  /** fail2ban's state before the command; every row starts from no bans. */
  given?: (fail2ban: SocketFail2ban) => Promise<unknown>;
  check?: Check;
}

const twoBans = (fail2ban: SocketFail2ban) => fail2ban.ban("alpha", ["192.0.2.10", "192.0.2.11"]);
const oneBan = (fail2ban: SocketFail2ban) => fail2ban.ban("alpha", ["192.0.2.10"]);

// fail2ban 1.0 has no `get <jail> idle`; BanBot keeps the idle flag in its own store.
const idleOf = ({ core }: Parameters<Check>[0], jail: string) => core.services.jailNotes.idleOf(core.services.host, jail)?.idle;

// Every catalogue command typed as `/f2b <subcommand>` with Discord's typed options, checked by the
// reply and, for changes, by fail2ban's own state. The rows share one fail2ban; each sets up the bans it needs.
const ROWS: Row[] = [
  { who: VIEWER, subcommand: "help", title: "BanBot commands", v2: true },
  { who: VIEWER, subcommand: "help", options: { command: "ban" }, title: "Help: ban", v2: true },
  { who: VIEWER, subcommand: "status", title: /^fail2ban 1\.\d+\.\d+ is up on / },
  {
    who: OPERATOR,
    subcommand: "ban",
    options: { jail: "alpha", ips: "192.0.2.10, 192.0.2.11", duration: "2h" },
    // No process runs the jobs here, so fail2ban's own end is the one that will come.
    title: "Banned 2 addresses in alpha for 1h, alpha's ban time",
    check: async ({ fail2ban }) => expect(await fail2ban.bannedIps("alpha")).toEqual(expect.arrayContaining(["192.0.2.10", "192.0.2.11"])),
  },
  { who: VIEWER, subcommand: "jails", title: "2 jails", v2: true },
  { who: VIEWER, subcommand: "jail", options: { jail: "alpha" }, title: "Jail alpha" },
  { who: VIEWER, subcommand: "banned", options: { jail: "alpha" }, title: "2 banned in alpha", v2: true, given: twoBans },
  { who: VIEWER, subcommand: "banned", options: { jail: "alpha", search: "192.0.2.11" }, title: '1 banned in alpha matching "192.0.2.11"', v2: true, given: twoBans },
  { who: VIEWER, subcommand: "ip", options: { ip: "192.0.2.10" }, title: "Address 192.0.2.10" },
  {
    who: OPERATOR,
    subcommand: "unban",
    options: { ips: "192.0.2.11", jail: "alpha" },
    title: "Unbanned 192.0.2.11 in alpha",
    given: twoBans,
    check: async ({ fail2ban }) => expect(await fail2ban.bannedIps("alpha")).toEqual(["192.0.2.10"]),
  },
  {
    who: OPERATOR,
    subcommand: "ignore",
    options: { jail: "alpha", change: "add", entries: "198.51.100.0/24" },
    title: "Added 198.51.100.0/24 to alpha's ignore list",
    check: async ({ fail2ban }) => expect(await fail2ban.ignoreList("alpha")).toContain("198.51.100.0/24"),
  },
  {
    who: OPERATOR,
    subcommand: "ignoreself",
    options: { jail: "beta", state: "off" },
    title: "beta no longer ignores the server's own addresses",
    check: async ({ fail2ban }) => expect((await fail2ban.jailSettings("beta")).ignoreself).toBe(false),
  },
  { who: OPERATOR, subcommand: "idle", options: { jail: "beta", state: "on" }, title: /^beta is idle/, check: (c) => expect(idleOf(c, "beta")).toBe(true) },
  { who: OPERATOR, subcommand: "idle", options: { jail: "beta", state: "off" }, title: "beta is active again", check: (c) => expect(idleOf(c, "beta")).toBe(false) },
  { who: OPERATOR, subcommand: "reload", options: { jail: "alpha" }, title: "Reloaded alpha from its configuration" },
  { who: ADMIN, subcommand: "stop", options: { jail: "beta" }, title: "Confirm: stop beta", ephemeral: true, check: async ({ fail2ban }) => expect((await fail2ban.status()).jails).toEqual(["alpha", "beta"]) },
  { who: ADMIN, subcommand: "start", options: { jail: "beta" }, title: "Confirm: start beta", ephemeral: true },
  { who: ADMIN, subcommand: "reload-all", title: "Confirm: reload-all", ephemeral: true },
  { who: ADMIN, subcommand: "unban-all", options: { jail: "alpha" }, title: "Confirm: unban-all alpha", ephemeral: true, given: oneBan, check: async ({ fail2ban }) => expect(await fail2ban.bannedIps("alpha")).toEqual(["192.0.2.10"]) },
  { who: VIEWER, subcommand: "audit", title: /^Audit log/, v2: true },
  { who: VIEWER, subcommand: "audit", options: { user: OPERATOR.id, since: "1h" }, title: /^Audit log/, v2: true },
  // Refusals and mistakes: private, and nothing changes.
  { who: NOBODY, subcommand: "status", title: "Not allowed", ephemeral: true },
  { who: VIEWER, subcommand: "ban", options: { jail: "alpha", ips: "192.0.2.12" }, title: "Not allowed", ephemeral: true, given: oneBan, check: async ({ fail2ban }) => expect(await fail2ban.bannedIps("alpha")).toEqual(["192.0.2.10"]) },
  { who: OPERATOR, subcommand: "ban", options: { jail: "alpha", ips: "192.0.2.300" }, title: "Cannot read that command", ephemeral: true },
  { who: OPERATOR, subcommand: "jail", options: { jail: "nosuch" }, title: "Cannot do that", ephemeral: true },
];

describe("Discord /f2b commands", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML });
  const discord = useDiscord({ core: () => bot.core });
  const connect = useClients();

  it.each(ROWS.map((row) => [`${row.who.username} /f2b ${row.subcommand} ${JSON.stringify(row.options ?? {})}`, row] as const))("%s", async (_, row) => {
    const fail2ban = connect(bot.sandbox.socketPath).fail2ban;
    await fail2ban.unbanAll();
    await row.given?.(fail2ban);
    // A slow one (reload runs fail2ban-client) may be deferred and then edited: same message.
    const { message } = await discord.answer(discord.slashRaw(row.who, { subcommand: row.subcommand, options: row.options }));
    expect(titleOf(message).replaceAll("\\", "")).toMatch(typeof row.title === "string" ? new RegExp(`^${escapeRegExp(row.title)}$`) : row.title);
    expect(message.flags).toBe((row.ephemeral ? 64 : 0) + (row.v2 ? IS_COMPONENTS_V2 : 0) || undefined);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    await row.check?.({ fail2ban, core: bot.core });
  });

  it("tells a refused member their Discord user ID, so an admin can grant it", async () => {
    const callback = await discord.slash(NOBODY, { subcommand: "jails" });
    expect(embedOf(callback)?.description).toBe("You need the viewer role for this. Ask an admin to grant it to your Discord user ID `444444444444444444`.");
  });

  it("audits Discord commands with the member's user ID, name and channel", async () => {
    await discord.slash(OPERATOR, { subcommand: "ban", options: { jail: "beta", ips: "192.0.2.40" } });
    const entry = bot.core.services.audit.query({ userId: OPERATOR.id, limit: 1 })[0];
    expect(entry).toMatchObject({ platform: "discord", userId: OPERATOR.id, userName: "olga", channelId: "900000000000000003", commandLine: "ban 192.0.2.40 beta", outcome: "ok" });
  });

  it("answers a subcommand from an older registration with a hint to register again", async () => {
    const callback = await discord.slash(VIEWER, { subcommand: "frobnicate" });
    expect(embedOf(callback)?.description).toMatch(/run `banbot register` again/);
    expect(callback.data?.flags).toBe(64);
  });

  it("refuses commands sent from a direct message with the bot, even from an admin", async () => {
    const callback = await discord.slash(ADMIN, { subcommand: "ban", options: { jail: "beta", ips: "192.0.2.41" } }, { dm: true });
    expect(embedOf(callback)?.description).toMatch(/in the server's channels/);
    expect(callback.data?.flags).toBe(64);
    expect(await connect(bot.sandbox.socketPath).fail2ban.jailsBanning(["192.0.2.41"])).toEqual([[]]);
    expect(bot.core.services.audit.query({ userId: ADMIN.id, limit: 50 }).map((e) => e.commandLine)).not.toContain("ban 192.0.2.41 beta");
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { useBanBot } from "../../harness/banbot.js";
import { useClients } from "../../harness/client.js";
import { buttonId, componentsOf, embedOf, IS_COMPONENTS_V2, textOf, titleOf, useDiscord, type Callback } from "./harness.js";
import { ADMIN, ADMIN2, GRANTS_YAML, NOBODY, OPERATOR, VIEWER } from "./users.js";

const MESSAGE = "900000000000000100";
const footerOf = (callback: Callback) => textOf(callback.data ?? {}).split("\n").find((l) => l.startsWith("-# Rows") || l.startsWith("-# Page"));

describe("Discord buttons and menus", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML });
  const discord = useDiscord({ core: () => bot.core });
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;
  beforeEach(() => fail2ban().unbanAll());

  it("runs a row's Unban as the member who clicks, updating the message and saying who did it", async () => {
    await fail2ban().ban("alpha", ["192.0.2.20", "192.0.2.21"]);
    const list = await discord.slash(VIEWER, { subcommand: "banned", options: { jail: "alpha" } });
    // A Section per row, its Unban button beside it.
    expect(list.data?.flags).toBe(IS_COMPONENTS_V2);
    const section = componentsOf(list.data!).find((c) => c.type === 9 && c.accessory?.label === "Unban 192.0.2.20");
    expect(section?.components?.[0]?.content).toMatch(/^192\.0\.2\.20 — /);
    const customId = buttonId(list, "Unban 192.0.2.20");
    expect(customId).toMatch(/^b\d+:=unban 192\.0\.2\.20 alpha$/);

    const update = await discord.click(OPERATOR, { customId, messageId: MESSAGE, v2: true });
    expect(update.type).toBe(7);
    expect(update.data?.content).toBe("");
    expect(update.data?.components?.at(-1)).toEqual({ type: 10, content: `-# by <@${OPERATOR.id}>` });
    expect(update.data?.allowed_mentions).toEqual({ parse: [] });
    expect(titleOf(update.data!)).toBe("Unbanned 192.0.2.20 in alpha");
    expect(await fail2ban().bannedIps("alpha")).toEqual(["192.0.2.21"]);
  });

  it("refuses a member without the role privately, and fail2ban is unchanged", async () => {
    await fail2ban().ban("alpha", ["192.0.2.21"]);
    const list = await discord.slash(VIEWER, { subcommand: "banned", options: { jail: "alpha" } });
    for (const member of [VIEWER, NOBODY]) {
      const refusal = await discord.click(member, { customId: buttonId(list, "Unban 192.0.2.21"), messageId: MESSAGE });
      expect(refusal.type).toBe(4);
      expect(refusal.data?.flags).toBe(64);
      expect(embedOf(refusal)?.title).toBe("Not allowed");
    }
    expect(await fail2ban().bannedIps("alpha")).toEqual(["192.0.2.21"]);
    const refused = bot.core.services.audit.query({ userId: NOBODY.id, limit: 1 })[0];
    expect(refused).toMatchObject({ platform: "discord", commandLine: "unban 192.0.2.21 alpha", outcome: "refused" });
  });

  it("walks every row with Next and Prev, a part of a page at a time, with an Unban beside each row", async () => {
    const ips = Array.from({ length: 20 }, (_, i) => `198.18.1.${i + 1}`);
    await fail2ban().ban("beta", ips);
    const unbans = (callback: Callback) => componentsOf(callback.data!).filter((c) => c.type === 2 && c.label?.startsWith("Unban "));
    const first = await discord.slash(VIEWER, { subcommand: "banned", options: { jail: "beta" } });
    // Fifteen rows a page, each a Section with its button: more than one message holds, so in parts.
    const shown = unbans(first).length;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(15);
    expect(footerOf(first)).toBe(`-# Rows 1–${shown} of 15 · Page 1 of 2 · 20 in all`);
    expect(buttonId(first, "Next")).toBe("v1:=banned beta");

    const rest = await discord.click(VIEWER, { customId: buttonId(first, "Next"), messageId: MESSAGE, v2: true });
    expect(rest.type).toBe(7);
    expect(footerOf(rest)).toBe(`-# Rows ${shown + 1}–15 of 15 · Page 1 of 2 · 20 in all`);
    expect(unbans(rest)).toHaveLength(15 - shown);
    expect(buttonId(rest, "Prev")).toBe("v0:=banned beta");

    // At the last part, Next is the next page; from its first part, Prev is the last part before.
    const page2 = await discord.click(VIEWER, { customId: buttonId(rest, "Next"), messageId: MESSAGE, v2: true });
    expect(footerOf(page2)).toBe("-# Page 2 of 2 · 20 in all");
    expect(unbans(page2)).toHaveLength(5);
    const back = await discord.click(VIEWER, { customId: buttonId(page2, "Prev"), messageId: MESSAGE, v2: true });
    expect(buttonId(page2, "Prev")).toMatch(/^v-1:=banned beta before /);
    expect(footerOf(back)).toBe(`-# Rows ${shown + 1}–15 of 15 · Page 1 of 2 · 20 in all`);

    const [row] = unbans(rest);
    const unbanned = await discord.click(OPERATOR, { customId: row!.custom_id!, messageId: MESSAGE, v2: true });
    expect(titleOf(unbanned.data!)).toBe(`Unbanned ${row!.label!.replace("Unban ", "")} in beta`);
    expect(await fail2ban().bannedIps("beta")).toHaveLength(19);
  });

  it("refuses a view button that would run a command that changes something", async () => {
    const ip = "198.18.1.77";
    await fail2ban().ban("beta", [ip]);
    const refused = await discord.click(OPERATOR, { customId: `v1:=unban ${ip} beta`, messageId: MESSAGE, v2: true });
    expect(refused.type).toBe(4);
    expect(embedOf(refused)?.title).toBe("Button expired");
    expect(await fail2ban().bannedIps("beta")).toContain(ip);
  });

  it("runs a command too long for a custom_id through a stored key", async () => {
    const ips = [1, 2, 3, 4].map((n) => `2001:db8:aaaa:bbbb:cccc:dddd:eeee:${n}`);
    const banned = await discord.slash(OPERATOR, { subcommand: "ban", options: { jail: "alpha", ips: ips.join(" ") } });
    const customId = buttonId(banned, "Unban all of them");
    expect(customId).toMatch(/^b0:#[\w-]{12}$/);
    const update = await discord.click(OPERATOR, { customId, messageId: MESSAGE });
    expect(embedOf(update)?.title).toBe("Unbanned 4 addresses in alpha");
    expect(await fail2ban().jailsBanning(ips)).toEqual([[], [], [], []]);

    const stale = await discord.click(OPERATOR, { customId: "b0:#AAAAAAAAAAAA", messageId: MESSAGE });
    expect(embedOf(stale)?.title).toBe("Button expired");
    expect(stale.data?.flags).toBe(64);
  });
});

describe("Discord confirmation of destructive commands", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML });
  const discord = useDiscord({ core: () => bot.core });
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;
  beforeEach(() => fail2ban().unbanAll());

  it("stops a jail only on Confirm, which only the admin who asked can use", async () => {
    const ask = await discord.slash(ADMIN, { subcommand: "stop", options: { jail: "beta" } });
    expect(ask.data?.flags).toBe(64);
    expect(ask.data?.components?.[0]?.components?.map((b) => b.label)).toEqual(["Confirm", "Cancel"]);
    const confirm = buttonId(ask, "Confirm");
    expect(confirm).toMatch(/^b0:=stop beta --confirm=[\w-]{22}$/);

    const refused = await discord.click(OPERATOR, { customId: confirm, messageId: MESSAGE, ephemeral: true });
    expect(embedOf(refused)).toMatchObject({ title: "Not allowed" });
    expect(refused.data?.flags).toBe(64);
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);

    // Another admin may not confirm what someone else asked for; the click is refused privately.
    const notYours = await discord.click(ADMIN2, { customId: confirm, messageId: MESSAGE, ephemeral: true });
    expect(embedOf(notYours)).toMatchObject({ title: "Not yours to confirm" });
    expect(notYours.data?.flags).toBe(64);
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);

    // Stopping a jail can outlast the defer threshold: then the update is a deferUpdate and an edit.
    const done = await discord.answer(discord.clickRaw(ADMIN, { customId: confirm, messageId: MESSAGE, ephemeral: true }));
    expect([7, 6]).toContain(done.callback.type);
    expect(done.message.embeds?.[0]?.title).toBe("Stopped beta");
    expect(done.message.content).toBe(`by <@${ADMIN.id}>`);
    expect((await fail2ban().status()).jails).toEqual(["alpha"]);

    const again = await discord.click(ADMIN, { customId: confirm, messageId: MESSAGE, ephemeral: true });
    expect(embedOf(again)?.title).toBe("Not confirmed");
    expect((await fail2ban().status()).jails).toEqual(["alpha"]);

    // "Start again" asks for its own confirmation, privately, as a new message.
    const startAsk = await discord.click(ADMIN, { customId: buttonId({ type: 7, data: done.message }, "Start again"), messageId: MESSAGE });
    expect(startAsk).toMatchObject({ type: 4, data: { flags: 64 } });
    const started = await discord.answer(discord.clickRaw(ADMIN, { customId: buttonId(startAsk, "Confirm"), messageId: MESSAGE, ephemeral: true }));
    expect(started.message.embeds?.[0]?.title).toBe("Started beta");
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
  });

  it("does nothing on Cancel, and the Confirm is dead afterwards", async () => {
    await fail2ban().ban("alpha", ["192.0.2.30"]);
    const ask = await discord.slash(ADMIN, { subcommand: "unban-all", options: { jail: "alpha" } });
    const cancelled = await discord.click(ADMIN, { customId: buttonId(ask, "Cancel"), messageId: MESSAGE, ephemeral: true });
    expect(embedOf(cancelled)?.title).toBe("Cancelled; nothing was changed");
    const late = await discord.click(ADMIN, { customId: buttonId(ask, "Confirm"), messageId: MESSAGE, ephemeral: true });
    expect(embedOf(late)?.title).toBe("Not confirmed");
    expect(await fail2ban().bannedIps("alpha")).toEqual(["192.0.2.30"]);
  });

  it("lets a confirmation expire", async () => {
    await fail2ban().ban("alpha", ["192.0.2.30"]);
    const ask = await discord.slash(ADMIN, { subcommand: "unban-all", options: { jail: "alpha" } });
    bot.clock.advance(300_001);
    const late = await discord.click(ADMIN, { customId: buttonId(ask, "Confirm"), messageId: MESSAGE, ephemeral: true });
    expect(embedOf(late)?.description).toMatch(/has expired/);
    expect(await fail2ban().bannedIps("alpha")).toEqual(["192.0.2.30"]);
  });
});

import { describe, expect, it } from "vitest";
import { useBanBot } from "../../harness/banbot.js";
import { useClients } from "../../harness/client.js";
import { buttonId, embedOf, useDiscord, type Callback } from "./harness.js";
import { ADMIN, ADMIN2, GRANTS_YAML, NOBODY, OPERATOR, VIEWER } from "./users.js";

const MESSAGE = "900000000000000100";
const selectOf = (callback: Callback) => callback.data?.components?.flatMap((r) => r.components).find((c) => c.options);

describe("Discord buttons and menus", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML });
  const discord = useDiscord({ core: () => bot.core });
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;

  it("runs a row's Unban as the member who clicks, updating the message and saying who did it", async () => {
    await fail2ban().ban("alpha", ["192.0.2.20", "192.0.2.21"]);
    const list = await discord.slash(VIEWER, { subcommand: "banned", options: { jail: "alpha" } });
    const customId = buttonId(list, "Unban 192.0.2.20");
    expect(customId).toMatch(/^b\d:=unban 192\.0\.2\.20 alpha$/);

    const update = await discord.click(OPERATOR, { customId, messageId: MESSAGE });
    expect(update.type).toBe(7);
    expect(update.data?.content).toBe(`by <@${OPERATOR.id}>`);
    expect(update.data?.allowed_mentions).toEqual({ parse: [] });
    expect(embedOf(update)?.title).toBe("Unbanned 192.0.2.20 in alpha");
    expect(await fail2ban().bannedIps("alpha")).toEqual(["192.0.2.21"]);
  });

  it("refuses a member without the role privately, and fail2ban is unchanged", async () => {
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

  it("pages with Next, and unbans from the select menu when a page has many rows", async () => {
    const ips = Array.from({ length: 20 }, (_, i) => `198.18.1.${i + 1}`);
    await fail2ban().ban("beta", ips);
    const first = await discord.slash(VIEWER, { subcommand: "banned", options: { jail: "beta" } });
    expect(embedOf(first)?.footer?.text).toBe("Page 1 of 2 · 20 in all");
    expect(selectOf(first)?.options).toHaveLength(15);

    const second = await discord.click(VIEWER, { customId: buttonId(first, "Next"), messageId: MESSAGE });
    expect(second.type).toBe(7);
    expect(second.data?.content).toBe("");
    expect(embedOf(second)?.footer?.text).toBe("Page 2 of 2 · 20 in all");

    const choice = selectOf(first)!.options![0]!;
    const unbanned = await discord.click(OPERATOR, { customId: "s0", values: [choice.value], messageId: MESSAGE });
    expect(embedOf(unbanned)?.title).toBe(`Unbanned ${choice.label.replace("Unban ", "")} in beta`);
    expect(await fail2ban().bannedIps("beta")).toHaveLength(19);
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

  it("stops a jail only on Confirm, which a non-admin cannot use and another admin can", async () => {
    const ask = await discord.slash(ADMIN, { subcommand: "stop", options: { jail: "beta" } });
    expect(ask.data?.flags).toBe(64);
    expect(ask.data?.components?.[0]?.components.map((b) => b.label)).toEqual(["Confirm", "Cancel"]);
    const confirm = buttonId(ask, "Confirm");
    expect(confirm).toMatch(/^b0:=stop beta --confirm=[\w-]{22}$/);

    const refused = await discord.click(OPERATOR, { customId: confirm, messageId: MESSAGE, ephemeral: true });
    expect(embedOf(refused)).toMatchObject({ title: "Not allowed" });
    expect(refused.data?.flags).toBe(64);
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);

    // Stopping a jail can outlast the defer threshold: then the update is a deferUpdate and an edit.
    const done = await discord.answer(discord.clickRaw(ADMIN2, { customId: confirm, messageId: MESSAGE, ephemeral: true }));
    expect([7, 6]).toContain(done.callback.type);
    expect(done.message.embeds?.[0]?.title).toBe("Stopped beta");
    expect(done.message.content).toBe(`by <@${ADMIN2.id}>`);
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
    const ask = await discord.slash(ADMIN, { subcommand: "unban-all", options: { jail: "alpha" } });
    bot.clock.advance(300_001);
    const late = await discord.click(ADMIN, { customId: buttonId(ask, "Confirm"), messageId: MESSAGE, ephemeral: true });
    expect(embedOf(late)?.description).toMatch(/has expired/);
    expect(await fail2ban().bannedIps("alpha")).toEqual(["192.0.2.30"]);
  });
});

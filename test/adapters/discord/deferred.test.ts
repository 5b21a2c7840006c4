import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCore, type Core } from "../../../src/compose.js";
import { useBanBot } from "../../harness/banbot.js";
import { silentLog } from "../../harness/client.js";
import { startSocketProxy } from "../../harness/socket-proxy.js";
import { buttonId, IS_COMPONENTS_V2, titleOf, useDiscord } from "./harness.js";
import { OPERATOR, GRANTS_YAML, VIEWER } from "./users.js";

// fail2ban behind a proxy that delays each reply by 150 ms: `status` takes four round trips, well
// past the 100 ms the adapter here waits before deferring (1.5 s in production).
describe("Discord deferred replies", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML });
  let slow: Core | undefined;
  let proxy: { close(): Promise<void> } | undefined;
  beforeAll(async () => {
    const socket = join(bot.sandbox.dir, "slow.sock");
    proxy = await startSocketProxy(socket, bot.sandbox.socketPath, { toClient: { delayMs: 150 } });
    slow = buildCore({ ...bot.config, fail2ban: { ...bot.config.fail2ban, socket } }, bot.db, silentLog, bot.clock);
  });
  afterAll(async () => {
    await slow?.close();
    await proxy?.close();
  });
  const discord = useDiscord({ core: () => slow!, timing: { deferAfterMs: 100 } });

  it("defers a slow command, then edits the reply with the result", async () => {
    const ids = discord.slashRaw(VIEWER, { subcommand: "status" });
    const { callback, message, via } = await discord.answer(ids);
    expect(callback).toEqual({ type: 5, data: { flags: 0 } });
    expect(via).toBe("PATCH webhook");
    expect(message.embeds?.[0]?.title).toMatch(/^fail2ban 1\.\d+\.\d+ is up/);
    const edit = await discord.webhook(ids.token, "PATCH");
    expect(edit.path).toBe(`/api/v10/webhooks/900000000000000002/${ids.token}/messages/@original`);
    expect(edit.query.get("with_response")).toBeNull();
  });

  it("replaces a deferred public reply with a private one when the result is an error", async () => {
    const ids = discord.slashRaw(VIEWER, { subcommand: "jail", options: { jail: "nosuch" } });
    const { callback, message, via } = await discord.answer(ids);
    expect(callback).toEqual({ type: 5, data: { flags: 0 } });
    expect(via).toBe("POST webhook");
    expect(message).toMatchObject({ flags: 64, embeds: [{ title: "Cannot do that" }] });
    expect((await discord.webhook(ids.token, "DELETE")).path).toMatch(/messages\/@original$/);
  });

  it("defers a slow click with deferUpdate, then edits the message it was on", async () => {
    const list = await discord.answer(discord.slashRaw(VIEWER, { subcommand: "banned", options: { jail: "alpha" } }));
    expect(list.message.embeds?.[0]?.title).toBe("No banned addresses in alpha");
    await discord.answer(discord.slashRaw(OPERATOR, { subcommand: "ban", options: { jail: "alpha", ips: "192.0.2.60" } }));
    const banned = await discord.answer(discord.slashRaw(VIEWER, { subcommand: "banned", options: { jail: "alpha" } }));
    expect(banned.message.flags).toBe(IS_COMPONENTS_V2);
    const customId = buttonId({ type: 7, data: banned.message }, "Unban 192.0.2.60");
    const click = discord.clickRaw(OPERATOR, { customId, messageId: "900000000000000100", v2: true });
    const { callback, message, via } = await discord.answer(click);
    expect(callback).toEqual({ type: 6 });
    expect(via).toBe("PATCH webhook");
    // The list was Components V2, so its replacement is too: no content or embeds, the byline a text display.
    expect(message).toMatchObject({ flags: IS_COMPONENTS_V2, content: "", embeds: [], attachments: [] });
    expect(titleOf(message)).toBe("Unbanned 192.0.2.60 in alpha");
    expect(message.components?.at(-1)).toEqual({ type: 10, content: `-# by <@${OPERATOR.id}>` });
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../../commands/index.js";
import { registerCommands } from "../../../src/cli/register.js";
import type { DiscordConfig } from "../../../src/adapters/discord/entry.js";
import { discordCommandJson, discordLayout } from "../../../src/adapters/discord/schema.js";
import { FakeDiscord } from "../../fakes/fake-discord.js";
import { FAKE_GUILD } from "../../fakes/fake-discord-payloads.js";
import { TEST_COMMANDS } from "../../harness/test-commands.js";
import { TOKEN } from "./harness.js";

const APP = FAKE_GUILD.applicationId;
const GUILD_ROUTE = `/api/v10/applications/${APP}/guilds/${FAKE_GUILD.id}/commands`;

// Each test on a Discord of its own, where /f2b is not registered yet.
describe("banbot register", () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await FakeDiscord.start(FAKE_GUILD);
  });
  afterEach(async () => {
    await fake.close();
  });
  const discord = (guildId: string | undefined): DiscordConfig => ({ token: TOKEN, applicationId: APP, guildId, apiUrl: `${fake.apiUrl}/` });
  const register = async (guildId: string | undefined) => {
    const lines: string[] = [];
    const before = fake.requests.length;
    const result = await registerCommands({ discord: discord(guildId), commands: TEST_COMMANDS, catalogue: COMMANDS, out: (l) => lines.push(l) });
    return { result, lines, requests: fake.requests.slice(before) };
  };
  const names = discordLayout(COMMANDS).map((p) => (p.group ? `${p.group} ${p.subcommand}` : p.subcommand));

  it("registers the generated /f2b JSON for the guild, with the bot token", async () => {
    const { lines, requests } = await register(FAKE_GUILD.id);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${GUILD_ROUTE}`, `PUT ${GUILD_ROUTE}`]);
    expect(requests[1]?.headers.authorization).toBe(`Bot ${TOKEN}`);
    expect(requests[1]?.body).toEqual([discordCommandJson(COMMANDS)]);
    expect(lines).toEqual([
      `Registered /f2b in guild ${FAKE_GUILD.id}:`,
      `  added: ${names.join(", ")}`,
      `Add the bot to a server with: https://discord.com/oauth2/authorize?client_id=${APP}&scope=bot+applications.commands&permissions=309237763072`,
    ]);
  });

  it("writes nothing the second time and says it is up to date", async () => {
    await register(FAKE_GUILD.id);
    const { lines, requests, result } = await register(FAKE_GUILD.id);
    expect(requests.map((r) => r.method)).toEqual(["GET"]);
    expect(result.updated).toBe(false);
    expect(lines).toEqual([`/f2b is up to date in guild ${FAKE_GUILD.id} (${names.length} subcommands).`]);
  });

  it("ignores what Discord adds or leaves out in its copy (ids, localisations, false flags)", async () => {
    await register(FAKE_GUILD.id);
    const stored = fake.commands.get(GUILD_ROUTE.replace("/api/v10", "")) as { options: Record<string, unknown>[] }[];
    for (const sub of stored[0]!.options) for (const option of (sub.options as Record<string, unknown>[]) ?? []) {
      if (option.required === false) delete option.required;
      option.name_localizations = null;
    }
    expect((await register(FAKE_GUILD.id)).lines).toEqual([`/f2b is up to date in guild ${FAKE_GUILD.id} (${names.length} subcommands).`]);
  });

  it("says which subcommands were added, changed and removed, and which other commands go", async () => {
    await register(FAKE_GUILD.id);
    const route = GUILD_ROUTE.replace("/api/v10", "");
    const [f2b] = fake.commands.get(route) as { options: { name: string; description: string }[] }[];
    f2b!.options = f2b!.options.filter((o) => o.name !== "status").map((o) => (o.name === "ban" ? { ...o, description: "old text" } : o));
    f2b!.options.push({ name: "frobnicate", description: "gone", type: 1 } as never);
    fake.commands.set(route, [f2b, { name: "oldbot", description: "renamed", type: 1 }]);
    const { lines, requests } = await register(FAKE_GUILD.id);
    expect(requests.map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(lines).toEqual([`Updated /f2b in guild ${FAKE_GUILD.id}:`, "  added: status", "  changed: ban", "  removed: frobnicate", "  removed command: /oldbot"]);
  });

  it("registers globally without DISCORD_GUILD_ID, retrying a 429", async () => {
    fake.rateLimitNext("PUT", /\/applications\/\d+\/commands$/, 0.2);
    const { lines, requests } = await register(undefined);
    expect(requests.map((r) => `${r.method} ${r.path} ${r.fault ? "429" : ""}`.trim())).toEqual([
      `GET /api/v10/applications/${APP}/commands`,
      `PUT /api/v10/applications/${APP}/commands 429`,
      `PUT /api/v10/applications/${APP}/commands`,
    ]);
    expect(lines[0]).toBe("Registered /f2b globally:");
    expect(lines).toHaveLength(3);
    // A global command would otherwise work in DMs with the bot; guild commands never do.
    expect(requests.at(-1)?.body).toEqual([{ ...discordCommandJson(COMMANDS), contexts: [0] }]);
  });

  it("restricts a global /f2b registered before to servers", async () => {
    await register(undefined);
    const route = `/applications/${APP}/commands`;
    const [f2b] = fake.commands.get(route) as { contexts?: number[] | null }[];
    f2b!.contexts = null;
    const { lines, requests } = await register(undefined);
    expect(requests.map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(lines).toEqual(["Updated /f2b globally:", "  changed: (where /f2b can be used: servers only)"]);
    expect((await register(undefined)).lines).toEqual([`/f2b is up to date globally (${names.length} subcommands).`]);
  });
});

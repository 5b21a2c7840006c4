import { describe, expect, it } from "vitest";
import { useBanBot } from "../../harness/banbot.js";
import { useClients } from "../../harness/client.js";
import { useDiscord } from "./harness.js";
import type { Member } from "../../fakes/fake-discord-payloads.js";
import { GRANTS_YAML, NOBODY, VIEWER } from "./users.js";

// A viewer whose grant holds in another channel only: no role where the tests type.
const ELSEWHERE: Member = { id: "555555555555555553", username: "elsa" };
const YAML = GRANTS_YAML.replace(
  "commands:",
  `    - role: viewer
      discord_users: ["${ELSEWHERE.id}"]
      channels: ["900000000000000099"]
commands:`,
);

describe("Discord autocomplete", () => {
  const bot = useBanBot({ yaml: YAML });
  // A short cache, so bans made between tests show up.
  const discord = useDiscord({ core: () => bot.core, timing: { autocompleteTtlMs: 1 } });
  const connect = useClients();

  const complete = async (subcommand: string, focused: string, options: Record<string, string>, member = VIEWER) => {
    const callback = await discord.slash(member, { subcommand, options, focused });
    expect(callback.type).toBe(8);
    return callback.data?.choices;
  };

  it("suggests jail names matching what was typed", async () => {
    expect(await complete("jail", "jail", { jail: "" })).toEqual([
      { name: "alpha", value: "alpha" },
      { name: "beta", value: "beta" },
    ]);
    expect(await complete("banned", "jail", { jail: "BE" })).toEqual([{ name: "beta", value: "beta" }]);
  });

  it("suggests the banned addresses of the jail already chosen, by prefix", async () => {
    const fail2ban = connect(bot.sandbox.socketPath).fail2ban;
    await fail2ban.ban("alpha", ["192.0.2.5", "192.0.2.50", "198.51.100.5"]);
    await fail2ban.ban("beta", ["192.0.2.51"]);
    expect(await complete("unban", "ips", { jail: "alpha", ips: "192.0.2.5" })).toEqual([
      { name: "192.0.2.5", value: "192.0.2.5" },
      { name: "192.0.2.50", value: "192.0.2.50" },
    ]);
    // No jail chosen: every jail's.
    expect(await complete("ip", "ip", { ip: "192.0.2.5" })).toEqual([
      { name: "192.0.2.5", value: "192.0.2.5" },
      { name: "192.0.2.50", value: "192.0.2.50" },
      { name: "192.0.2.51", value: "192.0.2.51" },
    ]);
    // Several addresses: completes the last one.
    expect(await complete("unban", "ips", { jail: "alpha", ips: "192.0.2.5 198" })).toEqual([{ name: "192.0.2.5 198.51.100.5", value: "192.0.2.5 198.51.100.5" }]);
  });

  it("answers an empty list for options without suggestions and for unknown jails", async () => {
    expect(await complete("ban", "duration", { jail: "alpha", ips: "192.0.2.1", duration: "1" })).toEqual([]);
    expect(await complete("unban", "ips", { jail: "nosuch", ips: "" })).toEqual([]);
  });

  it("suggests nothing to members without a role here: neither jail names nor banned addresses", async () => {
    await connect(bot.sandbox.socketPath).fail2ban.ban("alpha", ["192.0.2.77"]);
    for (const member of [NOBODY, ELSEWHERE]) {
      expect(await complete("jail", "jail", { jail: "" }, member)).toEqual([]);
      expect(await complete("ip", "ip", { ip: "192.0.2.7" }, member)).toEqual([]);
    }
    // The same request from a viewer shows what the viewer may read.
    expect(await complete("ip", "ip", { ip: "192.0.2.7" })).toEqual([{ name: "192.0.2.77", value: "192.0.2.77" }]);
  });
});

import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Reply } from "../../src/core/reply.js";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";

const confirmOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Confirm")?.command ?? "";
const FIRST = "Reloads every jail from fail2ban's configuration: runtime changes (ignore lists, settings, idle) are replaced by the configured ones";

// The confirmation must say what the reload will do to bans, jail by jail, and the reload must do it.
describe("reload-all's confirmation against a real fail2ban", () => {
  const bot = useBanBot();
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;

  it("names the stopped jails that start, and says every running jail keeps its bans", async () => {
    await fail2ban().ban("alpha", ["192.0.2.90"]);
    await fail2ban().stopJail("beta");
    const ask = await bot.run("reload-all");
    expect(ask.text).toBe(`${FIRST}, and every running jail keeps its bans. Stopped jail beta starts. The button expires in 5m.`);
    await bot.run(confirmOf(ask));
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
    expect(await fail2ban().jailsBanning(["192.0.2.90"])).toEqual([["alpha"]]);
  });

  it("says which jails leave the configuration, that they stop, and how many bans that lifts", async () => {
    const jailLocal = join(bot.sandbox.dir, "conf", "jail.local");
    try {
      await fail2ban().ban("alpha", ["192.0.2.93"]);
      await fail2ban().ban("beta", ["192.0.2.91", "192.0.2.92"]);
      await writeFile(jailLocal, "[beta]\nenabled = false\n");
      const ask = await bot.run("reload-all");
      expect(ask.text).toBe(`${FIRST}, and alpha keeps its bans. beta is no longer configured: it stops, and its 2 bans are lifted. The button expires in 5m.`);
      await bot.run(confirmOf(ask));
      expect((await fail2ban().status()).jails).toEqual(["alpha"]);
      expect(await fail2ban().jailsBanning(["192.0.2.93", "192.0.2.91"])).toEqual([["alpha"], []]);
    } finally {
      // beta configured and running again, for the tests that run after this one.
      await rm(jailLocal, { force: true });
      await bot.sandbox.restart();
    }
  });
});

import { describe, expect, it } from "vitest";
import { InstanceLock } from "../../src/store/instance-lock.js";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";

// alpha's own ban time is 1h. The test clock starts at 2026-11-22 09:00 UTC and stands still.
const NOT_KEPT = "not at 2026-11-22 09:10 UTC: no `banbot start` runs the jobs that keep timed bans";
const timedField = (reply: { fields?: { label: string; value: string }[] }) => reply.fields?.find((f) => f.label === "Timed bans")?.value;

describe("the end a `ban … for` really gets, on every surface", () => {
  const bot = useBanBot();
  const connect = useClients();

  it("with no process running the jobs, says fail2ban's end in the title and the Until field, not the timed one", async () => {
    const reply = await bot.run("ban 192.0.2.180 alpha for 10m");
    expect(reply.title).toBe("Banned 192.0.2.180 in alpha for 1h, alpha's ban time");
    expect(reply.fields).toEqual([{ label: "Until", value: "2026-11-22 10:00 UTC (fail2ban's end)" }]);
    expect(reply.notes).toEqual([expect.stringMatching(/^No BanBot process runs the background jobs now .* fail2ban keeps its own end \(alpha's own ban time is 1h\), not 2026-11-22 09:10 UTC\.$/)]);
    expect(timedField(await bot.run("ip 192.0.2.180"))).toBe(`alpha: ends in 1h, ${NOT_KEPT}`);
  });

  it("shows fail2ban's end for an address it had banned already (banning it again moved that end)", async () => {
    await connect(bot.sandbox.socketPath).fail2ban.ban("alpha", ["192.0.2.181"]);
    const reply = await bot.run("ban 192.0.2.181 alpha for 10m");
    expect(reply.notes?.[0]).toBe("It was already banned.");
    expect(timedField(await bot.run("ip 192.0.2.181"))).toBe(`alpha: ends in 1h, ${NOT_KEPT}`);
    // The whole reply is compared, so a failure shows what came instead of the table (and an incident's cause).
    const page = await bot.run("banned alpha 192.0.2.181");
    expect(page, JSON.stringify(bot.errors)).toMatchObject({ table: { rows: [["192.0.2.181", expect.anything(), expect.anything(), `in 1h, ${NOT_KEPT}`]] } });
  });

  it("with a process running the jobs, says the timed end", async () => {
    const lock = new InstanceLock(bot.db, "elsewhere:1:abc", 45_000);
    expect(lock.tryHold(bot.clock.now())).toBe(true);
    try {
      const reply = await bot.run("ban 192.0.2.182 alpha for 10m");
      expect(reply.title).toBe("Banned 192.0.2.182 in alpha for 10m");
      expect(reply.fields).toEqual([{ label: "Until", value: "2026-11-22 09:10 UTC" }]);
      expect(reply.notes).toEqual([]);
      expect(timedField(await bot.run("ip 192.0.2.182"))).toBe("alpha: ends in 10m (timed) (2026-11-22 09:10 UTC)");
    } finally {
      lock.release();
    }
  });
});

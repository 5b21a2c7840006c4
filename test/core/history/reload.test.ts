import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { JailReport } from "../../../src/core/history/action-line.js";
import type { Reply } from "../../../src/core/reply.js";
import { useBanBot } from "../../harness/banbot.js";
import { useClients } from "../../harness/client.js";

const run = promisify(execFile);
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 8_000, interval: 25 });
const confirmOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Confirm")?.command ?? "";

// fail2ban keeps a Python action across a reload only when it can reload itself; otherwise it drops
// it from the jail, silently, and every later ban and unban is lost to the archive.
describe("history capture across reloads of a real fail2ban", () => {
  const bot = useBanBot({ capture: true });
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;
  const events = (ip: string) => bot.core.services.history.events({ ip }, { limit: 10 }).map((e) => `${e.jail} ${e.kind}`);
  const reports: JailReport[] = [];
  const seen = () => reports.map((r) => `${r.jail} ${r.event}`).sort();
  // Waits for exactly these reports (in any order), then forgets them.
  const reported = async (expected: string[]) => {
    await eventually(() => expect(seen()).toEqual(expected));
    reports.length = 0;
  };
  beforeAll(async () => {
    bot.core.services.history.subscribeJails((r) => reports.push(r));
    // The jails started before BanBot listened: the action kept their reports until it did.
    await reported(["alpha start", "beta start"]);
  });

  async function expectBanAndUnbanArchived(ip: string, jail = "alpha"): Promise<void> {
    await fail2ban().ban(jail, [ip]);
    await fail2ban().unban(jail, [ip]);
    await eventually(() => expect(events(ip)).toEqual([`${jail} unban`, `${jail} ban`]));
  }

  it("keeps reporting after `reload <jail>`", async () => {
    expect((await bot.run("reload alpha")).tone).toBe("ok");
    await expectBanAndUnbanArchived("192.0.2.101");
    await reported(["alpha reload"]);
  });

  it("keeps reporting after `reload-all`", async () => {
    const done = await bot.run(confirmOf(await bot.run("reload-all")));
    expect(done.title).toBe("Reloaded fail2ban's configuration");
    await expectBanAndUnbanArchived("192.0.2.102");
    await expectBanAndUnbanArchived("192.0.2.103", "beta");
    await reported(["alpha reload", "beta reload"]);
  });

  it("keeps reporting after a `fail2ban-client reload` outside BanBot", async () => {
    await run("fail2ban-client", ["-c", join(bot.sandbox.dir, "conf"), "-s", bot.sandbox.socketPath, "reload"]);
    await expectBanAndUnbanArchived("192.0.2.104");
    await expectBanAndUnbanArchived("192.0.2.105", "beta");
    await reported(["alpha reload", "beta reload"]);
  });

  it("reports a jail's stop and start", async () => {
    await fail2ban().stopJail("beta");
    await reported(["beta stop"]);
    await run("fail2ban-client", ["-c", join(bot.sandbox.dir, "conf"), "-s", bot.sandbox.socketPath, "reload", "--if-exists", "beta"]);
    await reported(["beta start"]);
    await expectBanAndUnbanArchived("192.0.2.106", "beta");
  });
});

import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Reply } from "../../src/core/reply.js";
import { JAIL_RESTARTED } from "../../src/core/ports/jail-notes.js";
import { slackUser, useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";

const run = promisify(execFile);
const ADMIN = slackUser("U0ADMIN", { userName: "ada" });
const YAML = `
access:
  grants:
    - role: admin
      slack_users: [U0ADMIN]
`;
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 8_000, interval: 25 });
const confirmOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Confirm")?.command ?? "";

describe("jail state as fail2ban has it", () => {
  const bot = useBanBot({ yaml: YAML, capture: true });
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;
  const row = async (jail: string) => (await bot.run("jails")).table?.rows.find((r) => r[0] === jail);
  const idleField = async (jail: string) => (await bot.run(`jail ${jail}`)).fields?.find((f) => f.label === "Idle")?.value;
  beforeEach(() => fail2ban().unbanAll());
  const reloadOutside = (jail: string) => run("fail2ban-client", ["-c", join(bot.sandbox.dir, "conf"), "-s", bot.sandbox.socketPath, "reload", jail]);

  it("shows idle while the jail is idle, and not after a reload turned it off", async () => {
    await bot.run("idle alpha on", ADMIN);
    expect((await row("alpha"))?.[8]).toBe("idle");
    expect(await idleField("alpha")).toMatch(/^on \(set by ada \d+(ms|s) ago\)$/);

    await reloadOutside("alpha");
    expect((await row("alpha"))?.[8]).toBe("");
    expect(await idleField("alpha")).toBe("off");
    // The action's reload report also turned BanBot's own note off.
    await eventually(() => expect(bot.core.services.jailNotes.idleOf(bot.core.services.host, "alpha")).toMatchObject({ idle: false, by: JAIL_RESTARTED }));
  });

  it("says what it knows where BanBot's action cannot read the flag", async () => {
    await fail2ban().setIdle("beta", true);
    await run("fail2ban-client", ["-s", bot.sandbox.socketPath, "set", "beta", "delaction", "banbot"]);
    expect((await row("beta"))?.[8]).toBe("");
    expect(await idleField("beta")).toBe("off, unless set outside BanBot (fail2ban cannot report it)");

    await bot.run("idle beta on", ADMIN);
    const listing = await bot.run("jails");
    expect(listing.table?.rows.find((r) => r[0] === "beta")?.[8]).toBe("idle?");
    expect(listing.notes).toEqual([expect.stringMatching(/^beta: idle set on by ada \d+(ms|s) ago; fail2ban cannot confirm\.$/)]);
    expect(await idleField("beta")).toMatch(/^set on by ada \d+(ms|s) ago; fail2ban cannot confirm$/);
  });

  it("lists a stopped jail with a Start button, and `jail` says how to start it", async () => {
    await fail2ban().ban("beta", ["192.0.2.220", "192.0.2.221"]);
    const ask = await bot.run("stop beta", ADMIN);
    expect(ask.text).toBe("Stops beta: it reads no logs and bans nobody until started again, and its 2 bans are lifted now (`start beta` brings back those still within their ban time). The button expires in 5m.");
    await bot.run(confirmOf(ask), ADMIN);

    const listing = await bot.run("jails");
    expect(listing.title).toBe("1 jail running, 1 stopped");
    expect(listing.table?.rows.map((r) => `${r[0]} ${r[8]}`)).toEqual(["alpha ", "beta stopped"]);
    expect(listing.table?.rowActions).toEqual([{ label: "Banned", command: "banned alpha" }, { label: "Start", command: "start beta" }]);
    expect(await bot.run("jail beta")).toMatchObject({ title: "Jail beta is stopped", tone: "warn", actions: [{ label: "Start", command: "start beta" }] });
    expect((await bot.run("jail gamma")).text).toMatch(/fail2ban has no jail named gamma/);

    const start = await bot.run("start beta", ADMIN);
    expect(start.text).toMatch(/^Starts beta from fail2ban's configuration: .* `stop beta` stops it again\. The button expires in 5m\.$/);
    expect(start.text).not.toMatch(/undone/);
    await bot.run(confirmOf(start), ADMIN);
    expect((await bot.run("jails")).title).toBe("2 jails");
    // Its two bans come back (fail2ban restores them from its database a moment after the start).
    await vi.waitFor(async () => expect((await fail2ban().bannedIps("beta")).sort()).toEqual(["192.0.2.220", "192.0.2.221"]), { timeout: 10_000, interval: 50 });
  });

  it("asks nothing when there is nothing to act on", async () => {
    expect(await bot.run("stop alpah", ADMIN)).toMatchObject({ tone: "error", text: "fail2ban has no jail named alpah. Did you mean `alpha`?" });
    expect((await bot.run("blocklist remove nosuch", ADMIN)).text).toMatch(/^There is no blocklist named nosuch\./);
  });

  it("says how many bans unban-all lifts", async () => {
    await fail2ban().ban("alpha", ["192.0.2.222", "192.0.2.223"]);
    await fail2ban().ban("beta", ["192.0.2.224", "192.0.2.225", "192.0.2.226"]);
    expect((await bot.run("unban-all alpha", ADMIN)).text).toMatch(/^Lifts all 2 bans in alpha; /);
    expect((await bot.run("unban-all all", ADMIN)).text).toMatch(/^Lifts all 5 bans in every jail \(alpha 2, beta 3\); .* This cannot be undone from here\. The button expires in 5m\.$/);
  });
});

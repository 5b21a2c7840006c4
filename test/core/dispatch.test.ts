import { describe, expect, it } from "vitest";
import { slackUser } from "../harness/banbot.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";

const YAML = `
access:
  grants:
    - role: viewer
      slack_users: [U0VIEWER]
    - role: operator
      slack_groups: [S0OPS]
    - role: viewer
      slack_users: [U0BUSY]
    - role: operator
      slack_users: [U0CHANOP]
      channels: [C0OPS]
commands:
  rate_limit:
    per_minute: 20
`;

const VIEWER = slackUser("U0VIEWER");
const OPERATOR = slackUser("U0MEMBER", { groups: ["S0OPS"] });
const STRANGER = slackUser("U0NOBODY");

describe("Dispatcher", () => {
  const bot = useFakeBanBot({ yaml: YAML });
  const fail2ban = () => bot.fail2ban;

  it("refuses ungranted users, naming their ID, and changes nothing", async () => {
    const reply = await bot.run("ban 203.0.113.20 alpha", STRANGER);
    expect(reply).toMatchObject({ tone: "error", title: "Not allowed", private: true });
    expect(reply.text).toContain("`U0NOBODY`");
    expect(await fail2ban().jailsBanning(["203.0.113.20"])).toEqual([[]]);
    expect((await bot.run("status", STRANGER)).title).toBe("Not allowed");
  });

  it("lets a viewer read but not change", async () => {
    expect((await bot.run("jails", VIEWER)).tone).toBe("info");
    const refused = await bot.run("ban 203.0.113.21 alpha", VIEWER);
    expect(refused.text).toMatch(/You need the operator role for this; you have viewer/);
    expect(await fail2ban().jailsBanning(["203.0.113.21"])).toEqual([[]]);
  });

  it("checks the person who clicks an action, not the one who got the reply", async () => {
    const banned = await bot.run("ban 203.0.113.22 alpha", OPERATOR);
    const unban = banned.actions?.[0]?.command ?? "";
    expect(unban).toBe("unban 203.0.113.22 alpha");
    expect((await bot.run(unban, VIEWER)).title).toBe("Not allowed");
    expect(await fail2ban().jailsBanning(["203.0.113.22"])).toEqual([["alpha"]]);
    expect((await bot.run(unban, OPERATOR)).title).toBe("Unbanned 203.0.113.22 in alpha");
    expect(await fail2ban().jailsBanning(["203.0.113.22"])).toEqual([[]]);
  });

  it("honours channel-limited grants", async () => {
    const elsewhere = await bot.run("ban 203.0.113.23 alpha", slackUser("U0CHANOP", { channelId: "C0OTHER" }));
    expect(elsewhere.text).toMatch(/only applies in other channels/);
    expect((await bot.run("ban 203.0.113.23 alpha", slackUser("U0CHANOP", { channelId: "C0OPS" }))).tone).toBe("ok");
  });

  it("keeps admin-only commands from operators, confirmation included", async () => {
    const refused = await bot.run("stop alpha", OPERATOR);
    expect(refused.title).toBe("Not allowed");
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
  });

  it("audits changes, refusals and confirmations with who, where and the result", async () => {
    await bot.run("ban 203.0.113.21 alpha", VIEWER);
    await bot.run("ban 203.0.113.22 alpha", OPERATOR);
    await bot.run("unban 203.0.113.22 alpha", OPERATOR);
    await bot.run("jails", VIEWER);
    await bot.run("status", STRANGER);
    const rows = bot.core.services.audit.query({ limit: 100 });
    const refusal = rows.find((r) => r.userId === "U0VIEWER" && r.command === "ban");
    expect(refusal).toMatchObject({ platform: "slack", channelId: "C0TEST", outcome: "refused", commandLine: "ban 203.0.113.21 alpha" });
    const ok = rows.find((r) => r.userId === "U0MEMBER" && r.command === "unban");
    expect(ok).toMatchObject({ outcome: "ok", message: "Unbanned 203.0.113.22 in alpha" });
    expect(ok!.durationMs).toBeGreaterThanOrEqual(0);
    // Reads are not audited, refused reads are.
    expect(rows.some((r) => r.command === "jails")).toBe(false);
    expect(rows.some((r) => r.command === "status" && r.outcome === "refused")).toBe(true);
    const shown = await bot.run("audit", VIEWER);
    expect(shown.table?.rows.some((r) => r.includes("unban 203.0.113.22 alpha"))).toBe(true);
    expect((await bot.run("audit U0VIEWER", VIEWER)).table?.rows.every((r) => r[1] === "slack:U0VIEWER")).toBe(true);
  });

  it("records failed changes with their reason", async () => {
    await bot.run("ban 203.0.113.24 nosuchjail", OPERATOR);
    const [latest] = bot.core.services.audit.query({ userId: "U0MEMBER", limit: 1 });
    expect(latest).toMatchObject({ command: "ban", outcome: "error", message: expect.stringMatching(/no jail named nosuchjail/) });
  });

  it("rate-limits each user, and says when to retry", async () => {
    const busy = slackUser("U0BUSY");
    const titles: string[] = [];
    for (let i = 0; i < 21; i++) titles.push((await bot.run("help", busy)).title);
    expect(titles.slice(0, 20).every((t) => t !== "Too many commands")).toBe(true);
    expect(titles[20]).toBe("Too many commands");
    expect((await bot.run("help", VIEWER)).title).not.toBe("Too many commands");
    bot.clock.advance(60_000);
    expect((await bot.run("help", busy)).title).not.toBe("Too many commands");
  });
});

describe("Dispatcher.drain", () => {
  const bot = useFakeBanBot();

  it("waits for commands under way, so shutdown does not cut them off", async () => {
    await bot.core.dispatcher.drain(1000);
    const running = bot.run("jails");
    let drained = false;
    const draining = bot.core.dispatcher.drain(10_000).then(() => (drained = true));
    expect(drained).toBe(false);
    const reply = await running;
    await draining;
    expect(reply.tone).toBe("info");
    expect(drained).toBe(true);
  });
});

describe("Dispatcher when something breaks inside", () => {
  const bot = useFakeBanBot();

  it("shows an incident id and nothing internal, and logs nothing into the reply", async () => {
    // With the store closed under it, recording a timed ban throws an internal (non-user) error.
    bot.db.close();
    const reply = await bot.run("ban 203.0.113.25 alpha for 1h");
    expect(reply).toMatchObject({ tone: "error", title: "Something went wrong", private: true });
    expect(reply.text).toMatch(/^Something went wrong \(ref `[0-9a-f]{6}`\)\. The details are in BanBot's log\.$/);
  });
});

import { describe, expect, it, vi } from "vitest";
import { useClients } from "../../harness/client.js";
import { replyTo, textOf, USERS, useSlackBot, type Mode } from "./harness.js";

// Slack's Web API stumbling (500s, 429s) must not cost a command: BanBot knows who it is from the
// auth.test it made at start, so a command runs, is audited and is answered as soon as Slack
// takes the answer again.
describe.each<Mode>(["http", "socket"])("Slack commands while the Web API stumbles (%s mode)", (mode) => {
  const s = useSlackBot({ mode });
  const connect = useClients();
  const audited = (line: string) => s.bot.core.services.audit.query({ limit: 100 }).filter((e) => e.commandLine === line);

  it("calls auth.test once, at start, however many commands arrive", async () => {
    expect(s.fake.calls("auth.test")).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      expect(textOf(await replyTo(s.fake, await s.slack.slash(i % 2 ? "jails" : "help", { user: USERS.viewer })))).not.toBe("");
    }
    expect(s.fake.calls("auth.test")).toHaveLength(1);
  });

  it("makes and audits a ban typed while every Web API call and response_url answers 500, and delivers its reply after", { timeout: 30_000 }, async () => {
    const recover = s.fake.outage(["/api/", "/hooks/"], { status: 500, error: "internal_error" });
    let sent;
    try {
      sent = await s.slack.slash(`ban 192.0.2.150 alpha`, { user: USERS.admin });
      if (mode === "http") expect(sent.status).toBe(200);
      await expect.poll(async () => await connect(s.bot.sandbox.socketPath).fail2ban.jailsBanning(["192.0.2.150"]), { timeout: 10_000 }).toEqual([["alpha"]]);
      // The audit row is written once fail2ban's answer is in, a moment after the ban shows.
      await expect.poll(() => audited("ban 192.0.2.150 alpha").map((e) => e.outcome)).toEqual(["ok"]);
      // The reply was tried and refused: nothing has reached the user yet.
      const path = new URL(sent.responseUrl).pathname;
      await vi.waitFor(() => expect(s.fake.requests.filter((r) => r.path === path).map((r) => r.status)).toContain(500), { timeout: 10_000 });
    } finally {
      recover();
    }
    const path = new URL(sent.responseUrl).pathname;
    const delivered = await vi.waitFor(
      () => {
        const ok = s.fake.requests.find((r) => r.path === path && r.status === 200);
        if (!ok) throw new Error("the reply has not been delivered yet");
        return ok.args;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(textOf(delivered)).toMatch(/Banned 192\.0\.2\.150 in alpha/);
    expect(s.fake.calls("auth.test")).toHaveLength(1);
  });
});

// Socket Mode's own reconnection gives up, with a rejection nobody catches (the end of the
// process), when apps.connections.open cannot be reached while it reconnects.
describe("Slack Socket Mode through a connection loss during a Web API outage", () => {
  const s = useSlackBot({ mode: "socket" });

  it("keeps trying until Slack answers again, then serves commands on the new connection", { timeout: 60_000 }, async () => {
    const opened = s.fake.calls("apps.connections.open").length;
    const recover = s.fake.outage(["apps.connections.open"], { status: 503 });
    try {
      s.fake.socket.dropAll();
      await vi.waitFor(() => expect(s.fake.calls("apps.connections.open").length).toBeGreaterThan(opened + 3), { timeout: 30_000, interval: 100 });
    } finally {
      recover();
    }
    await s.fake.socket.connected();
    expect(textOf(await replyTo(s.fake, await s.slack.slash("help", { user: USERS.viewer })))).toMatch(/help/i);
  });
});

import { describe, expect, it } from "vitest";
import { FAKE_TOKENS } from "../../fakes/fake-slack.js";
import { postSigned } from "../../fakes/fake-slack-driver.js";
import { slashCommandFields } from "../../fakes/fake-slack-payloads.js";
import { useClients } from "../../harness/client.js";
import { replyTo, textOf, USERS, useSlackBot } from "./harness.js";

// What only HTTP mode has: bolt's receiver verifies every request's signature and timestamp.
describe("Slack adapter, HTTP receiver", () => {
  const s = useSlackBot({ mode: "http" });
  const connect = useClients();
  const fail2ban = () => connect(s.bot.sandbox.socketPath).fail2ban;
  const form = (text: string) => new URLSearchParams(slashCommandFields(text, { user: USERS.admin, responseUrl: s.fake.responseUrl() })).toString();
  const audited = () => s.bot.core.services.audit.query({ limit: 100 }).length;

  it("acknowledges a signed /f2b at once and answers through response_url", async () => {
    const sent = await s.slack.slash("status", { user: USERS.viewer });
    expect(sent.status).toBe(200);
    expect(sent.ackMs).toBeLessThan(1000);
    const reply = await replyTo(s.fake, sent);
    expect(reply.response_type).toBe("ephemeral");
    expect(textOf(reply)).toMatch(/fail2ban 1\.\d+\.\d+ is up on /);
  });

  // A signed request replayed later carries its old timestamp (changing it breaks the signature).
  it.each([
    ["a wrong signature", "192.0.2.200", { secret: "not-the-secret" }],
    ["a signed request six minutes old", "192.0.2.202", { secret: FAKE_TOKENS.signingSecret, timestamp: Math.floor(Date.now() / 1000) - 360 }],
    ["a signed request dated six minutes ahead", "192.0.2.204", { secret: FAKE_TOKENS.signingSecret, timestamp: Math.floor(Date.now() / 1000) + 360 }],
    ["no signature at all", "192.0.2.203", { secret: FAKE_TOKENS.signingSecret, signature: "" }],
  ])("refuses %s with 401 and runs nothing", async (_what, ip, signing) => {
    const before = audited();
    const res = await postSigned(s.endpoint(), form(`ban ${ip} alpha`), signing);
    expect(res.status).toBe(401);
    // Give a wrongly accepted request the time it would need to reach fail2ban.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await fail2ban().jailsBanning([ip])).toEqual([[]]);
    expect(audited()).toBe(before);
  });

  it("runs the same request when it is signed correctly, also a little ahead of the bot's clock", async () => {
    const res = await postSigned(s.endpoint(), form("ban 192.0.2.201 alpha"), { secret: FAKE_TOKENS.signingSecret });
    expect(res.status).toBe(200);
    await expect.poll(async () => await fail2ban().jailsBanning(["192.0.2.201"])).toEqual([["alpha"]]);
    const ahead = await postSigned(s.endpoint(), form("ban 192.0.2.205 alpha"), { secret: FAKE_TOKENS.signingSecret, timestamp: Math.floor(Date.now() / 1000) + 240 });
    expect(ahead.status).toBe(200);
    await expect.poll(async () => await fail2ban().jailsBanning(["192.0.2.205"])).toEqual([["alpha"]]);
  });
});

import { describe, expect, it } from "vitest";
import { ACTION_ID_PREFIX } from "../../../src/adapters/slack/buttons.js";
import { FAKE_TOKENS } from "../../fakes/fake-slack.js";
import { postSigned } from "../../fakes/fake-slack-driver.js";
import { blockActionsPayload, newTriggerId, slashCommandFields, type FoundButton } from "../../fakes/fake-slack-payloads.js";
import { useClients } from "../../harness/client.js";
import { replyTo, USERS, useSlackBot, type Mode } from "./harness.js";

// Slack redelivers what it thinks was lost (X-Slack-Retry-Num over HTTP, retry_attempt in Socket
// Mode), and a captured signed request can be replayed within its five minutes: both carry the
// trigger_id of the original. A change runs once.
describe.each<Mode>(["http", "socket"])("a repeated Slack delivery (%s mode)", (mode) => {
  const s = useSlackBot({ mode });
  const connect = useClients();
  const fail2ban = () => connect(s.bot.sandbox.socketPath).fail2ban;
  const audited = (line: string) => s.bot.core.services.audit.query({ limit: 200 }).filter((e) => e.commandLine === line).length;

  /** Delivers one slash command or click `times` times: the first as sent, then as Slack's retries. */
  const deliver = async (kind: "slash" | "click", fields: Record<string, unknown>, times: number) => {
    for (let retry = 0; retry < times; retry++) {
      if (mode === "http") {
        const body = kind === "slash" ? new URLSearchParams(fields as Record<string, string>).toString() : new URLSearchParams({ payload: JSON.stringify(fields) }).toString();
        const headers: Record<string, string> = retry > 0 ? { "x-slack-retry-num": String(retry), "x-slack-retry-reason": "http_timeout" } : {};
        expect((await postSigned(s.endpoint(), body, { secret: FAKE_TOKENS.signingSecret, headers })).status).toBe(200);
      } else {
        await s.fake.socket.send(kind === "slash" ? "slash_commands" : "interactive", fields, { retryAttempt: retry });
      }
    }
  };

  it("runs a typed ban once however often it arrives", async () => {
    const responseUrl = s.fake.responseUrl();
    const line = "ban 192.0.2.160 alpha";
    const fields = slashCommandFields(line, { user: USERS.admin, responseUrl, triggerId: newTriggerId() });
    await deliver("slash", fields, 1);
    await replyTo(s.fake, { responseUrl, ackMs: 0 });
    // Lifted meanwhile: a second run would ban it again.
    await fail2ban().unban("alpha", ["192.0.2.160"]);
    await deliver("slash", fields, 3);
    // Give a wrongly run repeat the time it would need.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await fail2ban().jailsBanning(["192.0.2.160"])).toEqual([[]]);
    expect(audited(line)).toBe(1);
    expect(s.fake.responses(responseUrl)).toHaveLength(1);
  });

  it("runs a clicked button once however often it arrives, and a second click anew", async () => {
    const button: FoundButton = { action_id: `${ACTION_ID_PREFIX}0`, value: "ban 192.0.2.161 alpha", text: { type: "plain_text", text: "Ban" } };
    const click = () => blockActionsPayload(button, { user: USERS.admin, responseUrl: s.fake.responseUrl(), triggerId: newTriggerId() });
    await deliver("click", click(), 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(audited("ban 192.0.2.161 alpha")).toBe(1);
    // Pressed again (a new trigger): that is a new request, and runs.
    await deliver("click", click(), 1);
    await expect.poll(() => audited("ban 192.0.2.161 alpha")).toBe(2);
  });

  it("still runs different commands that arrive together", async () => {
    const lines = ["ban 192.0.2.170 alpha", "ban 192.0.2.171 alpha", "ban 192.0.2.172 alpha"];
    await Promise.all(lines.map((line) => deliver("slash", slashCommandFields(line, { user: USERS.admin, responseUrl: s.fake.responseUrl() }), 1)));
    await expect.poll(async () => await fail2ban().jailsBanning(["192.0.2.170", "192.0.2.171", "192.0.2.172"])).toEqual([["alpha"], ["alpha"], ["alpha"]]);
  });
});

import { describe, expect, it } from "vitest";
import { useClients } from "../../harness/client.js";
import { replyTo, textOf, USERS, useSlackBot } from "./harness.js";

const ZWJ = "\u200D";

describe("Slack identity and escaping", () => {
  const s = useSlackBot({ mode: "socket" });
  const connect = useClients();
  const client = () => connect(s.bot.sandbox.socketPath);

  it("refuses an ungranted user with their user ID and changes nothing", async () => {
    const sent = await s.slack.slash("ban 192.0.2.150 alpha", { user: USERS.stranger, channel: "C0ELSE" });
    const reply = await replyTo(s.fake, sent);
    expect(reply.response_type).toBe("ephemeral");
    expect(textOf(reply)).toMatch(/Not allowed[\s\S]*You need the operator role for this\. Ask an admin to grant it to your Slack user ID `U0NOBODY`\./);
    expect(await client().fail2ban.jailsBanning(["192.0.2.150"])).toEqual([[]]);
    expect(s.bot.core.services.audit.query({ userId: USERS.stranger, limit: 5 })).toEqual([
      expect.objectContaining({ platform: "slack", channelId: "C0ELSE", outcome: "refused", commandLine: "ban 192.0.2.150 alpha" }),
    ]);
  });

  it("grants a role through a Slack user group", async () => {
    const reply = await replyTo(s.fake, await s.slack.slash("ban 192.0.2.151 alpha", { user: USERS.groupie }));
    expect(textOf(reply)).toMatch(/Banned 192\.0\.2\.151 in alpha/);
    expect(await client().fail2ban.jailsBanning(["192.0.2.151"])).toEqual([["alpha"]]);
    // Group membership is read once and cached, not per command.
    await replyTo(s.fake, await s.slack.slash("status", { user: USERS.groupie }));
    expect(s.fake.calls("usergroups.list")).toHaveLength(1);
  });

  it("escapes mentions in text that comes from fail2ban", async () => {
    await client().conn.send(["set", "alpha", "addignoreregex", "^@here <!channel> ping$"]);
    const reply = await replyTo(s.fake, await s.slack.slash("jail alpha", { user: USERS.viewer }));
    const raw = JSON.stringify(reply.blocks);
    expect(raw).toContain(`\`^@${ZWJ}here &lt;!channel&gt; ping$\``);
    expect(raw).not.toMatch(/<!channel>|<!here>|[^\u200D]@here/);
  });

  it("escapes mentions in what the user typed when it is echoed back", async () => {
    // Slack sends what was typed with `&`, `<` and `>` as entities.
    const reply = await replyTo(s.fake, await s.slack.slash("banned alpha \"&lt;!here&gt; @channel\"", { user: USERS.viewer }));
    const raw = JSON.stringify(reply);
    expect(raw).toContain(`&lt;!here&gt; @${ZWJ}channel`);
    expect(raw).not.toMatch(/<!here>|[^\u200D]@channel/);
  });
});

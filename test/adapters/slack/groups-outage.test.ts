import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/app.js";
import { FakeSlack } from "../../fakes/fake-slack.js";
import { socketDriver } from "../../fakes/fake-slack-driver.js";
import { useBanBot } from "../../harness/banbot.js";
import { capturedLog, useClients } from "../../harness/client.js";
import { ACCESS_YAML, OPS_GROUP, resultOf, textOf, USERS } from "./harness.js";

const GROUPS_TTL_MS = 300;

// A user granted only through a Slack user group (the operator grant names S0OPS; U0GROUP is in it,
// and in no grant by ID) keeps their rights while Slack's Web API is down and the cached membership
// has expired: the membership Slack last gave stays in force until it can be read again.
describe("Slack group grants during a Web API outage", () => {
  const bot = useBanBot({ yaml: ACCESS_YAML });
  const connect = useClients();
  const { log, entries } = capturedLog("warn");
  let fake: FakeSlack;
  let adapter: SlackAdapter | undefined;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.setUserGroups({ [OPS_GROUP]: [USERS.groupie] });
    adapter = createSlackAdapter({
      slack: fake.slackConfig("socket"),
      commands: bot.config.commands,
      grants: bot.config.access.grants,
      dispatcher: bot.core.dispatcher,
      log,
      host: "127.0.0.1",
      groupsTtlMs: GROUPS_TTL_MS,
      groupsRetryMs: GROUPS_TTL_MS,
    });
    await adapter.start();
    await fake.socket.connected();
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
  });

  const typed = async (text: string) => textOf(await resultOf(fake, await socketDriver(fake).slash(text, { user: USERS.groupie })));
  const banned = async (ip: string) => (await connect(bot.sandbox.socketPath).fail2ban.jailsBanning([ip]))[0];

  it("keeps the last known membership while usergroups.list fails, and reads it again once Slack answers", { timeout: 60_000 }, async () => {
    expect(await typed("ban 192.0.2.160 alpha")).toMatch(/Banned 192\.0\.2\.160 in alpha/);
    const before = fake.calls("usergroups.list").length;

    const recover = fake.outage(["/api/"], { status: 500, error: "internal_error" });
    try {
      await delay(GROUPS_TTL_MS + 50);
      expect(await typed("ban 192.0.2.161 alpha")).toMatch(/Banned 192\.0\.2\.161 in alpha/);
      // Slack was asked, and failed: the grant came from what it said before.
      const during = fake.calls("usergroups.list").slice(before);
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((r) => r.status === 500)).toBe(true);
      expect(await banned("192.0.2.161")).toEqual(["alpha"]);
      expect(entries.map((e) => e.msg)).toContain("cannot refresh Slack user groups; group grants keep the membership Slack last gave");
    } finally {
      recover();
    }

    // Back: the next refresh reads the membership as it is now (the user has left the group).
    fake.setUserGroups({ [OPS_GROUP]: [] });
    await delay(GROUPS_TTL_MS + 50);
    expect(await typed("ban 192.0.2.162 alpha")).toMatch(/You need the operator role/);
    expect(await banned("192.0.2.162")).toEqual([]);
  });
});

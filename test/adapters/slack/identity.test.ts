import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGroupDirectory } from "../../../src/adapters/slack/identity.js";
import { boltLogger } from "../../../src/adapters/slack/logger-shim.js";
import { webClientOptions } from "../../../src/adapters/slack/web-client.js";
import { FAKE_TOKENS, FakeSlack } from "../../fakes/fake-slack.js";
import { silentLog } from "../../harness/client.js";

describe("createGroupDirectory", () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  let at = 0;
  const now = () => at;
  const directory = (groups?: string[]) => createGroupDirectory({ client, groups, log: silentLog, ttlMs: 60_000, retryMs: 10_000, now });

  beforeAll(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient(FAKE_TOKENS.bot, webClientOptions(fake.apiUrl, boltLogger(silentLog)));
  });
  afterAll(async () => await fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.setUserGroups({ S0OPS: ["U1", "U2"], S0DBA: ["U2"], S0OTHER: ["U1"] });
  });

  it("gives the granted groups a user is in, reading Slack once per TTL", async () => {
    const groups = directory(["S0OPS", "S0DBA"]);
    expect(await Promise.all([groups.groupsOf("U1"), groups.groupsOf("U2"), groups.groupsOf("U3")])).toEqual([["S0OPS"], ["S0OPS", "S0DBA"], []]);
    expect(fake.calls("usergroups.list")).toHaveLength(1);
    expect(fake.calls("usergroups.list")[0]!.args).toMatchObject({ include_users: "true" });
    at += 60_000;
    fake.setUserGroups({ S0OPS: ["U2"] });
    expect(await groups.groupsOf("U1")).toEqual([]);
    expect(fake.calls("usergroups.list")).toHaveLength(2);
  });

  it("keeps every group when no grants are given, and asks nothing when grants name none", async () => {
    expect(await directory().groupsOf("U1")).toEqual(["S0OPS", "S0OTHER"]);
    fake.requests.length = 0;
    expect(await directory([]).groupsOf("U1")).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it("treats an unreadable directory as no groups until the retry, never as more", async () => {
    const groups = directory(["S0OPS"]);
    fake.failNext({ target: "usergroups.list", error: "missing_scope" });
    expect(await groups.groupsOf("U1")).toEqual([]);
    at += 5_000;
    expect(await groups.groupsOf("U1")).toEqual([]);
    expect(fake.calls("usergroups.list")).toHaveLength(1);
    at += 5_000;
    expect(await groups.groupsOf("U1")).toEqual(["S0OPS"]);
  });

  it("waits out a rate limit for as long as Slack's Retry-After says", async () => {
    fake.failNext({ target: "usergroups.list", status: 429, headers: { "retry-after": "1" } });
    const started = performance.now();
    expect(await directory(["S0OPS"]).groupsOf("U1")).toEqual(["S0OPS"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.calls("usergroups.list")).toHaveLength(2);
  });
});

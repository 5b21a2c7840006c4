import { describe, expect, it } from "vitest";
import { discordAdapter } from "../src/adapters/discord/entry.js";
import { defineChatAdapter } from "../src/adapters/entry.js";
import { CHAT_ADAPTERS, type AdapterList } from "../src/adapters/list.js";
import { slackAdapter } from "../src/adapters/slack/entry.js";
import { loadConfig, type Config } from "../src/config.js";
import { EnvSchema } from "../src/config/env-schema.js";
import { CHAT_PLATFORM_NAMES } from "../src/core/platforms.js";
import { demoConfig } from "../src/demo/config.js";

const BOTH = {
  SLACK_BOT_TOKEN: "xoxb-1",
  SLACK_APP_TOKEN: "xapp-1",
  DISCORD_TOKEN: "discord-token",
  DISCORD_APPLICATION_ID: "111111111111111111",
};

// A platform the core registry does not know, made in this test only: what a new adapter folder exports.
const matrixAdapter = defineChatAdapter({
  env: {},
  check: () => [],
  settings: () => ({ homeserver: "https://matrix.example" }),
  create: () => Promise.reject(new Error("never started in a test")),
});

describe("platform settings come from the adapters list", () => {
  it("keys config.platforms by the registry's platform ids, each from its adapter's variables", () => {
    const config = loadConfig(BOTH);
    expect(Object.keys(config.platforms).sort()).toEqual([...CHAT_PLATFORM_NAMES].sort());
    expect(config.platforms.slack).toMatchObject({ botToken: "xoxb-1", appToken: "xapp-1" });
    expect(config.platforms.discord).toMatchObject({ token: "discord-token", applicationId: "111111111111111111" });
    expect(loadConfig({}).platforms).toEqual({ slack: undefined, discord: undefined });
  });

  it("checks and documents every adapter's variables through the one environment schema", () => {
    for (const adapter of Object.values(CHAT_ADAPTERS)) {
      for (const name of Object.keys(adapter.env)) expect(Object.keys(EnvSchema.shape)).toContain(name);
    }
    expect(() => loadConfig({ DISCORD_TOKEN: "t" })).toThrow(/DISCORD_APPLICATION_ID: required with DISCORD_TOKEN/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_APP_TOKEN: required with SLACK_BOT_TOKEN/);
  });

  it("makes the compiler ask for an adapter entry per registered platform, and refuse one the registry lacks", () => {
    // @ts-expect-error: discord is registered in src/core/platforms.ts but has no adapter entry.
    const missing: AdapterList = { slack: slackAdapter };
    // @ts-expect-error: matrix is not in the registry, so an adapter alone does not plug it in.
    const unregistered: AdapterList = { slack: slackAdapter, discord: discordAdapter, matrix: matrixAdapter };
    expect([missing, unregistered].map((list) => Object.keys(list).length)).toEqual([1, 3]);
  });
});

describe("the demo", () => {
  it("switches off every platform the configuration enables, including one it does not name", () => {
    const config = loadConfig(BOTH);
    const withExtra = { ...config, platforms: { ...config.platforms, matrix: matrixAdapter.settings({}) } } as Config;
    const demo = demoConfig(withExtra, { socketPath: "/tmp/f2b.sock", dir: "/tmp/sandbox" }, "/tmp/data");
    expect(Object.keys(demo.platforms).sort()).toEqual(["discord", "matrix", "slack"]);
    expect(Object.values(demo.platforms).every((settings) => settings === undefined)).toBe(true);
    expect(demo.alerts.routes.every((route) => route.console && !route.slackChannel && !route.discordChannel)).toBe(true);
  });
});

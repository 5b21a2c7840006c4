import { describe, expect, it } from "vitest";
import { runSlackManifest, slackManifest } from "../../src/cli/slack-manifest.js";

describe("slackManifest", () => {
  it("describes a Socket Mode app with the slash command, interactivity and the scopes BanBot uses", () => {
    expect(slackManifest({ commandName: "f2b", socketMode: true })).toEqual({
      display_information: {
        name: "BanBot",
        description: "fail2ban chat-ops: look up, ban and unban addresses and control jails from Slack",
        background_color: "#1d2b36",
      },
      features: {
        bot_user: { display_name: "BanBot", always_online: true },
        slash_commands: [
          {
            command: "/f2b",
            description: "fail2ban: status, jails, banned, ban, unban… (try help)",
            usage_hint: "help | status | banned <jail> | ban <ip> <jail> [for 2h] | unban <ip>",
            should_escape: false,
          },
        ],
      },
      // Charts are chart blocks; uploading them as PNGs is only the fallback for workspaces without.
      oauth_config: { scopes: { bot: ["commands", "chat:write", "usergroups:read", "channels:history", "groups:history"], bot_optional: ["files:write"] } },
      settings: { interactivity: { is_enabled: true }, org_deploy_enabled: false, socket_mode_enabled: true, token_rotation_enabled: false },
    });
  });

  it("points the command and buttons at /slack/events in HTTP mode", () => {
    const manifest = slackManifest({ commandName: "ban-bot", socketMode: false, requestUrl: "https://bot.example.com" });
    expect(manifest).toMatchObject({
      features: { slash_commands: [{ command: "/ban-bot", url: "https://bot.example.com/slack/events" }] },
      settings: { interactivity: { is_enabled: true, request_url: "https://bot.example.com/slack/events" }, socket_mode_enabled: false },
    });
    expect(slackManifest({ commandName: "f2b", socketMode: false, requestUrl: "https://x.example/bb/events" })).toMatchObject({
      settings: { interactivity: { request_url: "https://x.example/bb/events" } },
    });
  });

  it.each([
    [undefined, /needs BanBot's public URL/],
    ["http://bot.example.com", /only calls https URLs/],
    ["bot.example.com", /is not a URL/],
  ])("GIVEN HTTP mode with %s THEN says what is needed", (requestUrl, message) => {
    expect(() => slackManifest({ commandName: "f2b", socketMode: false, requestUrl })).toThrow(message);
  });

  it("prints JSON, in Socket Mode unless --http is given", () => {
    const printed: string[] = [];
    expect(runSlackManifest([], "f2b", (t) => printed.push(t))).toBe(0);
    expect(runSlackManifest(["--http", "https://b.example"], "f2b", (t) => printed.push(t))).toBe(0);
    runSlackManifest(["--http=https://c.example"], "f2b", (t) => printed.push(t));
    const parsed = printed.map((p) => JSON.parse(p) as { settings: { socket_mode_enabled: boolean; interactivity: { request_url?: string } } });
    expect(parsed.map((m) => [m.settings.socket_mode_enabled, m.settings.interactivity.request_url])).toEqual([
      [true, undefined],
      [false, "https://b.example/slack/events"],
      [false, "https://c.example/slack/events"],
    ]);
  });
});

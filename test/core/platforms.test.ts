import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { roleOf } from "../../src/core/access.js";
import { routeAlert } from "../../src/core/alerts/router.js";
import { CHAT_PLATFORMS, CHAT_PLATFORM_NAMES, type ChatPlatform } from "../../src/core/platforms.js";

// Every platform of the registry, whichever it is: the config file takes its keys, a grant of its
// users or groups gives the role there and nowhere else, and a route to its channel posts there.
// A shape-valid ID for each platform's pattern, so the same cases run for a platform added later.
const SAMPLE_ID: Record<ChatPlatform, { user: string; group: string; channel: string }> = {
  slack: { user: "U01ADMIN", group: "S01OPS", channel: "C01ALERTS" },
  discord: { user: "111111111111111111", group: "222222222222222222", channel: "333333333333333333" },
};

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe.each(CHAT_PLATFORM_NAMES)("the %s platform", (platform) => {
  const entry = CHAT_PLATFORMS[platform];
  const ids = SAMPLE_ID[platform];
  const yaml = [
    "access:",
    "  grants:",
    "    - role: operator",
    `      ${snake(entry.users.field)}: ["${ids.user}"]`,
    "    - role: admin",
    `      ${snake(entry.groups.field)}: ["${ids.group}"]`,
    "alerts:",
    "  routes:",
    "    - kinds: [spike]",
    `      ${snake(entry.channel.field)}: "${ids.channel}"`,
  ].join("\n");
  const config = loadConfig({}, yaml);
  const others = CHAT_PLATFORM_NAMES.filter((p) => p !== platform);

  it("has its grant and route keys in the config file", () => {
    expect(config.access.grants[0]?.[entry.users.field]).toEqual([ids.user]);
    expect(config.access.grants[1]?.[entry.groups.field]).toEqual([ids.group]);
    expect(config.alerts.routes[0]?.[entry.channel.field]).toBe(ids.channel);
  });

  it("refuses an ID of the wrong shape with what it expected", () => {
    expect(() => loadConfig({}, yaml.replace(`"${ids.user}"`, '"@someone"'))).toThrow(entry.users.expected);
  });

  it("gives granted users and groups their role there, and nowhere else", () => {
    expect(roleOf({ platform, userId: ids.user, groups: [] }, config.access.grants)).toBe("operator");
    expect(roleOf({ platform, userId: "nobody", groups: [ids.group] }, config.access.grants)).toBe("admin");
    for (const other of others) expect(roleOf({ platform: other, userId: ids.user, groups: [ids.group] }, config.access.grants)).toBeUndefined();
  });

  it("routes alerts to its channel", () => {
    const alert = { kind: "spike" as const, incident: "i", step: "open" as const, reply: { title: "x", tone: "warn" as const } };
    expect(routeAlert(alert, config.alerts.routes, () => false).map((m) => [m.platform, m.channel])).toEqual([[platform, ids.channel]]);
  });
});

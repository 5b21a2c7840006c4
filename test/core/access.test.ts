import { describe, expect, it } from "vitest";
import { refusalMessage, roleOf, type Grant } from "../../src/core/access.js";
import type { Role } from "../../src/core/command/model.js";
import type { Identity } from "../../src/core/identity.js";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";

const grant = (g: Partial<Grant> & Pick<Grant, "role">): Grant => ({
  slackUsers: [],
  slackGroups: [],
  discordUsers: [],
  discordRoles: [],
  channels: undefined,
  ...g,
});

const ADMIN_DISCORD = "111111111111111111";
const OPS_ROLE = "222222222222222222";
const OTHER_DISCORD = "444444444444444444";

// The PRODUCT.md example, plus a channel-limited operator grant.
const GRANTS: Grant[] = [
  grant({ role: "admin", slackUsers: ["U01ADMIN"], discordUsers: [ADMIN_DISCORD] }),
  grant({ role: "operator", slackGroups: ["S01OPS"], discordRoles: [OPS_ROLE] }),
  grant({ role: "viewer", slackUsers: ["U01VIEWER"], channels: ["C01SECOPS"] }),
  grant({ role: "operator", slackUsers: ["U01VIEWER"], channels: ["C01INCIDENT"] }),
];

const slack = (userId: string, opts: { groups?: string[]; channelId?: string } = {}): Identity => ({
  platform: "slack",
  userId,
  groups: opts.groups ?? [],
  channelId: opts.channelId,
});
const discord = (userId: string, opts: { groups?: string[]; channelId?: string } = {}): Identity => ({
  platform: "discord",
  userId,
  groups: opts.groups ?? [],
  channelId: opts.channelId,
});

describe("roleOf", () => {
  it.each<[string, Identity, Role | undefined]>([
    ["the console is admin without any grant", CONSOLE_IDENTITY, "admin"],
    ["a Slack user granted by ID", slack("U01ADMIN", { channelId: "C0ANY" }), "admin"],
    ["a Discord user granted by ID", discord(ADMIN_DISCORD, { channelId: "555555555555555555" }), "admin"],
    ["a Slack user in a granted user group", slack("U0SOMEONE", { groups: ["S0OTHER", "S01OPS"] }), "operator"],
    ["a Discord member with a granted role", discord(OTHER_DISCORD, { groups: [OPS_ROLE] }), "operator"],
    ["an ungranted Slack user", slack("U0STRANGER", { channelId: "C01SECOPS" }), undefined],
    ["an ungranted Discord user", discord(OTHER_DISCORD), undefined],
    ["a channel-limited grant in its channel", slack("U01VIEWER", { channelId: "C01SECOPS" }), "viewer"],
    ["a channel-limited grant in another channel", slack("U01VIEWER", { channelId: "C0RANDOM" }), undefined],
    ["a channel-limited grant where the channel is unknown", slack("U01VIEWER"), undefined],
    ["the higher of two channel grants, in the higher one's channel", slack("U01VIEWER", { channelId: "C01INCIDENT" }), "operator"],
    ["the highest role when a user and a group grant overlap", slack("U01ADMIN", { groups: ["S01OPS"] }), "admin"],
  ])("%s", (_name, identity, expected) => {
    expect(roleOf(identity, GRANTS)).toBe(expected);
  });

  it("matches IDs only on their own platform", () => {
    const crossed = [grant({ role: "admin", slackUsers: ["U01SAME"], discordRoles: [OPS_ROLE] })];
    expect(roleOf(discord("U01SAME"), crossed)).toBeUndefined();
    expect(roleOf(slack("U0X", { groups: [OPS_ROLE] }), crossed)).toBeUndefined();
  });

  it("denies everyone but the console when there are no grants", () => {
    expect(roleOf(slack("U01ADMIN"), [])).toBeUndefined();
    expect(roleOf(CONSOLE_IDENTITY, [])).toBe("admin");
  });
});

describe("refusalMessage", () => {
  it.each<[string, Identity, Role, Role | undefined, readonly Grant[], string]>([
    [
      "tells an ungranted Slack user their user ID",
      slack("U0123ABC"),
      "operator",
      undefined,
      [],
      "You need the operator role for this. Ask an admin to grant it to your Slack user ID `U0123ABC`.",
    ],
    [
      "tells an ungranted Discord user their user ID",
      discord(OTHER_DISCORD),
      "viewer",
      undefined,
      GRANTS,
      `You need the viewer role for this. Ask an admin to grant it to your Discord user ID \`${OTHER_DISCORD}\`.`,
    ],
    [
      "says which role the user has when it is not enough",
      slack("U0SOMEONE", { groups: ["S01OPS"] }),
      "admin",
      "operator",
      GRANTS,
      "You need the admin role for this; you have operator. Ask an admin to grant admin to your Slack user ID `U0SOMEONE`.",
    ],
    [
      "points to the channels where a limited grant would allow it",
      slack("U01VIEWER", { channelId: "C01SECOPS" }),
      "operator",
      "viewer",
      GRANTS,
      "Your operator role only applies in other channels (`C01INCIDENT`). " +
        "Run this there, or ask an admin to grant it here to your Slack user ID `U01VIEWER`.",
    ],
    [
      "does not point elsewhere when the limited grants are too low",
      slack("U01VIEWER", { channelId: "C0RANDOM" }),
      "admin",
      undefined,
      GRANTS,
      "You need the admin role for this. Ask an admin to grant it to your Slack user ID `U01VIEWER`.",
    ],
  ])("%s", (_name, identity, needed, has, grants, expected) => {
    expect(refusalMessage(identity, needed, has, grants)).toBe(expected);
  });

  it("lists at most three other channels", () => {
    const grants = [grant({ role: "viewer", slackUsers: ["U0A"], channels: ["C01", "C02", "C03", "C04", "C05"] })];
    expect(refusalMessage(slack("U0A", { channelId: "C09" }), "viewer", undefined, grants)).toBe(
      "Your viewer role only applies in other channels (`C01`, `C02`, `C03` and 2 more). " +
        "Run this there, or ask an admin to grant it here to your Slack user ID `U0A`.",
    );
  });
});

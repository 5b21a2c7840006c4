// The chat platforms BanBot serves, each described once. Identities, the access check, alert
// routing, the config file's grant and route keys and the adapters all derive their list from
// CHAT_PLATFORMS: adding a platform is an entry here plus its adapter (docs/architecture.md).

/** How a grant or an alert route names a platform's IDs, and what those IDs look like. */
interface IdField {
  /** The field of Grant or AlertRoute; the config file's key is its snake_case (`slackUsers` → `slack_users`). */
  field: string;
  /** What the IDs are, for the config reference: "Slack user IDs (U…/W…)". */
  ids: string;
  /** A loose shape (a regular expression's source): it catches pasted names, @handles and URLs, not every impossible ID. */
  pattern: string;
  /** What a value of the wrong shape should have been. */
  expected: string;
}

interface ChatPlatformInfo {
  /** The platform's name in messages: "your Slack user ID". */
  label: string;
  /** Grants name users, and groups of users (Slack user groups, Discord roles). */
  users: IdField;
  groups: IdField;
  /** Alert routes name a channel; `alternative` describes one in a list of any platform's channels. */
  channel: IdField & { alternative: string };
}

const SNOWFLAKE = String.raw`\d{17,20}`;
const DISCORD_ID = 'a Discord ID: 17–20 digits, e.g. "111111111111111111"';

export const CHAT_PLATFORMS = {
  slack: {
    label: "Slack",
    users: { field: "slackUsers", ids: "Slack user IDs (U…/W…)", pattern: "[UW][A-Z0-9]{2,}", expected: "a Slack user ID like U01ABCDEF (the member ID, not the @name)" },
    groups: { field: "slackGroups", ids: "Slack user group IDs (S…)", pattern: "S[A-Z0-9]{2,}", expected: "a Slack user group ID like S01ABCDEF" },
    channel: {
      field: "slackChannel",
      ids: "Slack channel ID",
      pattern: "[CG][A-Z0-9]{2,}",
      expected: "a Slack channel ID like C01ABCDEF (not the #name)",
      alternative: "a Slack channel ID like C01ABCDEF",
    },
  },
  discord: {
    label: "Discord",
    users: { field: "discordUsers", ids: "Discord user IDs", pattern: SNOWFLAKE, expected: DISCORD_ID },
    groups: { field: "discordRoles", ids: "Discord role IDs", pattern: SNOWFLAKE, expected: DISCORD_ID },
    channel: { field: "discordChannel", ids: "Discord channel ID", pattern: SNOWFLAKE, expected: DISCORD_ID, alternative: "a Discord channel ID (17–20 digits)" },
  },
} as const satisfies Record<string, ChatPlatformInfo>;

export type ChatPlatform = keyof typeof CHAT_PLATFORMS;

/** Where a command or an alert comes from or goes: a chat platform, or the local console. */
export type Platform = ChatPlatform | "console";

/** In the registry's order. */
export const CHAT_PLATFORM_NAMES = Object.keys(CHAT_PLATFORMS) as ChatPlatform[];

type Entry = (typeof CHAT_PLATFORMS)[ChatPlatform];

/** `slackUsers`, `slackGroups`, `discordUsers`, `discordRoles`, …: the ID lists of a grant. */
export type GrantIdField = Entry["users" | "groups"]["field"];

/** `slackChannel`, `discordChannel`, …: an alert route's channels. */
export type RouteChannelField = Entry["channel"]["field"];

export function platformLabel(platform: Platform): string {
  return platform === "console" ? "console" : CHAT_PLATFORMS[platform].label;
}

// Gateway payloads for the fake Discord, shaped like the real ones discord.js parses (captured
// field sets from the Discord API docs, trimmed to what the library reads).

export interface FakeUser {
  id: string;
  username: string;
}

export interface FakeGuild {
  id: string;
  applicationId: string;
  channelId: string;
  bot: FakeUser;
  roles: { id: string; name: string }[];
}

export const FAKE_GUILD: FakeGuild = {
  id: "900000000000000001",
  applicationId: "900000000000000002",
  channelId: "900000000000000003",
  bot: { id: "900000000000000002", username: "banbot" },
  roles: [
    { id: "222222222222222222", name: "ops" },
    { id: "333333333333333333", name: "viewers" },
  ],
};

const user = ({ id, username }: FakeUser) => ({ id, username, discriminator: "0", global_name: null, avatar: null });

export function ready(guild: FakeGuild, gatewayUrl: string) {
  return {
    v: 10,
    user: { ...user(guild.bot), bot: true, verified: true, flags: 0, mfa_enabled: false },
    guilds: [{ id: guild.id, unavailable: true }],
    session_id: "fake-session",
    resume_gateway_url: gatewayUrl,
    shard: [0, 1],
    application: { id: guild.applicationId, flags: 0 },
  };
}

export function guildCreate(guild: FakeGuild) {
  const role = (id: string, name: string, position: number) => ({
    id, name, color: 0, hoist: false, icon: null, unicode_emoji: null, position, permissions: "0", managed: false, mentionable: false, flags: 0,
  });
  return {
    id: guild.id,
    name: "fake guild",
    icon: null,
    owner_id: "900000000000000009",
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    features: [],
    roles: [role(guild.id, "@everyone", 0), ...guild.roles.map((r, i) => role(r.id, r.name, i + 1))],
    emojis: [],
    stickers: [],
    channels: [{ id: guild.channelId, type: 0, guild_id: guild.id, name: "general", position: 0, permission_overwrites: [], parent_id: null, nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0 }],
    threads: [],
    members: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    member_count: 2,
    joined_at: "2026-01-01T00:00:00.000Z",
    large: false,
    unavailable: false,
    preferred_locale: "en-US",
    premium_tier: 0,
    nsfw_level: 0,
  };
}

export function messageJson(id: string, channelId: string, author: FakeUser, body: Record<string, unknown> | undefined) {
  return {
    id,
    channel_id: channelId,
    author: { ...user(author), bot: true },
    content: typeof body?.content === "string" ? body.content : "",
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: Array.isArray(body?.embeds) ? body.embeds : [],
    components: Array.isArray(body?.components) ? body.components : [],
    pinned: false,
    type: 0,
    flags: typeof body?.flags === "number" ? body.flags : 0,
  };
}

export interface Member {
  id: string;
  username?: string;
  roles?: string[];
}

type OptionValue = string | number;

interface Common {
  id: string;
  token: string;
  guild: FakeGuild;
  member: Member;
  channelId?: string;
  /** In a direct message with the bot instead of a guild channel. */
  dm?: boolean;
}

function base({ id, token, guild, member, channelId, dm }: Common, type: number) {
  const channel = channelId ?? guild.channelId;
  if (dm) {
    // A DM has a top-level user and no guild or member; context 1 is BOT_DM.
    return {
      id,
      token,
      type,
      application_id: guild.applicationId,
      channel_id: channel,
      channel: { id: channel, type: 1, recipients: [] },
      user: user({ id: member.id, username: member.username ?? `user${member.id.slice(-4)}` }),
      app_permissions: "2248473465835073",
      locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: { "0": guild.id },
      context: 1,
      version: 1,
    };
  }
  return {
    id,
    token,
    type,
    application_id: guild.applicationId,
    guild_id: guild.id,
    channel_id: channel,
    channel: { id: channel, type: 0, guild_id: guild.id, name: "general" },
    member: {
      user: user({ id: member.id, username: member.username ?? `user${member.id.slice(-4)}` }),
      roles: member.roles ?? [],
      joined_at: "2026-01-01T00:00:00.000Z",
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
      communication_disabled_until: null,
      permissions: "2248473465835073",
    },
    app_permissions: "2248473465835073",
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": guild.id },
    context: 0,
    version: 1,
  };
}

export interface SlashSpec {
  subcommand: string;
  group?: string;
  options?: Record<string, OptionValue>;
  /** For autocomplete: the option being typed. */
  focused?: string;
  name?: string;
}

/** `/f2b <subcommand> …` (type 2), or its autocomplete request (type 4) when `focused` is set. */
export function slashInteraction(common: Common, spec: SlashSpec) {
  const leaves = Object.entries(spec.options ?? {}).map(([name, value]) => ({
    name,
    type: typeof value === "number" ? 4 : 3,
    value,
    ...(name === spec.focused ? { focused: true } : {}),
  }));
  const sub = { type: 1, name: spec.subcommand, options: leaves };
  return {
    ...base(common, spec.focused ? 4 : 2),
    data: { id: "900000000000000010", name: spec.name ?? "f2b", type: 1, options: [spec.group ? { type: 2, name: spec.group, options: [sub] } : sub] },
  };
}

export interface ClickSpec {
  customId: string;
  /** A select menu choice instead of a button. */
  values?: string[];
  messageId: string;
  ephemeral?: boolean;
  /** The clicked message is a Components V2 message. */
  v2?: boolean;
}

/** A button click (component_type 2) or a select choice (3) on a message of the bot's. */
export function clickInteraction(common: Common, spec: ClickSpec) {
  const flags = (spec.ephemeral ? 64 : 0) | (spec.v2 ? 1 << 15 : 0);
  const message = messageJson(spec.messageId, common.channelId ?? common.guild.channelId, common.guild.bot, { flags });
  const data = spec.values ? { custom_id: spec.customId, component_type: 3, values: spec.values } : { custom_id: spec.customId, component_type: 2 };
  return { ...base(common, 3), message, data };
}

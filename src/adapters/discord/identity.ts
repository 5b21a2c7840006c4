import { GuildMember, type BaseInteraction } from "discord.js";
import type { Identity } from "../../core/identity.js";

/**
 * Who acts, as Discord vouches for it: the grants match user IDs and member role IDs. In a cached
 * guild discord.js gives a GuildMember whose role list is resolved through the guild's role cache
 * (kept complete by the Guilds intent); otherwise the raw member lists the role IDs. @everyone
 * (whose ID is the guild's) is left out, as Discord's own member object does.
 */
export function identityOf(interaction: BaseInteraction): Identity {
  const { member, user, guildId } = interaction;
  const roles =
    member instanceof GuildMember ? [...member.roles.cache.keys()].filter((id) => id !== guildId) : (member?.roles ?? []);
  return {
    platform: "discord",
    userId: user.id,
    userName: user.username,
    channelId: interaction.channelId ?? undefined,
    groups: roles,
  };
}

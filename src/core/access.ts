import { ROLES, roleAllows, type Role } from "./command/model.js";
import type { Identity } from "./identity.js";
import { CHAT_PLATFORMS, platformLabel, type GrantIdField } from "./platforms.js";

/** A role given to users and groups of each platform (`slackUsers`, `discordRoles`…), in every channel or only in some. */
export interface Grant extends Record<GrantIdField, readonly string[]> {
  role: Role;
  /** Undefined: every channel. */
  channels: readonly string[] | undefined;
}

/** A confirmation is the asker's: someone else's click or cancel gets this. */
export const NOT_YOURS = "Only the person who asked for this confirmation can confirm or cancel it; run the command yourself to get your own.";

/**
 * The role `identity` has in the channel it acts from: the highest of the grants naming its user or
 * one of its groups there. Nobody has a role unless granted; the console already has a shell on the box.
 */
export function roleOf(identity: Identity, grants: readonly Grant[]): Role | undefined {
  if (identity.platform === "console") return "admin";
  return highest(grants.filter((g) => namesIdentity(g, identity) && allowsChannel(g, identity.channelId)));
}

/**
 * What to tell someone refused: their platform user ID, which an admin copies into a grant. With the
 * grants at hand it also says when a channel-limited grant would allow the command elsewhere.
 */
export function refusalMessage(
  identity: Identity,
  needed: Role,
  has: Role | undefined,
  grants: readonly Grant[] = [],
): string {
  const id = `your ${platformLabel(identity.platform)} user ID \`${identity.userId}\``;
  const elsewhere = channelsGranting(identity, needed, grants);
  if (elsewhere.length > 0) {
    const shown = elsewhere.slice(0, 3).map((c) => `\`${c}\``).join(", ");
    const more = elsewhere.length > 3 ? ` and ${elsewhere.length - 3} more` : "";
    return (
      `Your ${needed} role only applies in other channels (${shown}${more}). ` +
      `Run this there, or ask an admin to grant it here to ${id}.`
    );
  }
  if (has !== undefined) {
    return `You need the ${needed} role for this; you have ${has}. Ask an admin to grant ${needed} to ${id}.`;
  }
  return `You need the ${needed} role for this. Ask an admin to grant it to ${id}.`;
}

function namesIdentity(grant: Grant, identity: Identity): boolean {
  if (identity.platform === "console") return false;
  const { users, groups } = CHAT_PLATFORMS[identity.platform];
  return grant[users.field].includes(identity.userId) || identity.groups.some((g) => grant[groups.field].includes(g));
}

// A grant limited to channels does not apply where the channel is unknown (e.g. a DM without an ID).
function allowsChannel(grant: Grant, channelId: string | undefined): boolean {
  return grant.channels === undefined || (channelId !== undefined && grant.channels.includes(channelId));
}

function channelsGranting(identity: Identity, needed: Role, grants: readonly Grant[]): string[] {
  const channels = grants
    .filter((g) => g.channels !== undefined && roleAllows(g.role, needed) && namesIdentity(g, identity))
    .flatMap((g) => g.channels ?? [])
    .filter((c) => c !== identity.channelId);
  return [...new Set(channels)];
}

function highest(grants: readonly Grant[]): Role | undefined {
  let best: Role | undefined;
  for (const grant of grants) {
    if (best === undefined || rank(grant.role) > rank(best)) best = grant.role;
  }
  return best;
}

function rank(role: Role): number {
  return ROLES.indexOf(role);
}

import type { Platform } from "./platforms.js";

/** Who runs a command, as the platform vouches for it. */
export interface Identity {
  platform: Platform;
  userId: string;
  userName?: string;
  channelId?: string;
  /** Slack user-group IDs, or Discord role IDs, the user has. */
  groups: readonly string[];
}

export const CONSOLE_IDENTITY: Identity = { platform: "console", userId: "console", userName: "local console", groups: [] };

/** How the audit log and the ban history name a user, e.g. `slack:U0123ABC`. */
export function actorOf(identity: Pick<Identity, "platform" | "userId">): string {
  return `${identity.platform}:${identity.userId}`;
}

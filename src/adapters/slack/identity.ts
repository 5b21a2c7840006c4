import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { Identity } from "../../core/identity.js";

export interface GroupDirectoryOptions {
  client: Pick<webApi.WebClient, "usergroups">;
  /**
   * The user-group IDs that grants name. Membership of any other group grants nothing, so only
   * these are kept (and none is fetched when the list is empty). Undefined keeps every group.
   */
  groups?: readonly string[];
  log: Logger;
  ttlMs?: number;
  /** After a failed fetch, how long to go without groups before asking Slack again. */
  retryMs?: number;
  now?: () => number;
}

/** Which user groups a Slack user is in, as far as grants care. */
export interface GroupDirectory {
  groupsOf(userId: string): Promise<string[]>;
}

interface Snapshot {
  byUser: ReadonlyMap<string, string[]>;
  /** When Slack last answered with this membership. */
  readAt?: number;
  until: number;
}

/**
 * Group membership from one `usergroups.list` call (with its members) per `ttlMs`, however many
 * commands arrive. When Slack cannot be asked, the membership it last gave stays in force until a
 * refresh succeeds (asked again every `retryMs`): people granted through a group keep their rights
 * through a Web API outage. Before Slack has ever answered, nobody has groups: an outage may take
 * rights away, never grant them.
 */
export function createGroupDirectory(opts: GroupDirectoryOptions): GroupDirectory {
  const { client, log, ttlMs = 5 * 60_000, retryMs = 30_000, now = () => Date.now() } = opts;
  const wanted = opts.groups === undefined ? undefined : new Set(opts.groups);
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;

  const load = async (last: Snapshot | undefined): Promise<Snapshot> => {
    try {
      const res = await client.usergroups.list({ include_users: true });
      const byUser = new Map<string, string[]>();
      for (const group of res.usergroups ?? []) {
        if (group.id === undefined || (wanted && !wanted.has(group.id))) continue;
        for (const user of group.users ?? []) byUser.set(user, [...(byUser.get(user) ?? []), group.id]);
      }
      return { byUser, readAt: now(), until: now() + ttlMs };
    } catch (err) {
      if (last?.readAt === undefined) {
        log.warn({ err }, "cannot read Slack user groups; group grants do not apply until they can be read");
        return { byUser: new Map(), until: now() + retryMs };
      }
      log.warn({ err, readAt: new Date(last.readAt).toISOString() }, "cannot refresh Slack user groups; group grants keep the membership Slack last gave");
      return { ...last, until: now() + retryMs };
    }
  };

  return {
    async groupsOf(userId) {
      if (wanted?.size === 0) return [];
      if (snapshot === undefined || snapshot.until <= now()) {
        // One request at a time, shared by every command that arrives while it runs.
        loading ??= load(snapshot).finally(() => {
          loading = undefined;
        });
        snapshot = await loading;
      }
      return snapshot.byUser.get(userId) ?? [];
    },
  };
}

export interface SlackUser {
  userId: string;
  userName?: string;
  channelId?: string;
}

export async function slackIdentity(directory: GroupDirectory, who: SlackUser): Promise<Identity> {
  return { platform: "slack", ...who, groups: await directory.groupsOf(who.userId) };
}

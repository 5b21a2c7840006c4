import type { Database } from "better-sqlite3";
import type { Logger } from "pino";
import type { Clock } from "../core/services.js";
import type { BlocklistBanEvent } from "../core/blocklist/apply.js";
import { createBlocklists, type Blocklists, type BlocklistsDeps } from "../core/blocklist/blocklists.js";
import type { Agent } from "undici";
import { createSystemResolver, type Resolver } from "../core/blocklist/resolver.js";
import { createBlocklistMembers } from "../store/blocklist-members.js";
import { createBlocklistRuns } from "../store/blocklist-runs.js";
import { createBlocklistSources } from "../store/blocklist-sources.js";

export interface BlocklistSettings {
  allowPrivateHosts: readonly string[];
  protected: readonly string[];
  maxSizeMb: number;
}

/** Download time limits; fixed in production, shortened by tests. */
export interface DownloadTimeouts {
  connectMs: number;
  headersMs: number;
  /** Longest silence while the body streams. */
  bodyMs: number;
  totalMs: number;
}

const TIMEOUTS: DownloadTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000, totalMs: 120_000 };

export interface BuildBlocklistsOptions {
  db: Database;
  fail2ban: BlocklistsDeps["fail2ban"];
  clock: Clock;
  host: string;
  log: Logger;
  resolver?: Resolver;
  timeouts?: Partial<DownloadTimeouts>;
  chunkSize?: number;
  onBanned?: (event: BlocklistBanEvent) => void;
  onUnbanning?: (event: BlocklistBanEvent) => void;
}

/** The blocklist service on BanBot's store, with its own guarded HTTP agent; `close` releases the agent's sockets. */
export function buildBlocklists(settings: BlocklistSettings, opts: BuildBlocklistsOptions): { blocklists: Blocklists; close(): Promise<void> } {
  const resolver = opts.resolver ?? createSystemResolver();
  const timeouts = { ...TIMEOUTS, ...opts.timeouts };
  // undici loads with the first download: most processes (a one-shot `exec`) never make one.
  let agent: Promise<Agent> | undefined;
  const http = () =>
    (agent ??= import("../core/blocklist/guarded-agent.js").then(({ createGuardedAgent }) =>
      createGuardedAgent({
        resolver,
        allowPrivateHosts: settings.allowPrivateHosts,
        connectTimeoutMs: timeouts.connectMs,
        headersTimeoutMs: timeouts.headersMs,
        bodyTimeoutMs: timeouts.bodyMs,
      }),
    ));
  const { db, ...rest } = opts;
  const blocklists = createBlocklists({
    ...rest,
    stores: { sources: createBlocklistSources(db, { host: opts.host }), runs: createBlocklistRuns(db), members: createBlocklistMembers(db) },
    resolver,
    http,
    allowPrivateHosts: settings.allowPrivateHosts,
    protectedRanges: settings.protected,
    maxBytes: settings.maxSizeMb * 1024 * 1024,
    totalTimeoutMs: timeouts.totalMs,
  });
  return { blocklists, close: async () => await (await agent)?.close() };
}

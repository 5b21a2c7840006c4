import { once } from "node:events";
import { Client, DiscordjsError, DiscordjsErrorCodes, Events, GatewayIntentBits, RESTEvents } from "discord.js";
import type { Logger } from "pino";
import type { Config } from "../../config.js";
import type { DiscordConfig } from "./entry.js";
import type { ChatAdapter } from "../../core/chat.js";
import { discordLayout } from "./schema.js";
import type { Dispatcher } from "../../core/dispatch.js";
import { UserError } from "../../core/errors.js";
import type { Fail2ban } from "../../core/ports/fail2ban.js";
import type { FleetHosts } from "../../core/ports/fleet.js";
import type { AnyCommand, Clock } from "../../core/services.js";
import { ActionKeys } from "./action-keys.js";
import { apiBase } from "./api-url.js";
import type { HandlerContext } from "./context.js";
import { onInteraction } from "./on-interaction.js";
import { postMessage, type ThreadMemo } from "./post.js";
import { renderMessage } from "./message.js";
import { Suggestions } from "./suggest.js";

export interface DiscordTiming {
  /** Defer a command or click not answered by then (Discord's window is 3 s). */
  deferAfterMs: number;
  /** Longest wait for fail2ban before answering autocomplete from what is cached (or nothing). */
  autocompleteWaitMs: number;
  autocompleteTtlMs: number;
  /** How long a button whose command did not fit in its custom_id keeps working. */
  actionTtlMs: number;
  actionCap: number;
}

export interface DiscordAdapterOptions {
  discord: DiscordConfig;
  commands: Config["commands"];
  dispatcher: Pick<Dispatcher, "run" | "mayRun">;
  fail2ban: Pick<Fail2ban, "status" | "bannedIps" | "banned">;
  catalogue: readonly AnyCommand[];
  /** Fleet mode (the front): commands take `on`, suggested from these targets; jails and addresses come from the hosts. */
  fleet?: Pick<FleetHosts, "targets" | "resolve" | "defaultTarget" | "names">;
  log: Logger;
  clock?: Clock;
  timing?: Partial<DiscordTiming>;
}

const LONG_RATE_LIMIT_MS = 5_000;

const DEFAULT_TIMING: DiscordTiming = {
  deferAfterMs: 1500,
  autocompleteWaitMs: 1500,
  autocompleteTtlMs: 5000,
  actionTtlMs: 24 * 3_600_000,
  actionCap: 5000,
};

/** The Discord surface: `/f2b` interactions over the gateway, alert posts over REST. */
export function createDiscordAdapter(opts: DiscordAdapterOptions): ChatAdapter {
  const log = opts.log.child({ component: "discord" });
  const clock = opts.clock ?? { now: () => Date.now() };
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  const client = new Client({
    // Slash commands and components arrive without privileged intents; Guilds keeps roles cached.
    intents: [GatewayIntentBits.Guilds],
    rest: {
      api: apiBase(opts.discord.apiUrl),
      // Node's fetch, not @discordjs/rest's own undici (6): whichever undici loads first owns the
      // process-wide dispatcher, and BanBot's (7, loaded by bolt or a blocklist download) cannot send
      // the FormData of a post with files that undici 6 builds ("action is not a function").
      makeRequest: fetch,
      // A long wait on an alert post goes back to the outbox, which retries after Retry-After and
      // meanwhile keeps other channels (and Slack) moving; short waits are cheaper to sit out here.
      // Interaction replies (not /channels routes) always wait: they have a deadline to meet.
      rejectOnRateLimit: (limit) => limit.route.startsWith("/channels/") && limit.retryAfter > LONG_RATE_LIMIT_MS,
    },
    allowedMentions: { parse: [] },
  });
  // Posting needs only REST, so alerts can go out before (or without) the gateway login.
  client.rest.setToken(opts.discord.token);
  const threads: ThreadMemo = new Map();
  const keys = new ActionKeys({ ttlMs: Math.max(timing.actionTtlMs, opts.commands.confirmTimeoutMs), cap: timing.actionCap, clock });
  const ctx: HandlerContext = {
    commandName: opts.commands.name,
    layout: discordLayout(opts.catalogue),
    catalogue: opts.catalogue,
    dispatcher: opts.dispatcher,
    fleet: opts.fleet !== undefined,
    suggestions: new Suggestions({
      fail2ban: opts.fail2ban,
      ...(opts.fleet ? { fleet: opts.fleet } : {}),
      clock,
      ttlMs: timing.autocompleteTtlMs,
      waitMs: timing.autocompleteWaitMs,
      onError: (err, key) => log.debug({ err, key }, "autocomplete lookup failed"),
    }),
    keys,
    deferAfterMs: timing.deferAfterMs,
    log,
  };

  client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction, ctx));
  client.on(Events.Error, (err) => log.error({ err }, "discord client error"));
  client.on(Events.Warn, (message) => log.warn({ message }, "discord client warning"));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ code: event.code, shard }, "discord gateway disconnected"));
  client.on(Events.ShardResume, (shard) => log.info({ shard }, "discord gateway resumed"));
  client.rest.on(RESTEvents.RateLimited, (info) => log.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, "discord rate limit"));

  return {
    platform: "discord",
    async start() {
      try {
        // Login may resolve before READY and its guilds have arrived; a failed login rejects both.
        await Promise.all([once(client, Events.ClientReady), client.login(opts.discord.token)]);
      } catch (err) {
        await client.destroy();
        if (err instanceof DiscordjsError && err.code === DiscordjsErrorCodes.TokenInvalid) {
          throw new UserError("config_invalid", "Discord refused DISCORD_TOKEN: copy the bot token again (Developer Portal → Bot → Reset Token).", { cause: err });
        }
        throw err;
      }
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, "discord gateway ready");
    },
    async stop() {
      listenToClosingConnections(client, log);
      await client.destroy();
    },
    async post(channel, reply, postOpts) {
      return await postMessage(client.rest, threads, { channel, reply, msg: renderMessage(reply, keys.ref, { alert: true }), opts: postOpts ?? {}, log });
    },
  };
}

/** The parts of discord.js's gateway internals (@discordjs/ws 1.x) that hold each shard's raw connection. */
interface GatewayInternals {
  _ws?: { strategy?: { shards?: Map<number, { connection?: { on?: (event: "error", listener: (err: Error) => void) => unknown } | null }> } } | null;
}

/**
 * Destroying a shard whose connection is still in its handshake (a reconnect under way), @discordjs/ws
 * removes its only error handler without closing it; ws then emits the handshake's failure
 * (ECONNREFUSED, "closed before the connection was established") to nobody, an uncaught exception
 * that made a clean stop exit 1 (the class of discordjs/discord.js#7964). A listener of BanBot's own on
 * each raw connection, added before the destroy, keeps that failure a log line. The shape is private to
 * discord.js: where it is not found there is nothing to listen to, and test/cli/shutdown.test.ts fails.
 */
function listenToClosingConnections(client: Client, log: Logger): void {
  const shards = (client.ws as unknown as GatewayInternals)._ws?.strategy?.shards;
  for (const [shard, { connection }] of shards ?? []) {
    connection?.on?.("error", (err) => log.info({ err, shard }, "discord gateway connection failed while closing"));
  }
}

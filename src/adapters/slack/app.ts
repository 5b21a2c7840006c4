import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  App,
  HTTPReceiver,
  SocketModeReceiver,
  webApi,
  type BlockAction,
  type Logger as BoltLogger,
  type ButtonAction,
  type LogLevel,
  type Receiver,
} from "@slack/bolt";
import type { Logger } from "pino";
import type { Config, SlackConfig } from "../../config.js";
import type { Grant } from "../../config/file-schema.js";
import type { ChatAdapter } from "../../core/chat.js";
import type { Dispatcher } from "../../core/dispatch.js";
import { UserError } from "../../core/errors.js";
import { buttonClickListener } from "./button-click.js";
import { ACTION_ID_PREFIX } from "./buttons.js";
import { DataBlockSupport, kindsIn, withDataBlocks } from "./data-support.js";
import { createGroupDirectory } from "./identity.js";
import { boltLogger, fromPino } from "./logger-shim.js";
import { postReply } from "./post.js";
import { renderReply } from "./render.js";
import { slashCommandListener, type ListenerDeps } from "./slash-command.js";
import { webClientOptions } from "./web-client.js";

export interface SlackAdapterOptions {
  slack: SlackConfig;
  commands: Config["commands"];
  dispatcher: Pick<Dispatcher, "run">;
  log: Logger;
  /** Only the user groups these grants name are read from Slack; without grants, every group is. */
  grants?: readonly Grant[];
  /** HTTP mode: the interface to listen on; by default every one, since Slack has to reach it. */
  host?: string;
  /** A command still running after this long shows a "working on it" note. */
  progressAfterMs?: number;
  /** Progress updates closer together than this are merged (a response_url takes five messages). */
  progressIntervalMs?: number;
  groupsTtlMs?: number;
}

export interface SlackAdapter extends ChatAdapter {
  readonly platform: "slack";
  /** HTTP mode: the port `/slack/events` listens on, once started. */
  readonly port: number | undefined;
}

/**
 * Slack through bolt: Socket Mode when an app token is configured (no public URL needed),
 * otherwise bolt's HTTP receiver at `/slack/events`, which checks every request's signature and
 * refuses requests signed more than five minutes ago (replays). With both configured, Socket Mode.
 */
export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  const log = opts.log.child({ component: "slack" });
  const logger = boltLogger(log);
  const logLevel = fromPino(log.level);
  const clientOptions = webClientOptions(opts.slack.apiUrl, logger);
  const socketMode = opts.slack.appToken !== undefined;
  const app = new App({
    token: opts.slack.botToken,
    receiver: receiverFor(opts.slack, { logger, logLevel, clientOptions }),
    logger,
    logLevel,
    clientOptions,
    // start() checks the token itself, once; bolt would otherwise do it on the first command,
    // inside the three seconds Slack allows for the acknowledgement.
    tokenVerificationEnabled: false,
    ignoreSelf: false,
  });
  const dataBlocks = new DataBlockSupport({ now: () => Date.now() });
  const deps: ListenerDeps = {
    dispatcher: opts.dispatcher,
    directory: createGroupDirectory({ client: app.client, groups: opts.grants?.flatMap((g) => g.slackGroups), log, ttlMs: opts.groupsTtlMs }),
    client: app.client,
    results: opts.commands.results,
    progressAfterMs: opts.progressAfterMs ?? 2000,
    progressIntervalMs: opts.progressIntervalMs ?? 5000,
    dataBlocks,
    log,
  };
  app.command(`/${opts.commands.name}`, slashCommandListener(deps));
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: new RegExp(`^${ACTION_ID_PREFIX}`) }, buttonClickListener(deps));
  app.error((err) => {
    log.error({ err }, "slack listener failed");
    return Promise.resolve();
  });

  // Alerts go through the outbox, which waits out a rate limit itself without holding up commands.
  const alertClient = new webApi.WebClient(opts.slack.botToken, { ...clientOptions, rejectRateLimitedCalls: true });
  let server: Server | undefined;
  let started = false;
  // The bot token's workspace, where alerts go; known once start() has checked the token.
  let workspace = "";
  return {
    platform: "slack",
    get port() {
      return (server?.address() as AddressInfo | null | undefined)?.port;
    },
    async start() {
      workspace = await checkToken(app);
      if (socketMode) await app.start();
      else server = await app.start({ port: opts.slack.port, host: opts.host ?? "0.0.0.0" });
      started = true;
      log.info({ mode: socketMode ? "socket" : "http", command: `/${opts.commands.name}`, port: server ? (server.address() as AddressInfo).port : undefined }, "slack listening");
    },
    async stop() {
      if (!started) return;
      started = false;
      await app.stop();
    },
    post: async (channel, reply, postOpts = {}) => {
      const sent = await withDataBlocks(
        { support: dataBlocks, team: workspace, log },
        async (allowed) => await postReply(alertClient, log, { channel, reply, opts: postOpts, dataBlocks: allowed }),
        (allowed) => kindsIn(renderReply(reply, { dataBlocks: allowed }).blocks),
      );
      return sent.value;
    },
  };
}

function receiverFor(
  slack: SlackConfig,
  { logger, logLevel, clientOptions }: { logger: BoltLogger; logLevel: LogLevel; clientOptions: webApi.WebClientOptions },
): Receiver {
  if (slack.appToken !== undefined) {
    // The Socket Mode client opens its connection with its own WebClient, configured from here.
    return new SocketModeReceiver({ appToken: slack.appToken, logger, logLevel, installerOptions: { clientOptions } });
  }
  if (slack.signingSecret === undefined) {
    throw new UserError("config_invalid", "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).");
  }
  return new HTTPReceiver({ signingSecret: slack.signingSecret, endpoints: "/slack/events", logger, logLevel });
}

const TOKEN_ERRORS = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"]);

/** Checks the bot token once, before anything else needs it; returns its workspace (team ID). */
async function checkToken(app: App): Promise<string> {
  try {
    return (await app.client.auth.test()).team_id ?? "";
  } catch (err) {
    const code = (err as { data?: { error?: unknown } }).data?.error;
    if (typeof code === "string" && TOKEN_ERRORS.has(code)) {
      throw new UserError("config_invalid", `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page.`, { cause: err });
    }
    throw err;
  }
}

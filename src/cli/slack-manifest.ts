import { UserError } from "../core/errors.js";

export interface SlackManifestOptions {
  /** The slash command without its slash (`commands.name`, default f2b). */
  commandName: string;
  /** Socket Mode (no public URL needed) or Slack calling BanBot's HTTP endpoint. */
  socketMode: boolean;
  /** HTTP mode: BanBot's public https URL; `/slack/events` is added when it names no path. */
  requestUrl?: string;
}

/**
 * Bot scopes, each for something BanBot does: the slash command, posting and updating alerts,
 * reading user-group members for grants that name groups, and reading an alert channel's recent
 * messages (public, private) to find a post whose answer was lost before posting it again. Replies
 * to commands and clicks go through Slack's response_url and need none.
 */
const SLACK_SCOPES = ["commands", "chat:write", "usergroups:read", "channels:history", "groups:history"] as const;

/**
 * Charts are chart blocks where the workspace has them; only a workspace without them gets charts
 * as uploaded PNGs, which needs files:write. Optional, so an admin may leave it out: a chart that
 * cannot be uploaded is then left out with a note saying why.
 */
const OPTIONAL_SCOPES = ["files:write"] as const;

/** A Slack app manifest (https://docs.slack.dev/reference/app-manifest) for BanBot. */
export function slackManifest(opts: SlackManifestOptions): Record<string, unknown> {
  const url = opts.socketMode ? undefined : eventsUrl(opts.requestUrl);
  return {
    display_information: {
      name: "BanBot",
      description: "fail2ban chat-ops: look up, ban and unban addresses and control jails from Slack",
      background_color: "#1d2b36",
    },
    features: {
      bot_user: { display_name: "BanBot", always_online: true },
      slash_commands: [
        {
          command: `/${opts.commandName}`,
          description: "fail2ban: status, jails, banned, ban, unban… (try help)",
          usage_hint: "help | status | banned <jail> | ban <ip> <jail> [for 2h] | unban <ip>",
          should_escape: false,
          ...(url === undefined ? {} : { url }),
        },
      ],
    },
    oauth_config: { scopes: { bot: [...SLACK_SCOPES], bot_optional: [...OPTIONAL_SCOPES] } },
    settings: {
      interactivity: { is_enabled: true, ...(url === undefined ? {} : { request_url: url }) },
      org_deploy_enabled: false,
      socket_mode_enabled: opts.socketMode,
      token_rotation_enabled: false,
    },
  };
}

function eventsUrl(requestUrl: string | undefined): string {
  const hint = "HTTP mode needs BanBot's public URL: banbot slack-manifest --http https://banbot.example.com";
  if (requestUrl === undefined) throw new UserError("invalid_argument", hint);
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new UserError("invalid_argument", `${requestUrl} is not a URL. ${hint}`);
  }
  // Slack only calls https request URLs.
  if (url.protocol !== "https:") throw new UserError("invalid_argument", `Slack only calls https URLs, not ${requestUrl}.`);
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/slack/events";
  return url.toString();
}

/**
 * `banbot slack-manifest [--http <public URL>]`: prints the manifest to paste into
 * https://api.slack.com/apps → Create New App → From a manifest. Socket Mode unless `--http`.
 */
export function runSlackManifest(args: readonly string[], commandName: string, out: (text: string) => void): number {
  const http = args.indexOf("--http");
  const inline = args.find((a) => a.startsWith("--http="));
  const requestUrl = inline?.slice("--http=".length) ?? (http >= 0 ? args[http + 1] : undefined);
  const socketMode = http < 0 && inline === undefined;
  out(JSON.stringify(slackManifest({ commandName, socketMode, requestUrl }), null, 2));
  return 0;
}

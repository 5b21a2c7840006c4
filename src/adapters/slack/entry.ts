import { z } from "zod";
import { httpUrl, port } from "../../config/schema-parts.js";
import { defineChatAdapter } from "../entry.js";

export interface SlackConfig {
  botToken: string;
  appToken: string | undefined;
  signingSecret: string | undefined;
  port: number;
  apiUrl: string | undefined;
}

export const slackAdapter = defineChatAdapter({
  env: {
    SLACK_BOT_TOKEN: z
      .string()
      .refine((t) => !t.startsWith("xapp-"), "this is an app-level token (xapp-…): put it in SLACK_APP_TOKEN")
      .optional()
      .describe("Slack bot token (xoxb-…); enables Slack"),
    SLACK_APP_TOKEN: z
      .string()
      .startsWith("xapp-", "expected an app-level token starting with xapp- (Basic Information → App-Level Tokens)")
      .optional()
      .describe("Slack app-level token; selects Socket Mode"),
    SLACK_SIGNING_SECRET: z.string().optional().describe("Slack signing secret; selects HTTP mode"),
    BANBOT_SLACK_PORT: port.default(3000).describe("port for Slack's /slack/events in HTTP mode; default 3000"),
    SLACK_API_URL: httpUrl.optional().describe("Slack Web API base URL override"),
  },
  check(set) {
    if (set("SLACK_BOT_TOKEN") && !set("SLACK_APP_TOKEN") && !set("SLACK_SIGNING_SECRET")) {
      const message = "required with SLACK_BOT_TOKEN: set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode";
      return [{ path: "SLACK_APP_TOKEN", message }];
    }
    const orphan = ["SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"].find((name) => set(name) && !set("SLACK_BOT_TOKEN"));
    return orphan ? [{ path: "SLACK_BOT_TOKEN", message: `required because ${orphan} is set (or unset ${orphan})` }] : [];
  },
  settings: (env): SlackConfig | undefined =>
    env.SLACK_BOT_TOKEN === undefined
      ? undefined
      : { botToken: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, port: env.BANBOT_SLACK_PORT, apiUrl: env.SLACK_API_URL },
  async create(slack, { config, core, log }) {
    const { createSlackAdapter } = await import("./app.js");
    return createSlackAdapter({ slack, commands: config.commands, grants: config.access.grants, dispatcher: core.dispatcher, log });
  },
});

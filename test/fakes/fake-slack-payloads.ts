import { createHmac, randomBytes } from "node:crypto";

// What Slack sends a bot, shaped after captured payloads: slash command fields and block_actions
// (https://docs.slack.dev/interactivity/handling-user-interaction#payloads), and request signing
// (https://docs.slack.dev/authentication/verifying-requests-from-slack).

export interface Who {
  user?: string;
  userName?: string;
  channel?: string;
  /** Slack makes a new one for every command typed and button pressed; a redelivery repeats it. */
  triggerId?: string;
}

/** A fresh trigger_id, shaped like Slack's. */
export function newTriggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString("hex")}`;
}

/** A button as found in a message the bot sent. */
export interface FoundButton {
  action_id: string;
  value: string;
  text: { type: "plain_text"; text: string; emoji?: boolean };
  style?: string;
  confirm?: unknown;
}

export function slashCommandFields(text: string, who: Who & { command?: string; responseUrl: string }): Record<string, string> {
  return {
    token: "deprecated-verification-token",
    team_id: "T0FAKE",
    team_domain: "fake",
    channel_id: who.channel ?? "C0TEST",
    channel_name: "secops",
    user_id: who.user ?? "U0ADMIN",
    user_name: who.userName ?? "admin",
    command: who.command ?? "/f2b",
    text,
    api_app_id: "A0FAKE",
    is_enterprise_install: "false",
    response_url: who.responseUrl,
    trigger_id: who.triggerId ?? newTriggerId(),
  };
}

export function blockActionsPayload(
  button: FoundButton,
  who: Who & { responseUrl: string; ephemeral?: boolean; messageTs?: string },
): Record<string, unknown> {
  const user = who.user ?? "U0ADMIN";
  const channel = who.channel ?? "C0TEST";
  const messageTs = who.messageTs ?? "1700000000.000001";
  return {
    type: "block_actions",
    user: { id: user, username: who.userName ?? user.toLowerCase(), name: who.userName ?? user.toLowerCase(), team_id: "T0FAKE" },
    api_app_id: "A0FAKE",
    token: "deprecated-verification-token",
    container: { type: "message", message_ts: messageTs, channel_id: channel, is_ephemeral: who.ephemeral ?? false },
    trigger_id: who.triggerId ?? newTriggerId(),
    team: { id: "T0FAKE", domain: "fake" },
    channel: { id: channel, name: "secops" },
    ...(who.ephemeral ? {} : { message: { type: "message", ts: messageTs, text: "", blocks: [] } }),
    response_url: who.responseUrl,
    actions: [{ ...button, block_id: "b1", type: "button", action_ts: "1700000001.000001" }],
  };
}

/** The button labelled `label` in a message's blocks (Slack sends labels back entity-escaped). */
export function findButton(message: unknown, label: string): FoundButton {
  const blocks = (message as { blocks?: { type: string; elements?: FoundButton[] }[] }).blocks ?? [];
  const buttons = blocks.filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
  const found = buttons.find((b) => b.text.text === label);
  if (!found) throw new Error(`no button "${label}" among ${JSON.stringify(buttons.map((b) => b.text.text))}`);
  return found;
}

export function signatureHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signature,
  };
}

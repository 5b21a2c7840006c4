import type { FakeSlack } from "./fake-slack.js";
import { FAKE_TOKENS } from "./fake-slack.js";
import { blockActionsPayload, signatureHeaders, slashCommandFields, type FoundButton, type Who } from "./fake-slack-payloads.js";

export interface Sent {
  /** Where the bot's replies to this request go. */
  responseUrl: string;
  /** From sending to the acknowledgement (HTTP response, or Socket Mode ack frame). */
  ackMs: number;
  /** HTTP mode: the status of the response. */
  status?: number;
}

/** Slack's side of a conversation with the bot, the same for both connection modes. */
export interface SlackDriver {
  slash(text: string, who?: Who & { command?: string }): Promise<Sent>;
  click(button: FoundButton, who?: Who & { ephemeral?: boolean; messageTs?: string }): Promise<Sent>;
}

/** Signed POSTs to the bot's `/slack/events`, as Slack makes them in HTTP mode. */
export function httpDriver(fake: FakeSlack, endpoint: () => string, secret: string = FAKE_TOKENS.signingSecret): SlackDriver {
  const send = async (form: Record<string, string>, responseUrl: string): Promise<Sent> => {
    const started = performance.now();
    const { status } = await postSigned(endpoint(), new URLSearchParams(form).toString(), { secret });
    return { responseUrl, ackMs: performance.now() - started, status };
  };
  return {
    slash: (text, who = {}) => {
      const responseUrl = fake.responseUrl();
      return send(slashCommandFields(text, { ...who, responseUrl }), responseUrl);
    },
    click: (button, who = {}) => {
      const responseUrl = fake.responseUrl();
      return send({ payload: JSON.stringify(blockActionsPayload(button, { ...who, responseUrl })) }, responseUrl);
    },
  };
}

/** Envelopes over the fake's Socket Mode connection. */
export function socketDriver(fake: FakeSlack): SlackDriver {
  const send = async (type: "slash_commands" | "interactive", payload: unknown, responseUrl: string): Promise<Sent> => {
    const started = performance.now();
    const ack = await fake.socket.send(type, payload);
    return { responseUrl, ackMs: ack.at - started };
  };
  return {
    slash: (text, who = {}) => {
      const responseUrl = fake.responseUrl();
      return send("slash_commands", slashCommandFields(text, { ...who, responseUrl }), responseUrl);
    },
    click: (button, who = {}) => {
      const responseUrl = fake.responseUrl();
      return send("interactive", blockActionsPayload(button, { ...who, responseUrl }), responseUrl);
    },
  };
}

/** A POST signed with `secret` at `timestamp` (seconds), or with a given signature; `headers` are added (X-Slack-Retry-Num). */
export async function postSigned(
  url: string,
  body: string,
  opts: { secret: string; timestamp?: number; signature?: string; headers?: Record<string, string> },
): Promise<{ status: number; text: string }> {
  const headers = { ...signatureHeaders(opts.secret, body, opts.timestamp), ...opts.headers };
  if (opts.signature !== undefined) headers["x-slack-signature"] = opts.signature;
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

import { createHash } from "node:crypto";
import { DiscordAPIError, HTTPError, MessageFlags, RateLimitError, Routes, type APIChannel, type APIMessage, type REST } from "discord.js";
import { DeliveryError, type PostedMessage, type PostOptions } from "../../core/chat.js";
import { withoutCodeMarks, type Reply } from "../../core/reply.js";
import { clip } from "./escape.js";
import { THREAD_NAME } from "./limits.js";
import type { DiscordMessage } from "./message.js";

// Alert delivery through REST alone, so an alert can go out whether or not the gateway is up.
// Discord refuses a second thread on a message with this code; the thread it already has shares
// the message's ID, so that is where follow-ups go.
const THREAD_ALREADY_CREATED = 160004;
const DAY_MINUTES = 1440;
/** Unknown channel or message, no access, or a message Discord will never accept: retrying cannot help. */
const PERMANENT = new Set([400, 403, 404]);

/**
 * A message create's nonce (at most 25 characters) from its outbox key. With enforce_nonce, Discord
 * answers a create whose nonce it saw from the same author in the past few minutes with the
 * message it made then: a retry after a lost answer does not post twice.
 * https://discord.com/developers/docs/resources/message#create-message
 */
export function nonceOf(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 25);
}

/** Thread IDs of messages already followed up, so a follow-up does not try to start the thread again. */
export type ThreadMemo = Map<string, string>;
const MEMO_CAP = 1000;

/** Posts, follows up (in a thread started from the first message) or replaces; failures say whether to retry. */
export async function postMessage(
  rest: REST,
  memo: ThreadMemo,
  target: { channel: string; reply: Reply; msg: DiscordMessage; opts: PostOptions },
): Promise<PostedMessage> {
  try {
    return await send(rest, memo, target);
  } catch (err) {
    throw deliveryError(err);
  }
}

async function send(rest: REST, memo: ThreadMemo, { channel, reply, msg, opts }: { channel: string; reply: Reply; msg: DiscordMessage; opts: PostOptions }): Promise<PostedMessage> {
  const files = msg.files.map((f) => ({ name: f.name, data: Buffer.from(f.data), contentType: "image/png" }));
  const body = postBody(msg);
  if (opts.replace) {
    const { channel: at, id } = opts.replace;
    await rest.patch(Routes.channelMessage(at, id), { body, files });
    return { ...opts.replace };
  }
  // Edits are idempotent; creates are not, so they carry the nonce.
  const create = { body: opts.key === undefined ? body : { ...body, nonce: nonceOf(opts.key), enforce_nonce: true }, files };
  if (opts.followUpOf) {
    const parent = opts.followUpOf;
    const thread = parent.thread ?? memo.get(parent.id) ?? (await threadOf(rest, parent, reply.title));
    memo.delete(parent.id);
    memo.set(parent.id, thread);
    if (memo.size > MEMO_CAP) memo.delete(memo.keys().next().value ?? "");
    const posted = (await rest.post(Routes.channelMessages(thread), create)) as APIMessage;
    return { platform: "discord", channel: thread, id: posted.id, thread };
  }
  const posted = (await rest.post(Routes.channelMessages(channel), create)) as APIMessage;
  return { platform: "discord", channel, id: posted.id };
}

/** The JSON body of an alert's post or edit; its files go beside it. */
export function postBody(msg: DiscordMessage) {
  return {
    // A Components V2 message has no content or embeds (emptied too when it replaces an older alert).
    ...("v2" in msg ? { flags: MessageFlags.IsComponentsV2, content: null, embeds: [] } : { content: "", embeds: msg.embeds }),
    components: msg.components,
    allowed_mentions: { parse: [] },
    // Replacing lists the new files only, which drops the old message's images.
    attachments: msg.files.map((f, i) => ({ id: String(i), filename: f.name, description: f.description })),
  };
}

async function threadOf(rest: REST, parent: PostedMessage, title: string): Promise<string> {
  try {
    const body = { name: clip(withoutCodeMarks(title), THREAD_NAME) || "Follow-ups", auto_archive_duration: DAY_MINUTES };
    return ((await rest.post(Routes.threads(parent.channel, parent.id), { body })) as APIChannel).id;
  } catch (err) {
    if (err instanceof DiscordAPIError && err.code === THREAD_ALREADY_CREATED) return parent.id;
    throw err;
  }
}

function deliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof RateLimitError) return new DeliveryError(err.message, { retryAfterMs: err.retryAfter, cause: err });
  if (err instanceof DiscordAPIError) return new DeliveryError(`Discord refused the post: ${err.message}`, { permanent: PERMANENT.has(err.status), cause: err });
  // No answer, or a server error: the message may exist (a create's nonce makes the retry safe).
  if (err instanceof HTTPError) return new DeliveryError(`Discord answered ${err.status}`, { uncertain: true, cause: err });
  return new DeliveryError(`Discord unreachable: ${err instanceof Error ? err.message : String(err)}`, { uncertain: true, cause: err });
}

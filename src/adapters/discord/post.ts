import { createHash } from "node:crypto";
import { DiscordAPIError, HTTPError, MessageFlags, RateLimitError, Routes, SnowflakeUtil, type APIChannel, type APIMessage, type REST } from "discord.js";
import type { Logger } from "pino";
import { DeliveryError, type PostedMessage, type PostOptions } from "../../core/chat.js";
import { withoutCodeMarks, type Reply } from "../../core/reply.js";
import { visibleText } from "../../core/text.js";
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
// Discord remembers a create's nonce "for the past few minutes", without saying how many: the retry
// of an attempt older than this looks in the channel first. Clocks differ, so it looks from a
// little before the attempt.
const NONCE_TRUSTED_MS = 60_000;
const LOOK_BACK_MS = 5 * 60_000;
const LOOK_LIMIT = 100;

/**
 * A message create's nonce (at most 25 characters) from its outbox key. With enforce_nonce, Discord
 * answers a create whose nonce it saw from the same author in the past few minutes with the
 * message it made then: a retry after a lost answer does not post twice.
 * https://discord.com/developers/docs/resources/message#create-message
 */
export function nonceOf(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 25);
}

/**
 * The alert's container `id` (a 31-bit integer, the only invisible thing a Components V2 message
 * keeps) from its outbox key: Discord lists a message with its components but without its nonce,
 * so this is how a retry recognises a post made long enough ago for the nonce to be forgotten.
 */
export function tagOf(key: string): number {
  return (createHash("sha256").update(key).digest().readUInt32BE(0) >>> 1) || 1;
}

/** Thread IDs of messages already followed up, so a follow-up does not try to start the thread again. */
export type ThreadMemo = Map<string, string>;
const MEMO_CAP = 1000;

/** Posts, follows up (in a thread started from the first message) or replaces; failures say whether to retry. */
export async function postMessage(
  rest: REST,
  memo: ThreadMemo,
  target: { channel: string; reply: Reply; msg: DiscordMessage; opts: PostOptions; log: Logger },
): Promise<PostedMessage> {
  try {
    return await send(rest, memo, target);
  } catch (err) {
    throw deliveryError(err);
  }
}

async function send(
  rest: REST,
  memo: ThreadMemo,
  { channel, reply, msg, opts, log }: { channel: string; reply: Reply; msg: DiscordMessage; opts: PostOptions; log: Logger },
): Promise<PostedMessage> {
  const files = msg.files.map((f) => ({ name: f.name, data: Buffer.from(f.data), contentType: "image/png" }));
  const body = postBody(msg);
  if (opts.replace) {
    const { channel: at, id } = opts.replace;
    await rest.patch(Routes.channelMessage(at, id), { body, files });
    return { ...opts.replace };
  }
  // Edits are idempotent; creates are not, so they carry the nonce, and the container the key's tag.
  const { key } = opts;
  const create = { body: key === undefined ? body : { ...tagged(body, key), nonce: nonceOf(key), enforce_nonce: true }, files };
  const unsure = key !== undefined && opts.unsureSince !== undefined && Date.now() - opts.unsureSince > NONCE_TRUSTED_MS;
  if (opts.followUpOf) {
    const parent = opts.followUpOf;
    const thread = parent.thread ?? memo.get(parent.id) ?? (await threadOf(rest, parent, reply.title));
    memo.delete(parent.id);
    memo.set(parent.id, thread);
    if (memo.size > MEMO_CAP) memo.delete(memo.keys().next().value ?? "");
    const earlier = unsure ? await findPost(rest, log, { channel: thread, key, since: opts.unsureSince! }) : undefined;
    const id = earlier ?? ((await rest.post(Routes.channelMessages(thread), create)) as APIMessage).id;
    return { platform: "discord", channel: thread, id, thread };
  }
  const earlier = unsure ? await findPost(rest, log, { channel, key, since: opts.unsureSince! }) : undefined;
  const id = earlier ?? ((await rest.post(Routes.channelMessages(channel), create)) as APIMessage).id;
  return { platform: "discord", channel, id };
}

// The body with its top-level container carrying the key's tag.
function tagged(body: ReturnType<typeof postBody>, key: string): ReturnType<typeof postBody> {
  const [first, ...rest] = body.components;
  if (!("flags" in body) || first === undefined) return body;
  return { ...body, components: [{ ...first, id: tagOf(key) }, ...rest] };
}

/**
 * The ID of the bot's post tagged with `key` since `since` in `channel`, if an earlier attempt made
 * it. Without Read Message History Discord lists nothing, and the post goes out again: a duplicate
 * beats a lost alert.
 */
async function findPost(rest: REST, log: Logger, { channel, key, since }: { channel: string; key: string; since: number }): Promise<string | undefined> {
  const after = SnowflakeUtil.generate({ timestamp: since - LOOK_BACK_MS }).toString();
  let messages: APIMessage[];
  try {
    messages = (await rest.get(Routes.channelMessages(channel), { query: new URLSearchParams({ after, limit: String(LOOK_LIMIT) }) })) as APIMessage[];
  } catch (err) {
    if (!(err instanceof DiscordAPIError) || err.status !== 403) throw err;
    log.warn({ err, channel, key }, "cannot check whether an alert was posted already; posting it again");
    return undefined;
  }
  const tag = tagOf(key);
  const nonce = nonceOf(key);
  const found = messages.find((m) => m.author.bot === true && (m.nonce === nonce || m.components?.[0]?.id === tag));
  if (found) log.info({ channel, key, id: found.id }, "an alert post whose answer was lost had arrived; not posting it again");
  return found?.id;
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
    // The thread's name is the alert's title, which the message itself shows cleaned: so is this.
    const body = { name: clip(withoutCodeMarks(visibleText(title)), THREAD_NAME) || "Follow-ups", auto_archive_duration: DAY_MINUTES };
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

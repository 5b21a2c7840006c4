import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { PostedMessage, PostOptions } from "../../core/chat.js";
import type { Reply } from "../../core/reply.js";
import { deliveryError, isPlatformRefusal } from "./delivery-error.js";
import type { DataBlockKind } from "./data-blocks.js";
import { imagesToUpload, renderReply } from "./render.js";
import { shareImages } from "./upload.js";

// Every alert post names its outbox key in message metadata, where a retry can look for it.
// https://docs.slack.dev/messaging/message-metadata
const EVENT_TYPE = "banbot_alert";
// Slack's clock and BanBot's may differ: look a little further back than the unsure attempt.
const LOOK_BACK_S = 5 * 60;

type Client = Pick<webApi.WebClient, "chat" | "files" | "conversations">;

/**
 * Posts a Reply for the alerts: a new message, a reply in the thread of an earlier one, or an
 * update of one. A Slack thread is named by its first message, so that is the `thread` returned.
 * Failures become DeliveryErrors, which tell the outbox whether and when to retry. When an earlier
 * attempt may have been posted without an answer reaching BanBot, the channel (or thread) is
 * searched for it first, so it is not posted twice.
 */
export async function postReply(
  client: Client,
  log: Logger,
  target: { channel: string; reply: Reply; opts: PostOptions; dataBlocks?: ReadonlySet<DataBlockKind> },
): Promise<PostedMessage> {
  const { channel, reply, opts } = target;
  const message = renderReply(reply, { dataBlocks: target.dataBlocks });
  const thread = opts.followUpOf ? (opts.followUpOf.thread ?? opts.followUpOf.id) : undefined;
  let posted: PostedMessage;
  try {
    if (opts.replace) {
      await client.chat.update({ channel: opts.replace.channel, ts: opts.replace.id, ...message });
      return { ...opts.replace };
    }
    const earlier = opts.key !== undefined && opts.unsureSince !== undefined ? await findPost(client, log, { channel, thread, key: opts.key, since: opts.unsureSince }) : undefined;
    if (earlier !== undefined) {
      // Its images were never shared: the attempt that posted it stopped at the lost answer.
      posted = { platform: "slack", channel, id: earlier, thread: thread ?? earlier };
    } else {
      const res = await client.chat.postMessage({
        channel,
        ...message,
        ...(thread === undefined ? {} : { thread_ts: thread }),
        ...(opts.key === undefined ? {} : { metadata: { event_type: EVENT_TYPE, event_payload: { key: opts.key } } }),
        unfurl_links: false,
        unfurl_media: false,
      });
      if (res.ts === undefined) throw new Error("chat.postMessage answered without a ts");
      posted = { platform: "slack", channel: res.channel ?? channel, id: res.ts, thread: thread ?? res.ts };
    }
  } catch (err) {
    throw deliveryError(err);
  }
  // The message is out: failing now would make the outbox post it a second time.
  try {
    await shareImages(client, imagesToUpload(reply, target.dataBlocks), { channel: posted.channel, threadTs: thread });
  } catch (err) {
    log.warn({ err, channel: posted.channel }, "could not share an alert's images");
  }
  return posted;
}

/**
 * The ts of the post carrying `key` since `since`, if an earlier attempt made it. When Slack
 * refuses the search (the app lacks channels:history or groups:history), posting again is the
 * lesser evil: a duplicate beats a lost alert.
 */
async function findPost(
  client: Client,
  log: Logger,
  { channel, thread, key, since }: { channel: string; thread: string | undefined; key: string; since: number },
): Promise<string | undefined> {
  const query = { channel, oldest: String(Math.floor(since / 1000) - LOOK_BACK_S), include_all_metadata: true, limit: 200 };
  try {
    const { messages = [] } = thread === undefined ? await client.conversations.history(query) : await client.conversations.replies({ ...query, ts: thread });
    const found = messages.find((m) => m.metadata?.event_type === EVENT_TYPE && (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === key);
    if (found?.ts !== undefined) log.info({ channel, key, ts: found.ts }, "an alert post whose answer was lost had arrived; not posting it again");
    return found?.ts;
  } catch (err) {
    if (!isPlatformRefusal(err)) throw err;
    log.warn({ err, channel, key }, `cannot check whether an alert was posted already (${err.data.error}); posting it again`);
    return undefined;
  }
}

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { PostedMessage, PostOptions } from "../../core/chat.js";
import type { Reply } from "../../core/reply.js";
import { deliveryError } from "./delivery-error.js";
import type { DataBlockKind } from "./data-blocks.js";
import { imagesToUpload, renderReply } from "./render.js";
import { shareImages } from "./upload.js";

/**
 * Posts a Reply for the alerts: a new message, a reply in the thread of an earlier one, or an
 * update of one. A Slack thread is named by its first message, so that is the `thread` returned.
 * Failures become DeliveryErrors, which tell the outbox whether and when to retry.
 */
export async function postReply(
  client: Pick<webApi.WebClient, "chat" | "files">,
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
    const res = await client.chat.postMessage({
      channel,
      ...message,
      ...(thread === undefined ? {} : { thread_ts: thread }),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (res.ts === undefined) throw new Error("chat.postMessage answered without a ts");
    posted = { platform: "slack", channel: res.channel ?? channel, id: res.ts, thread: thread ?? res.ts };
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

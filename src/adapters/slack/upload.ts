import type { RespondFn, webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { Image } from "../../core/reply.js";
import { visibleText } from "../../core/text.js";

/**
 * Shares a reply's images (charts) in a channel, or in a thread of it, with the files API: Block
 * Kit image blocks need a public URL, which BanBot does not have. uploadV2 does Slack's three
 * steps: files.getUploadURLExternal, a POST of the bytes, files.completeUploadExternal.
 */
export async function shareImages(
  client: Pick<webApi.WebClient, "files">,
  images: readonly Image[],
  where: { channel: string; threadTs?: string },
): Promise<void> {
  if (images.length === 0) return;
  await client.files.uploadV2({
    channel_id: where.channel,
    ...(where.threadTs === undefined ? {} : { thread_ts: where.threadTs }),
    // Names and titles show in the channel like the message does: cleaned the same way.
    file_uploads: images.map((image) => {
      const name = visibleText(image.name);
      return { file: Buffer.from(image.png), filename: name.endsWith(".png") ? name : `${name}.png`, title: visibleText(image.alt), alt_text: visibleText(image.alt) };
    }),
  });
}

/**
 * Shares a reply's charts after the reply itself; a refused upload is logged and the asker told why
 * in a note only they see, since the reply they are looking at is already out.
 */
export async function shareImagesOrSay(
  deps: { client: Pick<webApi.WebClient, "files">; log: Logger },
  images: readonly Image[],
  where: { channel: string; threadTs?: string },
  respond: RespondFn,
): Promise<void> {
  try {
    await shareImages(deps.client, images, where);
  } catch (err) {
    deps.log.warn({ err, channel: where.channel }, "could not share a reply's charts");
    const code = (err as { data?: { error?: unknown } }).data?.error;
    const why =
      code === "missing_scope"
        ? "this workspace has no chart blocks yet, and uploading charts needs the optional files:write scope (add it to the app and reinstall)"
        : code === "not_in_channel"
          ? "invite BanBot to this channel to share charts here"
          : "Slack did not take the upload; BanBot's log has the details";
    await respond({ response_type: "ephemeral", replace_original: false, text: `${images.length} chart(s) not shared: ${why}.` });
  }
}

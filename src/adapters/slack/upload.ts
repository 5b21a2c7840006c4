import type { webApi } from "@slack/bolt";
import type { Image } from "../../core/reply.js";

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
    file_uploads: images.map((image) => ({
      file: Buffer.from(image.png),
      filename: image.name.endsWith(".png") ? image.name : `${image.name}.png`,
      title: image.alt,
      alt_text: image.alt,
    })),
  });
}

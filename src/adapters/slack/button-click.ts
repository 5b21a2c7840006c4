import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { decodeEntities } from "./escape.js";
import { reportFailure } from "./failure.js";
import type { DataBlockKind } from "./data-blocks.js";
import { imagesToUpload } from "./render.js";
import { clickResponses, progressMessage } from "./responses.js";
import { responseUrlPoster } from "./response-url.js";
import { respondAll, runLine, type ListenerDeps } from "./slash-command.js";
import { shareImagesOrSay } from "./upload.js";

/**
 * A BanBot button: its value is a command line, run through the dispatcher as the person who
 * clicked, with the same role check and audit as typing it. The clicked message then shows the
 * result and who pressed what.
 */
export function buttonClickListener(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>> {
  return async ({ ack, body, action }) => {
    await ack();
    const respond = responseUrlPoster(body.response_url);
    const line = action.value ?? "";
    const channelId = body.channel?.id ?? stringOr(body.container.channel_id);
    const context = { userId: body.user.id, channelId, line };
    if (line === "") return;
    try {
      const sourceEphemeral = body.container.is_ephemeral === true;
      const who = { userId: body.user.id, userName: body.user.username || body.user.name, channelId };
      // Only a message the clicker alone sees may give way to a progress note: a shared one would
      // be gone for everyone if the reply then turned out to be for the clicker only.
      const { value: reply, progressShown } = await runLine(deps, {
        line,
        who,
        afterMs: sourceEphemeral ? deps.progressAfterMs : undefined,
        maxSends: 4,
        send: (status) => respond({ ...progressMessage(line, status, "ephemeral"), replace_original: true }),
      });
      const label = decodeEntities(action.text.text);
      const messages = (dataBlocks: ReadonlySet<DataBlockKind>) => clickResponses(reply, { sourceEphemeral, progressShown, label, userId: body.user.id, dataBlocks });
      const used = await respondAll(deps, body.team?.id ?? body.user.team_id ?? "", respond, messages);
      const uploads = imagesToUpload(reply, used);
      if (uploads.length && !sourceEphemeral && !reply.private && channelId !== undefined) {
        await shareImagesOrSay(deps, uploads, { channel: channelId, threadTs: stringOr(body.message?.thread_ts) }, respond);
      }
    } catch (err) {
      await reportFailure(deps.log, err, context, respond);
    }
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { decodeEntities } from "./escape.js";
import { reportFailure } from "./failure.js";
import { clickResponses, progressMessage } from "./responses.js";
import { deliver, runLine, type ListenerDeps } from "./slash-command.js";
import { shareImages } from "./upload.js";

/**
 * A BanBot button: its value is a command line, run through the dispatcher as the person who
 * clicked, with the same role check and audit as typing it. The clicked message then shows the
 * result and who pressed what.
 */
export function buttonClickListener(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>> {
  return async ({ ack, body, action, respond }) => {
    await ack();
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
      for (const message of clickResponses(reply, { sourceEphemeral, progressShown, label, userId: body.user.id })) await deliver(deps, respond, message);
      if (reply.images?.length && !sourceEphemeral && !reply.private && channelId !== undefined) {
        await shareImages(deps.client, reply.images, { channel: channelId, threadTs: stringOr(body.message?.thread_ts) });
      }
    } catch (err) {
      await reportFailure(deps.log, err, context, respond);
    }
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

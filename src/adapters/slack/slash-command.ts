import type { Middleware, SlackCommandMiddlewareArgs, webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { Dispatcher } from "../../core/dispatch.js";
import { reportFailure } from "./failure.js";
import { slackIdentity, type GroupDirectory } from "./identity.js";
import { decodeSlashText } from "./parse.js";
import { createProgressNote, runWithProgress } from "./progress.js";
import { commandResponses, progressMessage, visibilityOf, type Visibility } from "./responses.js";
import { shareImages } from "./upload.js";

export interface ListenerDeps {
  dispatcher: Pick<Dispatcher, "run">;
  directory: GroupDirectory;
  client: Pick<webApi.WebClient, "files">;
  results: Visibility;
  /** After this long without a reply, a "working on it" note is shown. */
  progressAfterMs: number;
  /** Progress updates closer together than this are merged. */
  progressIntervalMs: number;
  log: Logger;
}

// Of a response_url's five messages, the result may need two (delete the note, post anew).
const PROGRESS_SENDS = 3;

/** `/f2b <command line>`: the line runs through the dispatcher as the Slack user who typed it. */
export function slashCommandListener(deps: ListenerDeps): Middleware<SlackCommandMiddlewareArgs> {
  return async ({ ack, command, respond }) => {
    // Slack shows the user an error after 3 s without an acknowledgement: nothing may come first.
    await ack();
    const line = decodeSlashText(command.text) || "help";
    const context = { userId: command.user_id, channelId: command.channel_id, line };
    try {
      const who = { userId: command.user_id, userName: command.user_name, channelId: command.channel_id };
      let noteShown = false;
      const note = createProgressNote({
        send: async (status) => {
          await respond({ ...progressMessage(line, status, deps.results), ...(noteShown ? { replace_original: true } : {}) });
          noteShown = true;
        },
        maxSends: PROGRESS_SENDS,
        minIntervalMs: deps.progressIntervalMs,
        log: deps.log,
      });
      const { value: reply, progressShown } = await runWithProgress(
        async (progress) => await deps.dispatcher.run(line, await slackIdentity(deps.directory, who), { progress }),
        note,
        deps.progressAfterMs,
      );
      for (const message of commandResponses(reply, { results: deps.results, progress: progressShown ? deps.results : undefined })) {
        await respond(message);
      }
      if (reply.images?.length && visibilityOf(reply, deps.results) === "in_channel") {
        await shareImages(deps.client, reply.images, { channel: command.channel_id });
      }
    } catch (err) {
      await reportFailure(deps.log, err, context, respond);
    }
  };
}

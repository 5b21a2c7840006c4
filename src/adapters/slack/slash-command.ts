import type { Middleware, RespondFn, SlackCommandMiddlewareArgs, webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { Dispatcher } from "../../core/dispatch.js";
import type { Reply } from "../../core/reply.js";
import type { DataBlockKind } from "./data-blocks.js";
import { checkedResponse, kindsIn, withDataBlocks, type DataBlockSupport } from "./data-support.js";
import { reportFailure } from "./failure.js";
import { slackIdentity, type GroupDirectory, type SlackUser } from "./identity.js";
import { decodeSlashText } from "./parse.js";
import { createProgressNote, runWithProgress, type ProgressNoteOptions } from "./progress.js";
import { imagesToUpload } from "./render.js";
import { RESPOND_RETRY, respondUntilDelivered } from "./respond-retry.js";
import { responseUrlPoster } from "./response-url.js";
import { commandResponses, progressMessage, visibilityOf, type ResponseMessage, type Visibility } from "./responses.js";
import { shareImagesOrSay } from "./upload.js";

export interface ListenerDeps {
  dispatcher: Pick<Dispatcher, "run">;
  directory: GroupDirectory;
  client: Pick<webApi.WebClient, "files">;
  results: Visibility;
  /** After this long without a reply, a "working on it" note is shown. */
  progressAfterMs: number;
  /** Progress updates closer together than this are merged. */
  progressIntervalMs: number;
  /** Which workspaces take Slack's data table and chart blocks. */
  dataBlocks: DataBlockSupport;
  /** Aborted when the adapter stops: replies still being retried give up. */
  stopping: () => AbortSignal;
  log: Logger;
}

// Of a response_url's five messages, the result may need two (delete the note, post anew).
const PROGRESS_SENDS = 3;

/** `/f2b <command line>`: the line runs through the dispatcher as the Slack user who typed it. */
export function slashCommandListener(deps: ListenerDeps): Middleware<SlackCommandMiddlewareArgs> {
  return async ({ ack, command }) => {
    // Slack shows the user an error after 3 s without an acknowledgement: nothing may come first.
    await ack();
    const respond = responseUrlPoster(command.response_url);
    const line = decodeSlashText(command.text) || "help";
    const context = { userId: command.user_id, channelId: command.channel_id, line };
    try {
      const who = { userId: command.user_id, userName: command.user_name, channelId: command.channel_id };
      const { value: reply, progressShown } = await runLine(deps, {
        line,
        who,
        afterMs: deps.progressAfterMs,
        maxSends: PROGRESS_SENDS,
        send: (status, shown) => respond({ ...progressMessage(line, status, deps.results), ...(shown ? { replace_original: true } : {}) }),
      });
      const messages = (dataBlocks: ReadonlySet<DataBlockKind>) =>
        commandResponses(reply, { results: deps.results, progress: progressShown ? deps.results : undefined, dataBlocks });
      const used = await respondAll(deps, command.team_id, respond, messages);
      const uploads = imagesToUpload(reply, used);
      if (uploads.length && visibilityOf(reply, deps.results) === "in_channel") {
        await shareImagesOrSay(deps, uploads, { channel: command.channel_id }, respond);
      }
    } catch (err) {
      await reportFailure(deps.log, err, context, respond);
    }
  };
}

/**
 * Sends a reply's messages to its response_url, each with the data blocks the workspace takes (or,
 * once Slack refuses them, without). Returns the set the last message went out with, which says
 * which charts it drew and which are left to upload.
 */
export async function respondAll(
  deps: Pick<ListenerDeps, "dataBlocks" | "stopping" | "log">,
  team: string,
  respond: RespondFn,
  messages: (dataBlocks: ReadonlySet<DataBlockKind>) => ResponseMessage[],
): Promise<ReadonlySet<DataBlockKind>> {
  const ctx = { support: deps.dataBlocks, team, log: deps.log };
  let used = deps.dataBlocks.allowed(team);
  // The list's shape never depends on the blocks, so each message can fall back on its own.
  const count = messages(used).length;
  for (let i = 0; i < count; i++) {
    const sent = await withDataBlocks(
      ctx,
      async (dataBlocks) => await checkedResponse(await deliver(deps, respond, messages(dataBlocks)[i]!)),
      (dataBlocks) => kindsIn(messages(dataBlocks)[i]!.blocks),
    );
    used = sent.allowed;
  }
  return used;
}

/** A result for a response_url: the command ran, so its reply is retried through an outage. */
async function deliver(deps: Pick<ListenerDeps, "stopping" | "log">, respond: RespondFn, message: ResponseMessage): Promise<unknown> {
  return await respondUntilDelivered(respond, message, { retry: RESPOND_RETRY, signal: deps.stopping(), log: deps.log });
}

/** A typed or clicked line run as its Slack user, with a progress note once it outlasts `afterMs`. */
export async function runLine(
  deps: ListenerDeps,
  run: { line: string; who: SlackUser; afterMs: number | undefined; maxSends: number; send: ProgressNoteOptions["send"] },
): Promise<{ value: Reply; progressShown: boolean }> {
  const note = createProgressNote({ send: run.send, maxSends: run.maxSends, minIntervalMs: deps.progressIntervalMs, log: deps.log });
  return await runWithProgress(
    async (progress) => await deps.dispatcher.run(run.line, await slackIdentity(deps.directory, run.who), { progress }),
    note,
    run.afterMs,
  );
}

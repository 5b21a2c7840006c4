import { withConfirmToken } from "./command/parse.js";
import type { Reply } from "./reply.js";
import { formatDuration } from "./time-format.js";

/** The Confirm/Cancel question before a destructive command; `why` (its consequence) leads the text. */
export function confirmationReply({ commandLine, why, token, ttlMs }: { commandLine: string; why: string; token: string; ttlMs: number }): Reply {
  return {
    title: `Confirm: ${commandLine}`,
    tone: "warn",
    text: `${why} The button expires in ${formatDuration(ttlMs)}.`,
    private: true,
    actions: [
      { label: "Confirm", command: withConfirmToken(commandLine, token), style: "danger" },
      { label: "Cancel", command: `cancel ${token}` },
    ],
  };
}

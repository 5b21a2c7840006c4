import { randomBytes } from "node:crypto";
import { errorReply, type Reply } from "./reply.js";

/** A failure that is not the asker's: the id in the reply is the one to log, so the two can be matched. */
export function newIncident(): { id: string; reply: Reply } {
  const id = randomBytes(3).toString("hex");
  return { id, reply: errorReply(`Something went wrong (ref \`${id}\`). The details are in BanBot's log.`, "Something went wrong") };
}

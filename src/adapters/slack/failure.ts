import type { Logger } from "pino";
import { newIncident } from "../../core/incident.js";
import { renderReply } from "./render.js";
import type { ResponseMessage } from "./responses.js";

/**
 * The last resort of a listener: the dispatcher already turns command failures into replies, so
 * this is for the adapter's own (Slack unreachable, a response_url refused). Logged with an
 * incident id and, when the asker can still be reached, told to them; it never throws, because
 * an exception escaping a listener would only reach bolt's generic error log.
 */
export async function reportFailure(
  log: Logger,
  err: unknown,
  context: Record<string, unknown>,
  respond: (message: ResponseMessage) => Promise<unknown>,
): Promise<void> {
  const incident = newIncident();
  log.error({ err, incident: incident.id, ...context }, "slack request failed");
  try {
    await respond({ response_type: "ephemeral", ...renderReply(incident.reply) });
  } catch (second) {
    log.warn({ err: second, incident: incident.id }, "could not tell the user about the failure");
  }
}

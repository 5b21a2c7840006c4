import { DeliveryError } from "../../core/chat.js";

// Slack errors that no retry can fix: the channel or message is gone or out of reach, the message
// itself is refused, or the token lacks a right. https://docs.slack.dev/reference/methods/chat.postMessage#errors
const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_too_long",
  "no_text",
  "restricted_action",
  "missing_scope",
  "not_authed",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
]);

/** A Web API failure as the alert outbox reads it: retry later (when?), or give up. */
export function deliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: unknown; retryAfter?: unknown; data?: { error?: unknown }; message?: unknown };
  const message = typeof e.message === "string" ? e.message : String(err);
  if (e.code === "slack_webapi_rate_limited_error" && typeof e.retryAfter === "number") {
    return new DeliveryError(`Slack rate limit: retry in ${e.retryAfter} s`, { retryAfterMs: e.retryAfter * 1000, cause: err });
  }
  if (e.code === "slack_webapi_platform_error" && typeof e.data?.error === "string") {
    return new DeliveryError(`Slack refused the post: ${e.data.error}`, { permanent: PERMANENT.has(e.data.error), cause: err });
  }
  // No answer, or a server error: Slack may have posted it all the same.
  return new DeliveryError(`Slack unreachable: ${message}`, { uncertain: true, cause: err });
}

/** A refusal Slack answered (not an outage): retrying the same call cannot succeed. */
export function isPlatformRefusal(err: unknown): err is { data: { error: string } } {
  const e = err as { code?: unknown; data?: { error?: unknown } };
  return e.code === "slack_webapi_platform_error" && typeof e.data?.error === "string";
}

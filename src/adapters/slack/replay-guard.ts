import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnyMiddlewareArgs, HTTPReceiver, Middleware } from "@slack/bolt";
import type { Logger } from "pino";

// Slack signs a timestamp into every HTTP request; bolt refuses one more than five minutes old,
// but not one dated in the future, which a captured request could be replayed under for as long
// as the date lies ahead. Same window both ways.
const MAX_SKEW_S = 5 * 60;

/** Wraps the receiver's request handling so that requests dated too far ahead get 401 and run nothing. */
export function refuseFutureRequests(receiver: HTTPReceiver, log: Logger, now: () => number = Date.now): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const stamp = Number(req.headers["x-slack-request-timestamp"]);
    if (Number.isFinite(stamp) && stamp > now() / 1000 + MAX_SKEW_S) {
      log.warn({ timestamp: stamp, url: req.url }, "refused a Slack request dated more than 5 minutes ahead");
      res.writeHead(401).end();
      return;
    }
    inner(req, res);
  };
}

/** How long a trigger is remembered: past the window in which its signed request is accepted. */
const REMEMBER_MS = 2 * MAX_SKEW_S * 1000;
const CAP = 10_000;

/**
 * Runs each slash command and click once: Slack retries a delivery it thinks was lost (with
 * X-Slack-Retry-Num, or `retry_attempt` in Socket Mode) and a replayed request carries the same
 * trigger_id, which Slack makes anew for every command typed and every button pressed. A repeat is
 * acknowledged and dropped. Remembered in memory: a repeat arriving across a restart is not known.
 */
export function oncePerTrigger(log: Logger, now: () => number = Date.now): Middleware<AnyMiddlewareArgs> {
  const seen = new Map<string, number>();
  return async (args) => {
    const trigger = (args.body as { trigger_id?: unknown }).trigger_id;
    if (typeof trigger !== "string" || trigger === "") return await args.next();
    const at = now();
    for (const [key, until] of seen) {
      if (until > at && seen.size <= CAP) break;
      seen.delete(key);
    }
    if (seen.has(trigger)) {
      log.warn({ trigger, retryNum: args.context.retryNum, retryReason: args.context.retryReason }, "ignored a repeated Slack delivery");
      if ("ack" in args && typeof args.ack === "function") await args.ack();
      return;
    }
    seen.set(trigger, at + REMEMBER_MS);
    await args.next();
  };
}

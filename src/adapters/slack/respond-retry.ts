import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { ResponseMessage } from "./responses.js";

export interface RespondRetry {
  /** First wait; doubled after each failure up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Slack takes messages at a response_url for 30 minutes; after that, retrying is pointless. */
  deadlineMs: number;
}

export const RESPOND_RETRY: RespondRetry = { firstDelayMs: 1000, maxDelayMs: 30_000, deadlineMs: 29 * 60_000 };

/**
 * Sends one message to a response_url until Slack takes it: the command it answers has already
 * run (and was audited), so its reply is worth waiting for through an outage. Network errors,
 * 5xx and 429 are retried with backoff; any other refusal (an expired or used-up URL) is final.
 * `signal` (the adapter stopping) ends the waiting, so shutdown is never held up.
 */
export async function respondUntilDelivered(
  respond: (message: ResponseMessage) => Promise<unknown>,
  message: ResponseMessage,
  opts: { retry: RespondRetry; signal: AbortSignal; log: Logger },
): Promise<unknown> {
  const { retry, signal, log } = opts;
  const giveUpAt = performance.now() + retry.deadlineMs;
  for (let attempt = 1, delay = retry.firstDelayMs; ; attempt++, delay = Math.min(delay * 2, retry.maxDelayMs)) {
    try {
      const answer = await respond(message);
      if (attempt > 1) log.info({ attempts: attempt }, "reply delivered to Slack after retrying");
      return answer;
    } catch (err) {
      if (!retryable(err) || signal.aborted || performance.now() + delay > giveUpAt) throw err;
      log.warn({ err, attempt, retryInMs: delay }, "Slack did not take a reply; retrying");
      await sleep(delay, undefined, { signal, ref: false }).catch(() => undefined);
      if (signal.aborted) throw err;
    }
  }
}

function retryable(err: unknown): boolean {
  const status = (err as { statusCode?: unknown }).statusCode;
  // No status: the request never got an answer (connection refused or reset, a timeout).
  return typeof status !== "number" || status >= 500 || status === 429;
}

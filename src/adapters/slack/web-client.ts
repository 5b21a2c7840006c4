import type { Logger as BoltLogger, webApi } from "@slack/bolt";

/**
 * WebClient options for every Slack client BanBot makes. The library default retries for about 30
 * minutes, long after anyone cares about a chat reply or an alert; two retries within seconds cover
 * a blip. A 429 is waited out for as long as Slack's Retry-After says (the client pauses its whole
 * queue meanwhile) and then counts as one retry.
 */
export function webClientOptions(apiUrl: string | undefined, logger: BoltLogger): webApi.WebClientOptions {
  return {
    ...(apiUrl === undefined ? {} : { slackApiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/` }),
    logger,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5000, randomize: true },
    rejectRateLimitedCalls: false,
    timeout: 10_000,
  };
}

import type { Alert, AlertKind } from "./alert.js";
import type { OutboxMessage } from "../ports/outbox.js";
import { CHAT_PLATFORMS, CHAT_PLATFORM_NAMES, type ChatPlatform, type RouteChannelField } from "../platforms.js";

/** Where alerts of some kinds (and jails) are posted: a channel on any of the platforms (`slackChannel`…). */
export interface AlertRoute extends Partial<Record<RouteChannelField, string>> {
  kinds: readonly AlertKind[];
  /** Undefined: every jail. */
  jails: readonly string[] | undefined;
  /** No file setting: only the demo posts to its own console. */
  console?: boolean;
}

/** The chat channels a route names, in the registry's order of platforms. */
export function chatTargets(route: AlertRoute): { platform: ChatPlatform; channel: string }[] {
  return CHAT_PLATFORM_NAMES.flatMap((platform) => {
    const channel = route[CHAT_PLATFORMS[platform].channel.field];
    return channel ? [{ platform, channel }] : [];
  });
}

/** Is this alert muted by `alerts mute` (by kind, by jail, or by kind:jail)? */
export type MuteCheck = (alert: Pick<Alert, "kind" | "jail">) => boolean;

/** The outbox messages an alert becomes: one per channel of every route it matches. */
export function routeAlert(alert: Alert, routes: readonly AlertRoute[], muted: MuteCheck): OutboxMessage[] {
  // A resolution is always delivered: a muted incident that was announced must still be closed.
  if (alert.step !== "resolve" && muted(alert)) return [];
  const messages: OutboxMessage[] = [];
  // Two routes naming one channel deliver there once.
  const reached = new Set<string>();
  for (const route of routes) {
    if (alert.kind !== "test" && !route.kinds.includes(alert.kind)) continue;
    if (route.jails && alert.jail !== undefined && !route.jails.includes(alert.jail)) continue;
    const targets = [...chatTargets(route), ...(route.console ? [{ platform: "console" as const, channel: "console" }] : [])];
    for (const { platform, channel } of targets) {
      const at = `${platform}:${channel}`;
      if (reached.has(at)) continue;
      reached.add(at);
      const openKey = `${alert.incident}:open:${at}`;
      if (alert.step === "open") messages.push({ dedupeKey: openKey, platform, channel, reply: alert.reply, mode: "post" });
      else if (alert.step === "update") {
        messages.push({ dedupeKey: `${alert.incident}:update:${alert.seq ?? 0}:${at}`, platform, channel, reply: alert.reply, mode: "replace", parentKey: openKey });
      } else {
        messages.push({ dedupeKey: `${alert.incident}:resolve:${at}`, platform, channel, reply: alert.reply, mode: "follow_up", parentKey: openKey });
      }
    }
  }
  return messages;
}

import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const alertsTest = defineCommand({
  path: ["alerts", "test"],
  summary: "Post a test alert to every configured alert channel",
  examples: ["alerts test"],
  options: [],
  role: "operator",
  effect: "change",
  run(_values, { alerts, clock, host, actor }: Ctx<"alerts" | "clock" | "host">) {
    const now = clock.now();
    const queued = alerts.raise({
      kind: "test",
      incident: `test:${host}:${now}`,
      step: "open",
      reply: { title: `Test alert from BanBot on ${host}`, tone: "info", text: `Asked for by ${actor.userName ?? actor.userId}. If you can read this, alerts reach this channel.` },
    });
    return Promise.resolve(
      queued === 0
        ? { title: "No alert channels are configured", tone: "warn" as const, text: "Add alerts.routes to the config file (see docs/alerts.md)." }
        : { title: `Test alert queued for ${queued} channel${queued === 1 ? "" : "s"}`, tone: "ok" as const },
    );
  },
});

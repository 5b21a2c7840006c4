import { chatTargets } from "../src/core/alerts/router.js";
import { defineCommand } from "../src/core/command/model.js";
import { platformLabel } from "../src/core/platforms.js";
import type { Ctx } from "../src/core/services.js";
import { formatRelative } from "../src/core/time-format.js";

export const alerts = defineCommand({
  path: ["alerts"],
  summary: "Alert routes, channels and mutes",
  examples: ["alerts"],
  options: [],
  role: "viewer",
  front: true,
  effect: "read",
  run(_values, { alerts: service, mutes, clock }: Ctx<"alerts" | "mutes" | "clock">) {
    const now = clock.now();
    const routes = service.routes.map((r) => [
      r.kinds.join(", "),
      r.jails?.join(", ") ?? "all",
      chatTargets(r)
        .map((t) => `${platformLabel(t.platform)} ${t.channel}`)
        .join(", "),
    ]);
    const active = mutes.active(now);
    return Promise.resolve({
      title: routes.length ? `${routes.length} alert route${routes.length === 1 ? "" : "s"}` : "No alert routes: add alerts.routes to the config file",
      tone: "info" as const,
      table: routes.length ? { columns: ["kinds", "jails", "channels"], rows: routes } : undefined,
      fields: [
        {
          label: "Muted",
          value: active.length ? active.map((m) => `${m.what} ${m.until ? `until ${formatRelative(m.until, now)}` : "until unmuted"} (by ${m.by})`).join("\n") : "nothing",
        },
      ],
      actions: active.map((m) => ({ label: `Unmute ${m.what}`, command: `alerts-unmute ${m.what}` })),
    });
  },
});

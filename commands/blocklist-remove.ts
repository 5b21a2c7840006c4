import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const blocklistRemove = defineCommand({
  path: ["blocklist", "remove"],
  summary: "Remove a blocklist and unban what it banned (unless another lists it)",
  examples: ["blocklist remove drop"],
  options: [{ name: "name", kind: "text", required: true, description: "the source" }],
  role: "admin",
  effect: "destructive",
  consequence({ name }, { blocklists }: Ctx<"blocklists">) {
    const { source, members } = blocklists.show(name, 0);
    const held = members.banned + members.pending;
    return Promise.resolve(
      `Removes blocklist ${name} and unbans the ${held.toLocaleString("en")} ${held === 1 ? "entry" : "entries"} it banned in ${source.jail}, except those another blocklist lists. This cannot be undone from here.`,
    );
  },
  async run({ name }, { blocklists, progress, actor }: Ctx<"blocklists">) {
    const { jail } = blocklists.find(name);
    const { unbanned } = await blocklists.remove(name, {
      actor: `${actor.platform}:${actor.userId}`,
      progress: progress && ((p) => progress(`Unbanning ${p.done.toLocaleString("en")} of ${p.total.toLocaleString("en")}…`)),
    });
    return {
      title: `Removed blocklist ${name}`,
      tone: "warn",
      text: `Unbanned ${unbanned.toLocaleString("en")} ${unbanned === 1 ? "address" : "addresses"} it had banned in ${jail}; bans that another blocklist still lists stay.`,
    };
  },
});

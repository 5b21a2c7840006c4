import { defineCommand } from "../src/core/command/model.js";
import { UserError } from "../src/core/errors.js";
import type { Ctx } from "../src/core/services.js";

export const ignore = defineCommand({
  path: ["ignore"],
  summary: "Show or edit a jail's ignore list (addresses and networks it never bans)",
  examples: ["ignore sshd", "ignore sshd add 198.51.100.0/24", "ignore sshd del 198.51.100.7"],
  options: [
    { name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" },
    { name: "change", kind: "enum", values: ["add", "del"], description: "add or del" },
    { name: "entries", kind: "ip-or-cidr", multiple: true, description: "addresses or CIDR networks" },
  ],
  role: "operator",
  effect: "change",
  async run({ jail, change, entries }, { fail2ban }: Ctx<"fail2ban">) {
    if ((change === undefined) !== (entries === undefined)) {
      throw new UserError("invalid_argument", "Say what to add or delete: `ignore <jail> add|del <ip|cidr>…`.");
    }
    let list: string[];
    if (change === "add") list = await fail2ban.addIgnore(jail, entries!);
    else if (change === "del") {
      list = [];
      for (const entry of entries!) list = await fail2ban.removeIgnore(jail, entry);
    } else list = await fail2ban.ignoreList(jail);
    const title = change
      ? `${change === "add" ? "Added" : "Removed"} ${entries!.join(", ")} ${change === "add" ? "to" : "from"} ${jail}'s ignore list`
      : `Ignore list of ${jail}`;
    return {
      title,
      tone: change ? "ok" : "info",
      text: list.length ? list.join("\n") : "The ignore list is empty.",
      notes: change ? ["Runtime change: a reload of the jail from its configuration resets it."] : undefined,
    };
  },
});

import { hostname } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { renderComponents, type ActionRef } from "../../src/adapters/discord/components.js";
import { renderV2 } from "../../src/adapters/discord/v2.js";
import { renderReply } from "../../src/adapters/slack/render.js";
import type { Reply } from "../../src/core/reply.js";
import { createHistoryArchive } from "../../src/store/history-archive.js";
import { useBanBot } from "../harness/banbot.js";

const ref: ActionRef = (command) => `=${command}`;
const DATA_BLOCKS = new Set(["data_table", "data_visualization"] as const);

/** Every button or menu option label in a rendered payload. */
function labels(payload: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") {
      const node = value as Record<string, unknown>;
      // Slack: { type: "button", text: { text } }; Discord: a button (type 2) or a menu option, { label, value }.
      if (node.type === "button") found.push(String((node.text as { text: string }).text));
      else if ((node.type === 2 || "value" in node) && typeof node.label === "string") found.push(node.label);
      Object.values(node).forEach(visit);
    }
  };
  visit(payload);
  return found;
}

// Each surface: Slack (data table and text table), Discord Components V2 and the embed fallback's components.
const SURFACES: [string, (reply: Reply) => unknown][] = [
  ["slack data table", (r) => renderReply(r, { dataBlocks: DATA_BLOCKS })],
  ["slack text table", (r) => renderReply(r)],
  ["discord v2", (r) => renderV2(r, ref)],
  ["discord embed", (r) => renderComponents(r, ref)],
];

// A row's button stands apart from its row on these surfaces, so it names the row's subject (the
// address, the jail), never the rank or the time in the first column.
describe("row buttons are named after the row's subject, on every surface", () => {
  const bot = useBanBot();
  beforeAll(() => {
    const at = bot.clock.now() - 3_600_000;
    createHistoryArchive(bot.db).add(
      [["alpha", "192.0.2.1"], ["alpha", "192.0.2.1"], ["beta", "198.51.100.7"]].map(([jail, ip], i) => ({
        host: hostname(), jail: jail!, ip: ip!, kind: "ban" as const, at: at + i, banTime: at / 1000, banSeconds: 600, banCount: 1, failures: 5, origin: "fail2ban" as const,
      })),
    );
  });

  it.each([
    ["top ips 30d", ["History 192.0.2.1", "History 198.51.100.7"]],
    ["top jails 30d", ["Stats alpha", "Stats beta"]],
    ["history 30d", ["History 198.51.100.7", "History 192.0.2.1", "History 192.0.2.1"]],
  ])("%s", async (line, expected) => {
    const reply = await bot.run(line);
    for (const [surface, render] of SURFACES) {
      const shown = labels(render(reply)).filter((l) => /^(History|Stats) /.test(l));
      expect(new Set(shown), surface).toEqual(new Set(expected));
    }
  });
});

import { describe, expect, it } from "vitest";
import { renderText } from "../../../src/adapters/console/render.js";
import type { Reply } from "../../../src/core/reply.js";

describe("renderText", () => {
  const reply: Reply = {
    title: "Top jails, last 30d",
    tone: "info",
    table: {
      columns: ["#", "jail", "bans", "share", "note"],
      rows: [
        [1, "sshd", 12_345, "99.9%", "a long note that a narrow terminal cannot show whole"],
        [2, "nginx-http-auth", 7, "0.1%", ""],
      ],
      align: ["right", "left", "right", "right", "left"],
      rowActions: [{ label: "Stats", command: "stats --jail=sshd" }, undefined],
    },
  };

  it("shows counts with thousands separators and numbers the row actions", () => {
    const { text, actions } = renderText(reply);
    expect(text).toContain("  1  sshd             12,345  99.9%  a long note that a narrow terminal cannot show whole  [1] Stats");
    expect(actions).toEqual([{ label: "Stats", command: "stats --jail=sshd" }]);
  });

  it("fits tables to the terminal's width, keeping the numbered actions whole", () => {
    const { text } = renderText(reply, { width: 60 });
    const table = text.split("\n").slice(2);
    for (const line of table) expect(line.length).toBeLessThan(60);
    expect(table[2]).toMatch(/^ {2}1 {2}sshd .*12,345 {2}99\.9% {2}a long note.*… {2}\[1\] Stats$/);
  });
});

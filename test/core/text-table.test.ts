import { describe, expect, it } from "vitest";
import { textTable } from "../../src/core/text-table.js";

describe("textTable", () => {
  const header = ["when", "who", "command", "result"];
  const rows = [
    ["2026-11-22 09:00 UTC", "console:console", "ban 203.0.113.5 sshd for 2h", "ok: Banned 203.0.113.5 in sshd for 2h"],
    ["2026-11-22 09:01 UTC", "slack:U01ADMIN", "stop sshd", "confirm: confirmation asked"],
  ];

  it("GIVEN no width THEN pads every column to its widest cell", () => {
    const { lines } = textTable(header, rows);
    expect(lines[0]).toBe("when                  who              command                      result");
    expect(lines[2]).toBe("2026-11-22 09:00 UTC  console:console  ban 203.0.113.5 sshd for 2h  ok: Banned 203.0.113.5 in sshd for 2h");
  });

  it("GIVEN a width THEN cuts the widest columns with … until every line fits", () => {
    const { lines } = textTable(header, rows, { maxWidth: 72 });
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(72);
    // The widest give first, so the columns end up about even.
    expect(lines[2]).toBe("2026-11-22 09:00…  console:console  ban 203.0.113.5 …  ok: Banned 203.0…");
    expect(lines[3]).toBe("2026-11-22 09:01…  slack:U01ADMIN   stop sshd          confirm: confirm…");
  });

  it("GIVEN columns to keep THEN cuts only the others, and stops at a minimum width", () => {
    const { lines } = textTable(["address", "why", ""], [["203.0.113.5", "manual, by slack:U01ADMIN because of a long story", "[12] Unban"]], { maxWidth: 20, keep: [false, false, true] });
    expect(lines[2]).toBe("203.0.1…  manual,…  [12] Unban");
  });
});

import { describe, expect, it } from "vitest";
import { parseActionLine } from "../../../src/core/history/action-line.js";
import { matchesExcerpt } from "../../../src/core/history/excerpt.js";
import { LineSplitter } from "../../../src/core/history/line-splitter.js";
import { defaultOrigin } from "../../../src/core/history/origin.js";

const line = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, event: "ban", jail: "sshd", ip: "192.0.2.1", time: 1_790_000_000, at: 1_789_999_999.6, bantime: 600, bancount: 1, failures: 3, matches: ["a"], restored: false, prolong: false, ...over });

describe("parseActionLine", () => {
  it("reads a ban, dated by fail2ban's rounded ban time", () => {
    expect(parseActionLine(line())).toEqual({
      kind: "event",
      prolong: false,
      stop: false,
      event: { jail: "sshd", ip: "192.0.2.1", kind: "ban", at: 1_790_000_000_000, banTime: 1_790_000_000, banSeconds: 600, banCount: 1, failures: 3, matches: ["a"] },
    });
  });

  it("dates an unban by when it happened, never before its ban", () => {
    expect(parseActionLine(line({ event: "unban", at: 1_790_000_060.25 }))).toMatchObject({ event: { kind: "unban", at: 1_790_000_060_250 } });
    expect(parseActionLine(line({ event: "unban", at: 1_789_999_999.7 }))).toMatchObject({ event: { at: 1_790_000_000_000 } });
  });

  it("reads hello lines and prolongs", () => {
    expect(parseActionLine('{"v":1,"event":"hello","jail":"sshd","dropped":4}')).toEqual({ kind: "hello", jail: "sshd", dropped: 4 });
    expect(parseActionLine(line({ prolong: true, bantime: 2400 }))).toMatchObject({ prolong: true, event: { banSeconds: 2400 } });
  });

  it("reads a jail's start, stop and reload, and an unban because its jail stopped", () => {
    expect(parseActionLine('{"v":1,"event":"reload","jail":"sshd","at":1790000000.25}')).toEqual({ kind: "jail", report: { jail: "sshd", event: "reload", at: 1_790_000_000_250 } });
    expect(parseActionLine('{"v":1,"event":"start","jail":"sshd","at":1790000000}')).toMatchObject({ kind: "jail", report: { event: "start" } });
    expect(parseActionLine('{"v":1,"event":"stop","jail":"sshd","at":1790000000}')).toMatchObject({ kind: "jail", report: { event: "stop" } });
    expect(parseActionLine(line({ event: "unban", stop: true }))).toMatchObject({ kind: "event", stop: true, event: { kind: "unban" } });
  });

  it.each([
    ["not JSON", "{oops", /not JSON/],
    ["a jail report without a time", '{"v":1,"event":"reload","jail":"sshd"}', /^at:/],
    ["a jail report for a jail with a space", '{"v":1,"event":"start","jail":"s shd","at":1790000000}', /^jail:/],
    ["a jail report from the far future", '{"v":1,"event":"stop","jail":"sshd","at":1e12}', /^at:/],
    ["another protocol version", line({ v: 2 }), /^v:/],
    ["milliseconds as seconds", line({ time: 1_790_000_000_000 }), /^time:/],
    ["a jail with a newline", line({ jail: "ss\nhd" }), /^jail:/],
    ["an address with a space", line({ ip: "1.2.3.4 5.6.7.8" }), /^ip:/],
    ["an unknown event", line({ event: "flush" }), /event/],
    ["too many match lines", line({ matches: Array.from({ length: 51 }, () => "x") }), /^matches/],
  ])("rejects %s", (_what, text, reason) => {
    const parsed = parseActionLine(text);
    expect(parsed.kind).toBe("invalid");
    if (parsed.kind === "invalid") expect(parsed.reason).toMatch(reason);
  });
});

describe("matchesExcerpt", () => {
  it("keeps the last five lines, cleaned of control characters and cut", () => {
    const lines = ["1", "2", "3", "4", "5", "6 \u001b[31mred\u0007", `7 ${"x".repeat(400)}`];
    const excerpt = matchesExcerpt(lines)!;
    expect(excerpt.split("\n")).toHaveLength(5);
    expect(excerpt.split("\n")[0]).toBe("3");
    expect(excerpt).toContain("6 [31mred");
    expect(excerpt).not.toMatch(/[^\P{Cc}\n]/u);
    expect(excerpt.split("\n").at(-1)).toHaveLength(300);
  });

  it("strips line and bidi overrides that could fake a reply's layout, and gives nothing for nothing", () => {
    expect(matchesExcerpt(["a\u2028b\u202ec\r\nd"])).toBe("a b c d");
    expect(matchesExcerpt([])).toBeUndefined();
    expect(matchesExcerpt(["\u0000\u0001"])).toBeUndefined();
  });
});

describe("LineSplitter", () => {
  it("joins lines split across chunks and reports over-long and cut-off lines", () => {
    const s = new LineSplitter(8);
    expect(s.push(Buffer.from("ab"))).toEqual([]);
    expect(s.push(Buffer.from("c\nde\nf"))).toEqual(["abc", "de"]);
    expect(s.push(Buffer.from("0123456789"))).toEqual([]);
    expect(s.push(Buffer.from("more\nok\n"))).toEqual([undefined, "ok"]);
    expect(s.push(Buffer.from("half"))).toEqual([]);
    expect(s.end()).toBe(true);
    expect(s.end()).toBe(false);
  });

  it("keeps multi-byte characters split between chunks whole", () => {
    const s = new LineSplitter(64);
    const bytes = Buffer.from("é\n");
    expect([...s.push(bytes.subarray(0, 1)), ...s.push(bytes.subarray(1))]).toEqual(["é"]);
  });
});

describe("defaultOrigin", () => {
  const base = { jail: "sshd", ip: "192.0.2.1", banTime: 1000, at: 1_000_000 };
  it.each([
    ["a ban with failures", { ...base, kind: "ban", failures: 3 }, "fail2ban"],
    ["a ban without", { ...base, kind: "ban", failures: 0 }, "external"],
    ["an unban at the end of the ban time", { ...base, kind: "unban", banSeconds: 600, at: 1_600_500 }, "fail2ban"],
    ["an unban long before", { ...base, kind: "unban", banSeconds: 600, at: 1_060_000 }, "external"],
    ["an unban of a permanent ban", { ...base, kind: "unban", banSeconds: -1, at: 9_000_000 }, "external"],
  ] as const)("calls %s %s", (_what, event, origin) => {
    expect(defaultOrigin(event)).toBe(origin);
  });
});

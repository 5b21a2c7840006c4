import { describe, expect, it } from "vitest";
import { isUserError } from "../../../src/core/errors.js";
import {
  Fail2banCommandError,
  banEntriesSchema,
  datePatternSchema,
  ignoreListSchema,
  jailStatusSchema,
  parseWith,
  statusSchema,
  unwrapReply,
} from "../../../src/core/fail2ban/parse.js";
import { PyObject, decodePickle } from "../../../src/core/fail2ban/pickle.js";

describe("unwrapReply", () => {
  it("returns the value of a (0, value) reply", () => {
    expect(unwrapReply([0, "pong"])).toBe("pong");
  });

  it("turns (1, exception) into a command error carrying the message", () => {
    const err = (() => {
      try {
        unwrapReply([1, new PyObject("builtins.ValueError", ["not banned: ['x']"])]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(Fail2banCommandError);
    expect((err as Fail2banCommandError).pyType).toBe("builtins.ValueError");
    expect((err as Error).message).toBe("fail2ban rejected the command: not banned: ['x']");
  });

  it.each([
    ["ERROR: pickle data was truncated", "fail2ban_protocol"],
    [["SHUTDOWN"], "fail2ban_unavailable"],
    [[2, "x"], "fail2ban_protocol"],
    [null, "fail2ban_protocol"],
  ] as const)("GIVEN %j THEN it fails with %s", (reply, code) => {
    expect(() => unwrapReply(reply as never)).toSatisfy((fn: () => unknown) => {
      try {
        fn();
        return false;
      } catch (e) {
        return isUserError(e, code);
      }
    });
  });
});

describe("reply schemas", () => {
  it("splits the jail list of `status`", () => {
    expect(parseWith(statusSchema, [["Number of jail", 2], ["Jail list", "recidive, sshd"]])).toEqual({ jails: ["recidive", "sshd"] });
    expect(parseWith(statusSchema, [["Number of jail", 0], ["Jail list", ""]])).toEqual({ jails: [] });
  });

  it("reads a systemd jail's status, which has journal matches instead of files", () => {
    const reply = [
      ["Filter", [["Currently failed", 1], ["Total failed", 5], ["Journal matches", ["_SYSTEMD_UNIT=sshd.service + _COMM=sshd"]]]],
      ["Actions", [["Currently banned", 1], ["Total banned", 2], ["Banned IP list", ["192.0.2.1"]]]],
    ];
    expect(parseWith(jailStatusSchema, reply)).toEqual({
      currentlyFailed: 1,
      totalFailed: 5,
      files: [],
      journalMatches: ["_SYSTEMD_UNIT=sshd.service + _COMM=sshd"],
      currentlyBanned: 1,
      totalBanned: 2,
      bannedIps: ["192.0.2.1"],
    });
  });

  it("reads ban times in local time, and permanent bans without an end", () => {
    const [timed, forever] = parseWith(banEntriesSchema, [
      "192.0.2.10 \t2026-11-22 09:00:49 + 600 = 2026-11-22 09:10:49",
      "2001:db8::1 \t2026-11-22 09:00:00 + -1 = 9999-12-31 23:59:59",
    ]);
    expect(timed).toEqual({ ip: "192.0.2.10", start: new Date(2026, 10, 22, 9, 0, 49), banSeconds: 600, end: new Date(2026, 10, 22, 9, 10, 49) });
    expect(forever).toMatchObject({ ip: "2001:db8::1", banSeconds: -1, end: undefined });
  });

  it("rejects malformed replies as protocol errors, not crashes", () => {
    for (const [schema, reply] of [
      [statusSchema, [["Number of jail", 2]]],
      [jailStatusSchema, [["Filter", "x"]]],
      [banEntriesSchema, ["192.0.2.10 2026-11-22"]],
    ] as const) {
      expect(() => parseWith(schema as never, reply as never)).toThrow(/does not understand/);
    }
  });

  it("maps a file-based ignore list entry (fail2ban 1.1+) to file:<path>", () => {
    // fail2ban.server.ipdns.FileIPAddrSet: STACK_GLOBAL, REDUCE(([],)), BUILD({'fileName': ...})
    const obj = new PyObject("fail2ban.server.ipdns.FileIPAddrSet", [[]]);
    obj.state = Object.assign(Object.create(null) as Record<string, string>, { fileName: "/etc/fail2ban/ignore.txt" });
    expect(parseWith(ignoreListSchema, ["10.0.0.0/8", obj])).toEqual(["10.0.0.0/8", "file:/etc/fail2ban/ignore.txt"]);
  });

  it("reads date patterns in their tuple form", () => {
    expect(parseWith(datePatternSchema, ["{UNB}^", "^"])).toEqual({ pattern: "{UNB}^", name: "^" });
    expect(parseWith(datePatternSchema, [null, "Default Detectors"])).toBeUndefined();
    expect(parseWith(datePatternSchema, null)).toBeUndefined();
  });

  it("decodes and parses a status reply end to end", () => {
    // Captured from fail2ban 1.0.2 on Python 3.11 (fail2ban-protocol.md §1.4).
    const bytes = Buffer.from(
      "\x80\x05\x953\x00\x00\x00\x00\x00\x00\x00K\x00]\x94(\x8c\x0eNumber of jail\x94K\x01\x86\x94" +
        "\x8c\tJail list\x94\x8c\x04test\x94\x86\x94e\x86\x94.",
      "latin1",
    );
    expect(parseWith(statusSchema, unwrapReply(decodePickle(bytes)))).toEqual({ jails: ["test"] });
  });
});

import { describe, expect, it } from "vitest";
import { splitTarget } from "../../../src/core/fleet/target.js";

describe("on <target>", () => {
  it("comes off the end of a line: a host, a list (with or without spaces), a group, all; everywhere is all", () => {
    expect(splitTarget("status on web1")).toEqual({ line: "status", target: "web1" });
    expect(splitTarget("banned sshd on web, db1")).toEqual({ line: "banned sshd", target: "web,db1" });
    expect(splitTarget("jails on web1 ,db1")).toEqual({ line: "jails", target: "web1,db1" });
    expect(splitTarget("ban 192.0.2.1 sshd for 1h on all")).toEqual({ line: "ban 192.0.2.1 sshd for 1h", target: "all" });
    expect(splitTarget("unban 192.0.2.1 everywhere")).toEqual({ line: "unban 192.0.2.1", target: "all" });
    expect(splitTarget("UNBAN 192.0.2.1 On web1")).toEqual({ line: "UNBAN 192.0.2.1", target: "web1" });
  });

  it("comes before a last `for <duration>` too, as people say it", () => {
    expect(splitTarget("ban 192.0.2.1 sshd on all for 1d")).toEqual({ line: "ban 192.0.2.1 sshd for 1d", target: "all" });
    expect(splitTarget("ban 192.0.2.1 sshd on web1, db1 FOR 2h")).toEqual({ line: "ban 192.0.2.1 sshd for 2h", target: "web1,db1" });
    expect(splitTarget("ban 192.0.2.1 sshd everywhere for 1h")).toEqual({ line: "ban 192.0.2.1 sshd for 1h", target: "all" });
    expect(splitTarget("ban 192.0.2.1 sshd on all for 1d --confirm=abcdef123")).toEqual({ line: "ban 192.0.2.1 sshd for 1d --confirm=abcdef123", target: "all" });
    // No target before it: the line as it was.
    for (const line of ["ban 192.0.2.1 sshd for 1d", 'ban 192.0.2.1 sshd "on all" for 1d', "ban 192.0.2.1 sshd on all \"for\" 1d"]) expect(splitTarget(line)).toEqual({ line });
  });

  it("leaves a line without one alone: a value `on`, quoted words, a bare word", () => {
    for (const line of ["status", "ignoreself sshd on", 'jail notes sshd "moved on monday"', "on web1", "everywhere", "banned sshd 'on' web1"]) {
      expect(splitTarget(line)).toEqual({ line });
    }
    expect(splitTarget("ignoreself sshd on on web1")).toEqual({ line: "ignoreself sshd on", target: "web1" });
  });

  it("keeps a Confirm button's token with the line", () => {
    expect(splitTarget("unban-all sshd on web --confirm=abcdef123")).toEqual({ line: "unban-all sshd --confirm=abcdef123", target: "web" });
  });
});

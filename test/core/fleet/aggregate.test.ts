import { describe, expect, it } from "vitest";
import { top } from "../../../commands/top.js";
import { fleetReply } from "../../../src/core/fleet/aggregate.js";
import type { HostAnswer } from "../../../src/core/ports/fleet.js";
import type { Reply } from "../../../src/core/reply.js";

const ok = (host: string, reply: Reply): HostAnswer => ({ host, answered: true, outcome: "ok", repeated: false, reply });
const jails = (rows: [string, number][]): Reply => ({
  title: rows.map((r) => r[0]).join(", "),
  tone: "info",
  table: { columns: ["jail", "banned"], rows, align: ["left", "right"], rowActions: rows.map(([jail]) => ({ label: "Banned", command: `banned ${jail}` })) },
});

describe("one reply from several hosts", () => {
  it("joins tables under a host column, each row's button aimed at its host", () => {
    const reply = fleetReply("jails", [ok("web1", jails([["sshd", 3]])), ok("db1", jails([["sshd", 0], ["postgres", 2]]))]);
    expect(reply).toMatchObject({ title: "jails on 2 hosts", tone: "info" });
    expect(reply.table).toEqual({
      columns: ["host", "jail", "banned"],
      rows: [
        ["web1", "sshd", 3],
        ["db1", "sshd", 0],
        ["db1", "postgres", 2],
      ],
      align: ["left", "left", "right"],
      rowActions: [
        { label: "Banned", command: "banned sshd on web1" },
        { label: "Banned", command: "banned sshd on db1" },
        { label: "Banned", command: "banned postgres on db1" },
      ],
    });
  });

  it("makes a row per host of replies without a table: title and one-line fields; buttons grouped by host", () => {
    const status = (host: string, banned: string): Reply => ({
      title: `fail2ban 1.0.2 is up on ${host}`,
      tone: "ok",
      fields: [
        { label: "Banned now", value: banned },
        { label: "Background jobs", value: "health-check ok\nspikes ok" },
      ],
      actions: [{ label: "Jails", command: "jails" }],
    });
    const reply = fleetReply("status", [ok("web1", status("web1", "3")), ok("web2", status("web2", "0"))]);
    expect(reply.table).toEqual({
      columns: ["host", "result", "Banned now"],
      rows: [
        ["web1", "fail2ban 1.0.2 is up on web1", "3"],
        ["web2", "fail2ban 1.0.2 is up on web2", "0"],
      ],
    });
    expect(reply.actions).toEqual([{ label: "Jails", command: "jails on web1,web2" }]);
  });

  it("names the hosts that failed or did not answer, and says how many did", () => {
    const reply = fleetReply("unban 192.0.2.1", [
      ok("web1", { title: "Unbanned 192.0.2.1 in sshd", tone: "ok" }),
      { host: "web2", answered: true, outcome: "error", repeated: false, reply: { title: "fail2ban is not answering", tone: "error", text: "Is it running?" } },
      { host: "db1", answered: false, reason: "no_agent" },
    ]);
    expect(reply).toMatchObject({ title: "unban 192.0.2.1: 1 of 3 hosts answered", tone: "warn" });
    expect(reply.table?.rows).toEqual([["web1", "Unbanned 192.0.2.1 in sshd"]]);
    expect(reply.notes).toEqual(["web2: fail2ban is not answering: Is it running?", "db1 did not answer: no agent is listening (stopped, or not connected to NATS)."]);
    expect(fleetReply("status", [{ host: "db1", answered: false, reason: "timeout" }, { host: "db2", answered: false, reason: "timeout" }])).toMatchObject({ tone: "error", title: "status: 0 of 2 hosts answered" });
  });

  it("gives one host's reply as it is, named and its buttons aimed at it", () => {
    const reply = fleetReply("banned sshd", [ok("web1", { ...jails([["sshd", 1]]), paging: { page: 1, pages: 2, total: 30, next: { label: "Next", command: "banned sshd after x" } } })]);
    expect(reply.title).toBe("web1: sshd");
    expect(reply.table?.rowActions?.[0]?.command).toBe("banned sshd on web1");
    expect(reply.paging?.next?.command).toBe("banned sshd after x on web1");
    expect(fleetReply("status", [{ host: "web1", answered: false, reason: "timeout" }])).toEqual({ title: "web1 did not answer", tone: "error", text: "No answer within the deadline." });
  });

  it("sums what it can read and names a host whose part it cannot (an older agent), saying the sum is partial", () => {
    const part: Reply = {
      title: "Top jails: a host's part",
      tone: "info",
      fields: [
        { label: "bans", value: "7" },
        { label: "rows", value: "200" },
      ],
      table: { columns: ["key", "label", "bans", "last"], rows: [["sshd", "sshd", 7, 1_764_000_000_000]] },
    };
    // What an agent without parts answers: its own reply, which cannot be summed.
    const older: Reply = { title: "Top jails, last 30d", tone: "info", table: { columns: ["#", "jail", "bans", "share", "last banned"], rows: [[1, "sshd", 3, "100.0%", "x"]] } };
    const merge = (parts: Parameters<NonNullable<typeof top.acrossHosts>["merge"]>[1]) => top.acrossHosts!.merge({ what: "jails" }, parts);
    const reply = fleetReply("top jails", [ok("web1", part), ok("db1", older), { host: "web2", answered: false, reason: "timeout" }], merge);
    expect(reply.title).toBe("Top jails, last 30d on 1 host (1 of 3 hosts answered)");
    expect(reply.tone).toBe("warn");
    expect(reply.notes?.slice(0, 3)).toEqual([
      "web2 did not answer: no answer within the deadline.",
      "db1: its answer cannot be summed with the others (is its agent the same BanBot version as the front?).",
      "The numbers count only the host that answered.",
    ]);
    expect(reply.table?.rows).toEqual([[1, "sshd", 7, "100.0%", "web1", expect.any(String)]]);
  });
});

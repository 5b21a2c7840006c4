import { describe, expect, it } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import type { Reply } from "../../src/core/reply.js";
import { alertEventOf, fleetAlertRoute } from "../../src/fleet/agent/alert-route.js";
import { fitted } from "../../src/fleet/agent/responder.js";
import { hostAlert } from "../../src/core/fleet/host-alerts.js";
import { resolveTarget, targetNames } from "../../src/fleet/front/targets.js";
import { defaultFleetHost } from "../../src/fleet/host-name.js";
import { fleetSubjects } from "../../src/fleet/subjects.js";
import { BansEventSchema, CommandAnswerSchema, CommandRequestSchema, decodeWire, encodeWire, type CommandAnswer } from "../../src/fleet/wire.js";

const REPLY: Reply = {
  title: "Top countries",
  tone: "info",
  text: "Since `24h`",
  fields: [{ label: "Bans", value: "12" }],
  table: {
    columns: ["ip", "bans"],
    rows: [
      ["192.0.2.1", 7],
      ["192.0.2.2", 5],
    ],
    align: ["left", "right"],
    rowActions: [undefined, { label: "Unban", command: "unban 192.0.2.2", style: "danger" }],
  },
  paging: { page: 1, pages: 2, total: 3, next: { label: "Next", command: "banned alpha 2" } },
  notes: ["from the archive"],
  images: [
    {
      name: "top.png",
      png: new Uint8Array([137, 80, 78, 71, 0, 255]),
      alt: "chart",
      width: 600,
      height: 300,
      chart: { kind: "ranking", title: "Top", categories: ["DE"], series: [{ name: "bans", values: [12] }], valueLabel: "bans" },
    },
  ],
  actions: [{ label: "Stats", command: "stats 24h", style: "primary" }],
  private: true,
};

const answer = (reply: Reply): CommandAnswer => ({ v: 1, id: "abcdefgh1234", outcome: "ok", repeated: false, reply });

describe("fleet wire messages", () => {
  it("carry a Reply unchanged: images as base64, a missing row action as null", () => {
    const bytes = encodeWire(answer(REPLY));
    expect(new TextDecoder().decode(bytes)).toContain('"png":"iVBORwD/"');
    expect(new TextDecoder().decode(bytes)).toContain('"rowActions":[null,');
    expect(decodeWire(CommandAnswerSchema, bytes)).toEqual({ ok: true, value: answer(REPLY) });
  });

  it("say what is wrong with a message that is not one", () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(decodeWire(CommandRequestSchema, text("{"))).toEqual({ ok: false, error: "not JSON" });
    const bad = decodeWire(CommandRequestSchema, text(JSON.stringify({ v: 2, id: "x", line: "status", actor: { platform: "irc", userId: "u", groups: [] }, role: "root", confirmed: true })));
    expect(bad.ok ? "" : bad.error).toMatch(/^v: .*; id: expected a request id.*; actor\.platform: .*; role: /);
    const image = decodeWire(CommandAnswerSchema, text(JSON.stringify({ ...answer({ title: "t", tone: "ok" }), reply: { title: "t", tone: "ok", images: [{ name: "a", png: "not base64!", alt: "", width: 1, height: 1 }] } })));
    expect(image.ok).toBe(false);
  });

  it("take a host's bans only with one address and one jail name each: they become the alert's button lines", () => {
    const bans = (ban: object) => decodeWire(BansEventSchema, encodeWire({ v: 1, bans: [{ ip: "192.0.2.1", jail: "sshd", at: 1, ...ban }] } as never));
    expect(bans({ ip: "::ffff:192.0.2.9" })).toEqual({ ok: true, value: { v: 1, bans: [{ ip: "192.0.2.9", jail: "sshd", at: 1 }] } });
    expect(bans({ ip: "192.0.2.1 sshd on web1" })).toEqual({ ok: false, error: "bans.0.ip: expected an IP address" });
    expect(bans({ jail: "sshd on all for 1s" })).toEqual({ ok: false, error: "bans.0.jail: expected a jail name" });
  });

  it("drop a chart, then the whole reply, that the server's messages cannot carry", () => {
    const small = encodeWire(answer({ title: "t", tone: "ok" })).length;
    const decoded = (bytes: Uint8Array) => {
      const d = decodeWire(CommandAnswerSchema, bytes);
      if (!d.ok) throw new Error(d.error);
      return d.value.reply;
    };
    expect(decoded(fitted(answer(REPLY)))).toEqual(REPLY);
    const withoutChart = decoded(fitted(answer(REPLY), encodeWire(answer(REPLY)).length - 1));
    expect(withoutChart.images).toBeUndefined();
    expect(withoutChart.notes).toEqual(["from the archive", "The chart was left out: too large for the fleet's messages."]);
    expect(decoded(fitted(answer(REPLY), small + 100))).toMatchObject({ title: "Answer too large", tone: "error" });
  });
});

describe("fleet alerts on the wire", () => {
  const spike: Alert = { kind: "spike", jail: "sshd", incident: "spike:web1:sshd:1700000000000", step: "update", seq: 3, reply: { title: "Ban spike in sshd on web1", tone: "warn" } };

  it("are one outbox message per alert whose key holds the alert, in order per incident", () => {
    const [message, ...more] = fleetAlertRoute(spike);
    expect(more).toEqual([]);
    expect(message).toMatchObject({ platform: "console", channel: spike.incident, mode: "post" });
    expect(alertEventOf(message!.dedupeKey, spike.reply)).toEqual({ v: 1, kind: "spike", jail: "sshd", incident: spike.incident, step: "update", seq: 3, reply: spike.reply });
    expect(alertEventOf("spike:web1:open:slack:C01", spike.reply)).toBeUndefined();
  });

  it("become the front's own alerts under the host's incident, the title naming the host", () => {
    expect(hostAlert("web1", spike)).toEqual({ ...spike, incident: `web1/${spike.incident}` });
    const health = hostAlert("db1", { kind: "health", incident: "h1", step: "open", reply: { title: "fail2ban unreachable", tone: "error" } });
    expect(health).toMatchObject({ incident: "db1/h1", reply: { title: "db1: fail2ban unreachable" } });
  });
});

describe("fleet names", () => {
  it("take a subject's host only from this fleet's events and heartbeats", () => {
    const s = fleetSubjects("prod");
    expect([s.command("web1"), s.alert("web1"), s.heartbeat("web1"), s.stream]).toEqual(["banbot.prod.cmd.web1", "banbot.prod.evt.web1.alert", "banbot.prod.hb.web1", "BANBOT_prod"]);
    expect(["banbot.prod.evt.web1.alert", "banbot.prod.hb.web2", "banbot.other.hb.web2", "banbot.prod.cmd.web1", "banbot.prod.hb"].map((x) => s.hostOf(x))).toEqual([
      "web1",
      "web2",
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("default a host's name to its hostname's first label", () => {
    expect(["web1.example.com", "db_2", "mail@1.corp", "all.example.com"].map(defaultFleetHost)).toEqual(["web1", "db_2", "mail-1", "host-all"]);
  });

  it("resolve on <target> to hosts: all, groups, hosts, lists", () => {
    const fleet = { hosts: ["web1", "web2", "db1"], groups: { web: ["web1", "web2"] } };
    expect(resolveTarget("all", fleet)).toEqual(["db1", "web1", "web2"]);
    expect(resolveTarget("web,db1", fleet)).toEqual(["web1", "web2", "db1"]);
    expect(resolveTarget("web1, web", fleet)).toEqual(["web1", "web2"]);
    expect(() => resolveTarget("web3", fleet)).toThrow("`web3` is no host or group of this fleet. Known: all, `web`, `db1`, `web1`, `web2`.");
    // Without a host list, `all` is whoever has been heard from.
    expect(resolveTarget("everywhere", { hosts: [], groups: {} }, ["b", "a"])).toEqual(["a", "b"]);
    expect(() => resolveTarget("all", { hosts: [], groups: {} })).toThrow("No host to run this on");
  });

  it("names every target for suggestions: all, the groups, the hosts listed and heard from, each resolving", () => {
    const fleet = { hosts: ["web2", "web1", "db1"], groups: { web: ["web1", "web2"], db: ["db1"] } };
    // db2 is listed nowhere: its heartbeats made it known.
    const names = targetNames(fleet, ["db2", "web1"]);
    expect(names).toEqual(["all", "db", "web", "db1", "db2", "web1", "web2"]);
    for (const name of names) expect(resolveTarget(name, fleet, ["db2", "web1"]).length).toBeGreaterThan(0);
    expect(targetNames({ hosts: [], groups: {} })).toEqual(["all"]);
  });
});

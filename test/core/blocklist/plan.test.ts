import { describe, expect, it } from "vitest";
import { planImport, type PlanInput } from "../../../src/core/blocklist/plan.js";
import type { Member } from "../../../src/core/ports/blocklist-members.js";

const NOW = 1_000_000;
const row = (entry: string, extra: Partial<Member> = {}): Member => ({
  sourceId: 1,
  jail: "sshd",
  entry,
  state: "banned",
  owned: true,
  bannedAt: NOW - 10,
  f2bUntil: undefined,
  expiresAt: undefined,
  ...extra,
});
const plan = (desired: string[], rows: Member[], extra: Partial<PlanInput> = {}) =>
  planImport({ sourceId: 1, jail: "sshd", desired, settled: new Map(), rows, now: NOW, unbanDeparted: true, banMs: undefined, ...extra });

describe("planImport", () => {
  it("bans new entries and leaves unchanged ones alone", () => {
    const p = plan(["192.0.2.1", "192.0.2.2"], [row("192.0.2.1")]);
    expect(p.toBan).toEqual(["192.0.2.2"]);
    expect([...p.fresh]).toEqual(["192.0.2.2"]);
    expect(p.unchanged).toBe(1);
    expect(p.leave).toEqual([]);
  });

  it("lifts departed entries when the source unbans them", () => {
    const p = plan(["192.0.2.1"], [row("192.0.2.1"), row("192.0.2.9")]);
    expect(p.leave.map((r) => r.entry)).toEqual(["192.0.2.9"]);
  });

  it("keeps departed bans until the ban duration ends when the source keeps them", () => {
    const rows = [row("192.0.2.9", { expiresAt: NOW + 50 }), row("192.0.2.8", { state: "departed", expiresAt: NOW }), row("192.0.2.7", { state: "departed", expiresAt: NOW + 1 })];
    const p = plan([], rows, { unbanDeparted: false, banMs: 100 });
    expect(p.retire.map((r) => r.entry)).toEqual(["192.0.2.9"]);
    expect(p.leave.map((r) => r.entry)).toEqual(["192.0.2.8"]);
  });

  it("forgets departed bans without unbanning them when the source keeps them and has no duration", () => {
    const p = plan([], [row("192.0.2.9")], { unbanDeparted: false });
    expect(p.release.map((r) => r.entry)).toEqual(["192.0.2.9"]);
    expect(p.leave).toEqual([]);
  });

  it("sends pending entries again: an interrupted run may not have sent them", () => {
    const p = plan(["192.0.2.1"], [row("192.0.2.1", { state: "pending" })]);
    expect(p.toBan).toEqual(["192.0.2.1"]);
    expect(p.fresh.size).toBe(0);
  });

  it("bans again what is still listed but whose fail2ban ban has ended", () => {
    const p = plan(["192.0.2.1", "192.0.2.2"], [row("192.0.2.1", { f2bUntil: NOW }), row("192.0.2.2", { f2bUntil: NOW + 1 })]);
    expect(p.toBan).toEqual(["192.0.2.1"]);
    expect(p.renewed).toBe(1);
    expect(p.unchanged).toBe(1);
  });

  it("takes back a departed entry that is listed again, without a call while its ban holds", () => {
    const p = plan(["192.0.2.1"], [row("192.0.2.1", { state: "departed", expiresAt: NOW + 5 })]);
    expect(p.relisted.map((r) => r.entry)).toEqual(["192.0.2.1"]);
    expect(p.toBan).toEqual([]);
  });

  it("lifts everything in the old jail after the source moved", () => {
    const p = plan(["192.0.2.1"], [row("192.0.2.1", { jail: "old" })]);
    expect(p.leave.map((r) => `${r.jail} ${r.entry}`)).toEqual(["old 192.0.2.1"]);
    expect(p.toBan).toEqual(["192.0.2.1"]);
  });

  it("compares settled rows by entry only, and lifts or retires those that left like whole rows", () => {
    const settled = new Map([
      ["192.0.2.1", true],
      ["192.0.2.2", false],
      ["192.0.2.3", true],
    ]);
    const p = plan(["192.0.2.1", "192.0.2.9"], [row("192.0.2.9", { state: "pending" })], { settled });
    expect([p.toBan, p.unchanged]).toEqual([["192.0.2.9"], 1]);
    expect(p.leave).toEqual([row("192.0.2.2", { owned: false, bannedAt: undefined }), row("192.0.2.3", { bannedAt: undefined })]);
    expect(plan([], [], { settled, unbanDeparted: false, banMs: 60_000 }).retire.map((r) => r.entry)).toEqual([...settled.keys()]);
  });
});

import { describe, expect, it } from "vitest";
import { createProgressNote, runWithProgress } from "../../../src/adapters/slack/progress.js";
import { ManualTimer } from "../../fakes/manual-timer.js";
import { silentLog } from "../../harness/client.js";

// Time is a ManualTimer's: nothing here waits on the real clock.
function recorder(opts: { maxSends?: number; minIntervalMs?: number; fail?: boolean } = {}) {
  const timer = new ManualTimer();
  const sent: string[] = [];
  const note = createProgressNote({
    // A response_url answers a moment later.
    send: async (status) => {
      await timer.sleep(5);
      if (opts.fail) throw new Error("response_url refused");
      sent.push(status);
    },
    maxSends: opts.maxSends ?? 3,
    minIntervalMs: opts.minIntervalMs ?? 60,
    log: silentLog,
    timer,
  });
  return { sent, note, timer };
}

describe("createProgressNote", () => {
  it("sends the first update at once and merges the ones that follow into the latest", async () => {
    const { sent, note, timer } = recorder();
    note.update("a");
    note.update("b");
    note.update("c");
    await timer.advance(59);
    expect(sent).toEqual(["a"]);
    await timer.advance(10);
    expect(sent).toEqual(["a", "c"]);
    expect(await note.settle()).toBe(true);
  });

  it("never lets the bare note replace a status", async () => {
    const { sent, note, timer } = recorder({ minIntervalMs: 0 });
    note.update("half");
    note.update("");
    await timer.advance(5);
    expect(await note.settle()).toBe(true);
    expect(sent).toEqual(["half"]);
  });

  it("stays within its share of the response_url's messages", async () => {
    const { sent, note, timer } = recorder({ maxSends: 2, minIntervalMs: 0 });
    for (const status of ["a", "b", "c", "d"]) {
      note.update(status);
      await timer.advance(10);
    }
    expect(await note.settle()).toBe(true);
    expect(sent).toEqual(["a", "b"]);
  });

  it("sends nothing after settling, and reports a note that never arrived as not shown", async () => {
    const { sent, note, timer } = recorder();
    note.update("a");
    note.update("b");
    const settled = note.settle();
    await timer.advance(5);
    expect(await settled).toBe(true);
    await timer.advance(100);
    expect(sent).toEqual(["a"]);
    const failing = recorder({ fail: true });
    failing.note.update("a");
    const failed = failing.note.settle();
    await failing.timer.advance(5);
    expect(await failed).toBe(false);
  });
});

describe("runWithProgress", () => {
  it("shows nothing for quick work", async () => {
    const { sent, note, timer } = recorder();
    expect(await runWithProgress(() => Promise.resolve(42), note, 50, timer)).toEqual({ value: 42, progressShown: false });
    await timer.advance(80);
    expect(sent).toEqual([]);
  });

  it("shows a note for slow work, then its own updates, all before returning", async () => {
    const { sent, note, timer } = recorder({ minIntervalMs: 0 });
    const running = runWithProgress(
      async (progress) => {
        await timer.sleep(80);
        progress?.("half");
        await timer.sleep(20);
        return "done";
      },
      note,
      30,
      timer,
    );
    await timer.advance(35);
    expect(sent).toEqual([""]);
    await timer.advance(100);
    expect(await running).toEqual({ value: "done", progressShown: true });
    expect(sent).toEqual(["", "half"]);
  });

  it("gives the work no progress to report where none can be shown", async () => {
    const { note } = recorder();
    let given: unknown = "unset";
    await runWithProgress((progress) => Promise.resolve((given = progress)), note, undefined);
    expect(given).toBeUndefined();
  });
});

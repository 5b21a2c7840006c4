import { describe, expect, it, vi } from "vitest";
import { createProgressNote, runWithProgress } from "../../../src/adapters/slack/progress.js";
import { silentLog } from "../../harness/client.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recorder(opts: { maxSends?: number; minIntervalMs?: number; fail?: boolean } = {}) {
  const sent: string[] = [];
  const note = createProgressNote({
    send: async (status) => {
      await sleep(5);
      if (opts.fail) throw new Error("response_url refused");
      sent.push(status);
    },
    maxSends: opts.maxSends ?? 3,
    minIntervalMs: opts.minIntervalMs ?? 60,
    log: silentLog,
  });
  return { sent, note };
}

describe("createProgressNote", () => {
  it("sends the first update at once and merges the ones that follow into the latest", async () => {
    const { sent, note } = recorder();
    note.update("a");
    note.update("b");
    note.update("c");
    await vi.waitFor(() => expect(sent).toEqual(["a", "c"]));
    expect(await note.settle()).toBe(true);
  });

  it("never lets the bare note replace a status", async () => {
    const { sent, note } = recorder({ minIntervalMs: 0 });
    note.update("half");
    note.update("");
    expect(await note.settle()).toBe(true);
    expect(sent).toEqual(["half"]);
  });

  it("stays within its share of the response_url's messages", async () => {
    const { sent, note } = recorder({ maxSends: 2, minIntervalMs: 0 });
    for (const status of ["a", "b", "c", "d"]) {
      note.update(status);
      await sleep(10);
    }
    expect(await note.settle()).toBe(true);
    expect(sent).toEqual(["a", "b"]);
  });

  it("sends nothing after settling, and reports a note that never arrived as not shown", async () => {
    const { sent, note } = recorder();
    note.update("a");
    note.update("b");
    expect(await note.settle()).toBe(true);
    await sleep(100);
    expect(sent).toEqual(["a"]);
    const failing = recorder({ fail: true });
    failing.note.update("a");
    expect(await failing.note.settle()).toBe(false);
  });
});

describe("runWithProgress", () => {
  it("shows nothing for quick work", async () => {
    const { sent, note } = recorder();
    expect(await runWithProgress(() => Promise.resolve(42), note, 50)).toEqual({ value: 42, progressShown: false });
    await sleep(80);
    expect(sent).toEqual([]);
  });

  it("shows a note for slow work, then its own updates, all before returning", async () => {
    const { sent, note } = recorder({ minIntervalMs: 0 });
    const result = await runWithProgress(
      async (progress) => {
        await sleep(80);
        progress?.("half");
        await sleep(20);
        return "done";
      },
      note,
      30,
    );
    expect(result).toEqual({ value: "done", progressShown: true });
    expect(sent).toEqual(["", "half"]);
  });

  it("gives the work no progress to report where none can be shown", async () => {
    const { note } = recorder();
    let given: unknown = "unset";
    await runWithProgress((progress) => Promise.resolve((given = progress)), note, undefined);
    expect(given).toBeUndefined();
  });
});

import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JailReport } from "../../../src/core/history/action-line.js";
import { startHistoryListener, type HistoryListener, type ListenedEvent } from "../../../src/core/history/listener.js";
import { silentLog } from "../../harness/client.js";

const ban = (ip: string, over: Record<string, unknown> = {}) =>
  `${JSON.stringify({ v: 1, event: "ban", jail: "sshd", ip, time: 1_790_000_000, at: 1_790_000_000.1, bantime: 600, bancount: 1, failures: 3, matches: [], ...over })}\n`;

describe("startHistoryListener", () => {
  let dir: string;
  let path: string;
  let received: ListenedEvent[];
  let reports: JailReport[];
  let listener: HistoryListener | undefined;
  const start = () =>
    startHistoryListener({ path, mode: 0o600, log: silentLog, maxDelayMs: 5, sink: (events) => Promise.resolve(void received.push(...events)), onJail: (r) => void reports.push(r) });
  const send = (chunks: readonly string[], opts: { end?: boolean } = {}) =>
    new Promise<void>((resolve, reject) => {
      const client = net.createConnection(path, () => {
        for (const c of chunks) client.write(c);
        if (opts.end === false) return resolve();
        client.end(() => resolve());
      });
      client.on("error", reject);
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "bbl-"));
    path = join(dir, "h.sock");
    received = [];
    reports = [];
  });
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("passes valid events on in batches and counts every bad line without stopping", async () => {
    listener = await start();
    const half = ban("192.0.2.3");
    await send([
      '{"v":1,"event":"hello","jail":"sshd","dropped":2}\n',
      '{"v":1,"event":"reload","jail":"sshd","at":1790000000.5}\n',
      ban("192.0.2.1").slice(0, 20),
      ban("192.0.2.1").slice(20),
      "not json\n",
      `${"x".repeat(70_000)}\n`,
      ban("192.0.2.2", { event: "unban", prolong: false }),
      ban("192.0.2.4", { prolong: true }),
      half.slice(0, 30),
    ]);
    await vi.waitFor(() => expect(received).toHaveLength(3));
    expect(received.map((r) => `${r.event.kind} ${r.event.ip} ${r.refresh}`)).toEqual(["ban 192.0.2.1 false", "unban 192.0.2.2 false", "ban 192.0.2.4 true"]);
    await vi.waitFor(() => expect(listener!.stats()).toEqual({ connections: 1, events: 3, invalid: 3, droppedByAction: 2, failed: 0, jails: ["sshd"], jailReports: 1 }));
    expect(reports).toEqual([{ jail: "sshd", event: "reload", at: 1_790_000_000_500 }]);
  });

  it("creates the socket with the configured mode and removes it on close", async () => {
    listener = await start();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await listener.close();
    listener = undefined;
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  it("replaces a stale socket, but neither a live one nor a file", async () => {
    const stale = net.createServer();
    await new Promise<void>((resolve) => stale.listen(path, resolve));
    await expect(start()).rejects.toThrow(/already listens/);
    // A crashed process leaves its socket file behind; nobody answers on it.
    await new Promise<void>((resolve) => stale.close(() => resolve()));
    await writeFile(join(dir, "keep"), "x");
    listener = await start();
    await expect(startHistoryListener({ path: join(dir, "keep"), mode: 0o600, log: silentLog, sink: () => Promise.resolve() })).rejects.toThrow(/is not a socket/);
    await expect(startHistoryListener({ path: join(dir, "d".repeat(120)), mode: 0o600, log: silentLog, sink: () => Promise.resolve() })).rejects.toThrow(/107 bytes/);
  });

  it("writes what it received before closing, even while a client stays connected", async () => {
    listener = await start();
    await send([ban("192.0.2.9")], { end: false });
    await vi.waitFor(() => expect(listener!.stats().events).toBe(1));
    await listener.close();
    listener = undefined;
    expect(received.map((r) => r.event.ip)).toEqual(["192.0.2.9"]);
  });

  it("counts events the archive failed to take", async () => {
    listener = await startHistoryListener({ path, mode: 0o600, log: silentLog, maxDelayMs: 5, sink: () => Promise.reject(new Error("disk full")) });
    await send([ban("192.0.2.1"), ban("192.0.2.2")]);
    await vi.waitFor(() => expect(listener!.stats().failed).toBe(2));
  });
});

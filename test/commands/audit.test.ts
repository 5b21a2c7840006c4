import type { Database } from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../commands/audit.js";
import type { CommandDef } from "../../src/core/command/model.js";
import { parseCommandLine } from "../../src/core/command/parse.js";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import type { Reply } from "../../src/core/reply.js";
import { createAuditLog } from "../../src/store/audit-log.js";
import type { AuditLog } from "../../src/core/ports/audit-log.js";
import { TestClock } from "../harness/banbot.js";
import { migratedStore } from "../harness/store.js";

// `audit` on a real store, parsed from typed lines and from its own page buttons.
describe("audit", () => {
  const clock = new TestClock();
  let db: Database;
  let log: AuditLog;
  const run = (line: string): Promise<Reply> => {
    const { values } = parseCommandLine([audit], line);
    const ctx = { audit: log, clock, actor: CONSOLE_IDENTITY, commandLine: line };
    return (audit as unknown as CommandDef<never, typeof ctx>).run(values, ctx);
  };
  const lines = (reply: Reply) => reply.table?.rows.map((r) => r[3]);

  beforeAll(() => {
    db = migratedStore();
    log = createAuditLog(db);
    for (let i = 1; i <= 45; i++) {
      log.record({ at: clock.now() - (46 - i) * 60_000, host: "h", platform: "slack", userId: i % 3 ? "U01OPS" : "U01ADMIN", command: "ban", commandLine: `ban 192.0.2.${i} sshd`, outcome: "ok", durationMs: 1 });
    }
  });
  afterAll(() => db.close());

  it("pages like history: newest first, page n of m, Next and Prev that neither skip nor repeat", async () => {
    const first = await run("audit");
    expect(first.title).toBe("Audit log");
    expect(lines(first)?.[0]).toBe("ban 192.0.2.45 sshd");
    expect(first.paging).toMatchObject({ page: 1, pages: 3, total: 45, prev: undefined });
    const second = await run(first.paging!.next!.command);
    expect(second.paging).toMatchObject({ page: 2, pages: 3, total: 45 });
    expect(lines(second)).toEqual(Array.from({ length: 20 }, (_, i) => `ban 192.0.2.${25 - i} sshd`));
    // An entry written meanwhile does not shift the next page.
    log.record({ at: clock.now(), host: "h", platform: "console", userId: "console", command: "audit", commandLine: "stop sshd", outcome: "confirm", durationMs: 1 });
    const third = await run(second.paging!.next!.command);
    expect(lines(third)).toEqual(Array.from({ length: 5 }, (_, i) => `ban 192.0.2.${5 - i} sshd`));
    expect(third.paging?.next).toBeUndefined();
    const back = await run(third.paging!.prev!.command);
    expect(lines(back)).toEqual(lines(second));
  });

  it("narrows by user and time, and keeps the filter on its page buttons", async () => {
    const mine = await run("audit U01ADMIN 30m");
    expect(mine.title).toBe("Audit log of U01ADMIN, last 30m");
    expect(lines(mine)).toEqual(["ban 192.0.2.45 sshd", "ban 192.0.2.42 sshd", "ban 192.0.2.39 sshd", "ban 192.0.2.36 sshd", "ban 192.0.2.33 sshd", "ban 192.0.2.30 sshd", "ban 192.0.2.27 sshd", "ban 192.0.2.24 sshd", "ban 192.0.2.21 sshd", "ban 192.0.2.18 sshd"]);
    expect(mine.paging).toMatchObject({ page: 1, pages: 1, total: 10 });
    const all = await run("audit U01OPS");
    expect(all.paging?.next?.command).toBe("audit U01OPS after 16");
    expect((await run("audit nobody")).title).toBe("Nothing in the audit log of nobody");
  });
});

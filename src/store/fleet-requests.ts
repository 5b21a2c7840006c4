import type { Database } from "better-sqlite3";

export type RequestClaim =
  | { state: "new" }
  /** The same id is being answered (by this process), or was when the agent last stopped. */
  | { state: "running" }
  | { state: "done"; answer: string }
  /** The id was used before for another command line. */
  | { state: "other" };

/** A fleet agent's record of the requests it answered, so that a request id never runs twice. */
export interface FleetRequests {
  /** Takes the id for this command line if it is new; otherwise says what became of it. */
  claim(id: string, commandLine: string, now: number): RequestClaim;
  /** Keeps the answer for repeats of the id; `undefined` forgets the id (a read, safe to run again). */
  finish(id: string, answer: string | undefined): void;
  /** Drops what was received before `before` (Unix ms); returns how many. */
  purge(before: number): number;
}

export function createFleetRequests(db: Database): FleetRequests {
  const insert = db.prepare("INSERT OR IGNORE INTO fleet_requests (id, command_line, received_at) VALUES (?, ?, ?)");
  const find = db.prepare<[string], { line: string; answer: string | null }>("SELECT command_line AS line, answer FROM fleet_requests WHERE id = ?");
  const keep = db.prepare("UPDATE fleet_requests SET answer = ? WHERE id = ?");
  const forget = db.prepare("DELETE FROM fleet_requests WHERE id = ?");
  const purge = db.prepare("DELETE FROM fleet_requests WHERE received_at < ?");
  return {
    claim(id, commandLine, now) {
      if (insert.run(id, commandLine, now).changes === 1) return { state: "new" };
      const row = find.get(id);
      // Gone between the two statements (a read finished meanwhile): the id is free again.
      if (!row) return insert.run(id, commandLine, now).changes === 1 ? { state: "new" } : { state: "running" };
      if (row.line !== commandLine) return { state: "other" };
      return row.answer === null ? { state: "running" } : { state: "done", answer: row.answer };
    },
    finish(id, answer) {
      if (answer === undefined) forget.run(id);
      else keep.run(answer, id);
    },
    purge: (before) => purge.run(before).changes,
  };
}

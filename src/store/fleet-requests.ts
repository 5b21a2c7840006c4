import type { Database } from "better-sqlite3";
import type { FleetRequests } from "../core/ports/fleet-requests.js";

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

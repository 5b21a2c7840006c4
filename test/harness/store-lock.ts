import { spawn } from "node:child_process";
import { join } from "node:path";

/**
 * Another process holds the write lock on the SQLite store `file` for `ms`, as an admin in the
 * sqlite3 shell (`BEGIN IMMEDIATE;` and then a coffee) or a backup tool does. `locked` resolves once
 * it holds the lock, `released` once it let go and exited. `exclusive`: any database, and readers
 * are kept out too where it has a rollback journal (fail2ban's), as while it commits.
 */
export function holdWriteLock(file: string, ms: number, { exclusive = false } = {}): { locked: Promise<void>; released: Promise<number | null> } {
  const take = exclusive
    ? `db.exec("BEGIN EXCLUSIVE");`
    : `db.exec("BEGIN IMMEDIATE");
    db.prepare("INSERT INTO alert_state (key, value, updated_at) VALUES ('held-by-test', '1', 0) ON CONFLICT (key) DO UPDATE SET updated_at = 0").run();`;
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(file)});
    db.pragma("busy_timeout = 20000");
    ${take}
    console.log("locked");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${ms});
  `;
  // From the project's root, where better-sqlite3 resolves.
  const child = spawn(process.execPath, ["-e", script], { cwd: join(import.meta.dirname, "../.."), stdio: ["ignore", "pipe", "inherit"] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
    child.on("exit", (code) => reject(new Error(`the lock holder exited early (${code})`)));
  });
  return { locked, released: new Promise((resolve) => child.on("exit", resolve)) };
}

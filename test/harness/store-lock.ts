import { spawn } from "node:child_process";
import { join } from "node:path";

/**
 * Another process holds the write lock on the SQLite store `file` for `ms`, as an admin in the
 * sqlite3 shell (`BEGIN IMMEDIATE;` and then a coffee) or a backup tool does. `locked` resolves once
 * it holds the lock, `released` once it let go and exited.
 */
export function holdWriteLock(file: string, ms: number): { locked: Promise<void>; released: Promise<number | null> } {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(file)});
    db.pragma("busy_timeout = 20000");
    db.exec("BEGIN IMMEDIATE");
    db.prepare("INSERT INTO alert_state (key, value, updated_at) VALUES ('held-by-test', '1', 0) ON CONFLICT (key) DO UPDATE SET updated_at = 0").run();
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

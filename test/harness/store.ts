import type { Database } from "better-sqlite3";
import { migrate } from "../../src/db/migrate.js";
import { openDatabase } from "../../src/db/open.js";
import { migrationsDir } from "../../src/paths.js";

// No vitest import here, so benchmarks can build their store with it too.

/** BanBot's store with the real migrations applied, in memory unless given a file. */
export function migratedStore(file = ":memory:"): Database {
  const db = openDatabase(file);
  migrate(db, migrationsDir());
  return db;
}

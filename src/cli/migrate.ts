import type { Logger } from "pino";
import { migrate } from "../db/migrate.js";
import { migrationsDir } from "../paths.js";
import { openStore } from "./store-path.js";

export function runMigrate(dataDir: string, log: Logger, out: (line: string) => void): void {
  const db = openStore(dataDir);
  try {
    const result = migrate(db, migrationsDir());
    log.debug(result, "migrations applied");
    out(
      result.applied.length === 0
        ? `Database is up to date (schema version ${result.to}).`
        : `Migrated from schema version ${result.from} to ${result.to}: ${result.applied.join(", ")}.`,
    );
  } finally {
    db.close();
  }
}

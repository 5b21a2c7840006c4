import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { UserError } from "../core/errors.js";
import { transaction } from "./transaction.js";

export interface Migration {
  version: number;
  name: string;
  file: string;
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Applies every migration above `PRAGMA user_version`, all in one transaction: a failure leaves the
 * schema and the version as they were. Migrations must not BEGIN/COMMIT themselves, and since
 * `PRAGMA foreign_keys` is a no-op inside a transaction, table rebuilds use `PRAGMA defer_foreign_keys`.
 */
export function migrate(db: Database, dir: string): MigrationResult {
  const migrations = listMigrations(dir);
  const latest = migrations.at(-1)?.version ?? 0;
  const from = db.pragma("user_version", { simple: true }) as number;
  if (from > latest) {
    throw new UserError(
      "database_too_new",
      `The database ${db.name} is at schema version ${from}, but this BanBot only knows versions up to ${latest}: ` +
        "upgrade BanBot, or point BANBOT_DATA_DIR at a store made by this version.",
    );
  }
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return { from, to: from, applied: [] };
  transaction(db, () => {
    for (const migration of pending) {
      try {
        db.exec(readFileSync(migration.file, "utf8"));
      } catch (err) {
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    const violations = db.pragma("foreign_key_check") as unknown[];
    if (violations.length > 0) {
      const first = JSON.stringify(violations[0]);
      throw new Error(`migrations left ${violations.length} foreign key violation(s), first: ${first}`);
    }
    db.pragma(`user_version = ${latest}`);
  });
  return { from, to: latest, applied: pending.map((m) => m.name) };
}

/** The `NNNN_name.sql` files in `dir`, numbered 1, 2, 3… without gaps; other file types are ignored. */
export function listMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .map((name) => {
      const match = MIGRATION_NAME.exec(name);
      if (!match) {
        throw new UserError(
          "migration_invalid",
          `Migration file ${name} in ${dir} is misnamed: expected NNNN_lowercase_name.sql, e.g. 0002_add_audit.sql.`,
        );
      }
      return { version: Number(match[1]), name, file: join(dir, name) };
    })
    .sort((a, b) => a.version - b.version);
  for (const [index, migration] of migrations.entries()) {
    const expected = index + 1;
    if (migration.version === expected) continue;
    const problem =
      migration.version > expected
        ? `${pad(expected)} is missing`
        : migration.version === 0
          ? "numbering starts at 0001"
          : `two migrations are numbered ${pad(migration.version)}`;
    const message = `Migrations in ${dir} are out of sequence: ${problem} (at ${migration.name}).`;
    throw new UserError("migration_invalid", message);
  }
  return migrations;
}

function pad(version: number): string {
  return String(version).padStart(4, "0");
}

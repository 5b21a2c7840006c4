import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { UserError } from "../core/errors.js";
import { openDatabase } from "../db/open.js";

export function storePath(dataDir: string): string {
  return join(dataDir, "banbot.sqlite3");
}

// SQLite's words for a file it cannot use as a database, and for one it cannot open at all.
const NOT_A_STORE = new Set(["SQLITE_NOTADB", "SQLITE_CORRUPT"]);
const CANNOT_OPEN = new Set(["SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH"]);

/** Opens the store in `dataDir`; a file SQLite cannot use is one clear UserError naming it. */
export function openStore(dataDir: string): Database {
  const file = storePath(dataDir);
  try {
    return openDatabase(file);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && NOT_A_STORE.has(code)) {
      throw new UserError(
        "store_unusable",
        `${file} is not an SQLite database (or is damaged): move it aside so BanBot makes a new store, or restore it from a backup (BANBOT_DATA_DIR sets its directory).`,
        { cause: err },
      );
    }
    if (typeof code === "string" && CANNOT_OPEN.has(code)) {
      throw new UserError("store_unusable", `Cannot open ${file}: check that BANBOT_DATA_DIR exists and that BanBot's user may read and write it.`, { cause: err });
    }
    throw err;
  }
}

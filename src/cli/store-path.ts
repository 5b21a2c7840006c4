import { join } from "node:path";

export function storePath(dataDir: string): string {
  return join(dataDir, "banbot.sqlite3");
}

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../../config.js";
import { packageRoot } from "../../paths.js";
import type { Fail2ban } from "../fail2ban/client.js";
import { isListening } from "./socket-path.js";

/** The fail2ban action BanBot ships, to be copied into fail2ban's action.d. */
export function historyActionFile(root: string = packageRoot()): string {
  return join(root, "docker", "fail2ban", "action.d", "banbot.py");
}

/** Where BanBot listens for the action: `history.socket`, else history.sock in the data directory. */
export function historySocketPath(config: Pick<Config, "dataDir" | "history">): string {
  return config.history.socket ?? join(config.dataDir, "history.sock");
}

// fail2ban names a Python action after its file unless the jail gives `actname`.
const ACTION_NAME = "banbot";

/**
 * For `banbot doctor`: is every jail reporting to BanBot? Resolves to what was found; throws with
 * what to fix. A BanBot that is not running is not a fault here (doctor usually runs while it is
 * stopped), only reported.
 */
export async function checkHistoryCapture(
  config: Pick<Config, "dataDir" | "history" | "fail2ban">,
  fail2ban: Pick<Fail2ban, "status" | "jailSettings">,
): Promise<string> {
  const socket = historySocketPath(config);
  const installed = join(config.fail2ban.configDir, "action.d", `${ACTION_NAME}.py`);
  const how = `add \`${ACTION_NAME}.py[socket="${socket}"]\` to the jails' action (see docs/history.md)`;
  const { jails } = await fail2ban.status();
  const missing: string[] = [];
  for (const jail of jails) {
    if (!(await fail2ban.jailSettings(jail)).actions.includes(ACTION_NAME)) missing.push(jail);
  }
  if (jails.length > 0 && missing.length === jails.length) {
    throw new Error(`no jail reports to BanBot, so bans unbanned before the next sync are lost: copy ${historyActionFile()} to ${installed} and ${how}`);
  }
  if (missing.length > 0) throw new Error(`jail(s) ${missing.join(", ")} do not report to BanBot: ${how}`);
  const notes = [await compareInstalled(installed)];
  notes.push((await isListening(socket)) ? "BanBot is listening" : "BanBot is not running now (events are dropped until it is; bans are backfilled)");
  return `${jails.length} jail(s) report to ${socket}; ${notes.filter(Boolean).join("; ")}`;
}

async function compareInstalled(installed: string): Promise<string> {
  try {
    const [theirs, ours] = await Promise.all([readFile(installed, "utf8"), readFile(historyActionFile(), "utf8")]);
    return theirs === ours ? "" : `${installed} differs from this BanBot's copy: update it`;
  } catch {
    return `cannot read ${installed} to compare it with this BanBot's copy`;
  }
}

import { access, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Config } from "../config.js";
import { packageRoot } from "../paths.js";
import type { Fail2ban } from "../core/ports/fail2ban.js";
import type { Fail2banConfigOps } from "../core/fail2ban/config-ops.js";
import { isListening } from "../core/history/socket-path.js";

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

const RESTART = "restart fail2ban (a reload never loads a Python action that was not loaded before, fail2ban #2716)";

/**
 * For `banbot doctor`: does every running jail report to the socket BanBot listens on? Asks each
 * jail's loaded action where it reports, and fail2ban's configuration what it asks for. Resolves to
 * what was found; throws with what to fix. A BanBot that is not running is not a fault here (doctor
 * usually runs while it is stopped), only reported.
 */
export async function checkHistoryCapture(
  config: Pick<Config, "dataDir" | "history" | "fail2ban">,
  fail2ban: Pick<Fail2ban, "status" | "actionProperty">,
  configOps: Pick<Fail2banConfigOps, "configuredJails">,
): Promise<string> {
  const socket = historySocketPath(config);
  const installed = join(config.fail2ban.configDir, "action.d", `${ACTION_NAME}.py`);
  const { jails } = await fail2ban.status();
  const configured = await configOps.configuredJails().then(
    (list) => new Map(list.map((j) => [j.name, j.actions.find((a) => a.name === ACTION_NAME)])),
    () => undefined,
  );
  const fileThere = await access(installed).then(
    () => true,
    () => false,
  );
  const problems: string[] = [];
  const unconfigured: string[] = [];
  for (const jail of jails) {
    const reported = await fail2ban.actionProperty(jail, ACTION_NAME, "socket");
    if (reported.kind === "value") {
      if (typeof reported.value !== "string" || resolve(reported.value) !== resolve(socket)) {
        problems.push(`${jail} reports to ${String(reported.value)}, but BanBot listens on ${socket}: set socket="${socket}" in its ${ACTION_NAME}.py action and reload fail2ban`);
      }
    } else if (reported.kind === "missing-property") {
      problems.push(`${jail} runs an older BanBot action, which fail2ban drops on a reload: ${fileThere ? "" : `copy ${historyActionFile()} to ${installed} and `}${RESTART}`);
    } else {
      const wanted = configured?.get(jail);
      if (fileThere && wanted) {
        const elsewhere = typeof wanted.options?.socket === "string" && resolve(wanted.options.socket) !== resolve(socket);
        problems.push(`${jail}'s configuration has the action but fail2ban has not loaded it: ${elsewhere ? `set its socket to ${socket} (it says ${String(wanted.options?.socket)}) and ` : ""}${RESTART}`);
      } else unconfigured.push(jail);
    }
  }
  const how = `add \`${ACTION_NAME}.py[socket="${socket}"]\` to the jails' action (see docs/history.md), then ${RESTART}`;
  const copy = fileThere ? "" : `copy ${historyActionFile()} to ${installed} and `;
  if (jails.length > 0 && unconfigured.length === jails.length) {
    throw new Error(`no jail reports to BanBot, so bans unbanned before the next sync are lost: ${copy}${how}`);
  }
  if (unconfigured.length > 0) problems.push(`jail(s) ${unconfigured.join(", ")} do not report to BanBot: ${copy}${how}`);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const notes = [await compareInstalled(installed)];
  if (!configured) notes.push("could not read fail2ban's configuration (fail2ban-client -d)");
  notes.push((await isListening(socket)) ? "BanBot is listening" : "BanBot is not running now (events are dropped until it is; bans are backfilled)");
  return `${jails.length} jail(s) report to ${socket}; ${notes.filter(Boolean).join("; ")}`;
}

async function compareInstalled(installed: string): Promise<string> {
  try {
    const [theirs, ours] = await Promise.all([readFile(installed, "utf8"), readFile(historyActionFile(), "utf8")]);
    return theirs === ours ? "" : `${installed} differs from this BanBot's copy: update it, then restart fail2ban (a reload keeps the code it loaded)`;
  } catch {
    return `cannot read ${installed} to compare it with this BanBot's copy`;
  }
}

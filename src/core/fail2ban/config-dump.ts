import { z } from "zod";
import { parsePythonLiteral } from "./python-literal.js";

/** A jail fail2ban's configuration enables: what `fail2ban-client reload` or a restart would start. */
export interface ConfiguredJail {
  name: string;
  actions: ConfiguredAction[];
}

export interface ConfiguredAction {
  name: string;
  /** A Python action's file (`action.d/<name>.py`). */
  file?: string;
  /** A Python action's options, as written in `name.py[key="value"]`. */
  options?: Readonly<Record<string, unknown>>;
}

// The config stream's commands this needs; every other line is skipped.
const text = z.string();
const addJail = z.tuple([z.literal("add"), text], text);
const startJail = z.tuple([z.literal("start"), text]);
const addAction = z.tuple([z.literal("set"), text, z.literal("addaction"), text], text);
const options = z.record(z.string(), z.unknown());

/**
 * The jails in `fail2ban-client -c <dir> -d`'s output: one Python list per line, the config stream
 * the client would send to the server. A jail counts when the stream starts it.
 */
export function parseConfigDump(dump: string): ConfiguredJail[] {
  const jails = new Map<string, ConfiguredJail>();
  const started = new Set<string>();
  for (const line of dump.split("\n")) {
    if (!line.startsWith("[")) continue;
    let command: unknown;
    try {
      command = parsePythonLiteral(line);
    } catch {
      continue;
    }
    const add = addJail.safeParse(command);
    if (add.success) jails.set(add.data[1], { name: add.data[1], actions: [] });
    const start = startJail.safeParse(command);
    if (start.success) started.add(start.data[1]);
    const action = addAction.safeParse(command);
    if (action.success) jails.get(action.data[1])?.actions.push(actionOf(action.data.slice(3)));
  }
  return [...jails.values()].filter((j) => started.has(j.name));
}

// `addaction <name>` for a command action; `addaction <name> <file.py> <json options>` for Python.
function actionOf([name, file, json]: string[]): ConfiguredAction {
  if (file === undefined) return { name: name! };
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(json ?? "{}");
  } catch {
    // fail2ban would refuse these options too; the action is still configured.
  }
  const opts = options.safeParse(parsed);
  return { name: name!, file, options: opts.success ? opts.data : {} };
}

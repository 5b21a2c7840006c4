import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

export interface SandboxJail {
  name: string;
  failregex: string[];
  maxretry?: number;
  findtime?: number;
  bantime?: number;
  ignoreip?: string[];
}

export type ResolvedSandboxJail = Readonly<Required<SandboxJail>>;

/** A Python action (`action.d/<name>.py`) added to every jail next to the noop ban action. */
export interface SandboxAction {
  /** The .py file to copy into the sandbox's action.d. */
  file: string;
  /** Keyword arguments for the action's constructor, as written in `action = name.py[key="value"]`. */
  options?: Readonly<Record<string, string>>;
}

export interface SandboxPaths {
  dir: string;
  confDir: string;
  socketPath: string;
  dbPath: string;
  pidFile: string;
  serverLog: string;
  logFile(jail: string): string;
}

// The kernel's sockaddr_un.sun_path is 108 bytes including the NUL. fail2ban does not fail on a
// longer path: it logs "Unable to bind socket" and hangs, so refuse before spawning.
const MAX_SOCKET_PATH_BYTES = 107;

const JAIL_NAME = /^[A-Za-z0-9_-]+$/;
const RESERVED_SECTIONS = new Set(["DEFAULT", "INCLUDES"]);

export function sandboxPaths(dir: string): SandboxPaths {
  const runDir = join(dir, "run");
  const socketPath = join(runDir, "f2b.sock");
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`fail2ban sandbox socket path is too long for a Unix socket: ${socketPath}`);
  }
  return {
    dir,
    confDir: join(dir, "conf"),
    socketPath,
    dbPath: join(runDir, "f2b.sqlite3"),
    pidFile: join(runDir, "f2b.pid"),
    serverLog: join(runDir, "fail2ban.log"),
    logFile: (jail) => join(runDir, `${jail}.log`),
  };
}

/** Applies the §4 defaults and rejects anything that would produce a broken or ambiguous config. */
export function resolveSandboxJails(jails: readonly SandboxJail[]): ResolvedSandboxJail[] {
  const seen = new Set<string>();
  return jails.map((jail) => {
    if (!JAIL_NAME.test(jail.name) || RESERVED_SECTIONS.has(jail.name)) {
      throw new Error(`invalid sandbox jail name ${JSON.stringify(jail.name)}`);
    }
    if (seen.has(jail.name)) throw new Error(`duplicate sandbox jail ${jail.name}`);
    seen.add(jail.name);
    if (jail.failregex.length === 0) throw new Error(`sandbox jail ${jail.name} has no failregex`);
    const resolved = {
      name: jail.name,
      failregex: [...jail.failregex],
      maxretry: jail.maxretry ?? 3,
      findtime: jail.findtime ?? 600,
      bantime: jail.bantime ?? 600,
      ignoreip: [...(jail.ignoreip ?? [])],
    };
    for (const n of [resolved.maxretry, resolved.findtime, resolved.bantime]) {
      if (!Number.isSafeInteger(n)) throw new Error(`sandbox jail ${jail.name}: ${n} is not an integer`);
    }
    for (const ip of resolved.ignoreip) {
      // ignoreip is a whitespace-separated list, so an entry must be one token.
      if (ip === "" || /\s/.test(ip)) throw new Error(`sandbox jail ${jail.name}: bad ignoreip entry ${JSON.stringify(ip)}`);
    }
    return resolved;
  });
}

export async function writeSandboxConfig(
  paths: SandboxPaths,
  jails: readonly ResolvedSandboxJail[],
  opts: { dbpurgeage: string; extraActions?: readonly SandboxAction[] },
): Promise<void> {
  await mkdir(join(paths.confDir, "filter.d"), { recursive: true });
  await mkdir(join(paths.confDir, "action.d"), { recursive: true });
  await mkdir(join(paths.dir, "run"), { recursive: true });
  await writeFile(join(paths.confDir, "fail2ban.conf"), renderServerConf(paths, opts.dbpurgeage));
  const extra = opts.extraActions ?? [];
  await writeFile(join(paths.confDir, "jail.conf"), renderJailConf(paths, jails, extra));
  await writeFile(join(paths.confDir, "action.d", "noop.conf"), NOOP_ACTION);
  for (const action of extra) await copyFile(action.file, join(paths.confDir, "action.d", basename(action.file)));
  for (const jail of jails) {
    await writeFile(join(paths.confDir, "filter.d", `${jail.name}.conf`), renderFilter(jail));
    // The polling backend only watches files that exist when the jail starts.
    await writeFile(paths.logFile(jail.name), "", { flag: "a" });
  }
}

// Empty commands are skipped by fail2ban ("Nothing to do"): no shell, no firewall.
const NOOP_ACTION = `[Definition]
actionstart =
actionstop =
actioncheck =
actionban =
actionunban =
`;

function renderServerConf(paths: SandboxPaths, dbpurgeage: string): string {
  return `[Definition]
loglevel = INFO
logtarget = ${iniValue(paths.serverLog)}
syslogsocket = auto
socket = ${iniValue(paths.socketPath)}
pidfile = ${iniValue(paths.pidFile)}
dbfile = ${iniValue(paths.dbPath)}
dbpurgeage = ${iniValue(dbpurgeage)}
dbmaxmatches = 10
allowipv6 = auto
`;
}

// polling: "auto" could pick pyinotify or systemd. ignoreself=false and an empty ignoreip keep
// local and documentation addresses bannable.
function renderJailConf(paths: SandboxPaths, jails: readonly ResolvedSandboxJail[], extra: readonly SandboxAction[]): string {
  const sections = jails.map(
    (jail) => `[${jail.name}]
enabled = true
filter = ${jail.name}
logpath = ${iniValue(paths.logFile(jail.name))}
maxretry = ${jail.maxretry}
findtime = ${jail.findtime}
bantime = ${jail.bantime}
ignoreip = ${jail.ignoreip.map(iniValue).join(" ")}
`,
  );
  return [
    `[DEFAULT]
backend = polling
ignoreself = false
ignoreip =
banaction = noop
action = ${["%(banaction)s", ...extra.map(actionRef)].join("\n         ")}
`,
    ...sections,
  ].join("\n");
}

// `name.py[key="value", …]`: fail2ban's option syntax has no escapes, so a value may not hold a quote.
function actionRef(action: SandboxAction): string {
  const name = basename(action.file);
  if (!/^[\w-]+\.py$/.test(name)) throw new Error(`sandbox action must be a .py file with a plain name: ${action.file}`);
  const options = Object.entries(action.options ?? {}).map(([key, value]) => {
    if (!/^[\w-]+$/.test(key) || /["\r\n]/.test(value)) throw new Error(`sandbox action ${name}: unsupported option ${key}=${JSON.stringify(value)}`);
    return `${key}="${iniValue(value)}"`;
  });
  return options.length === 0 ? name : `${name}[${options.join(", ")}]`;
}

// datepattern {NONE}: lines carry no timestamp, fail2ban uses "now", so tests never fight findtime.
function renderFilter(jail: ResolvedSandboxJail): string {
  const regexes = jail.failregex.map((re) => {
    // A continuation line starting with a comment prefix would be dropped by configparser.
    if (/^\s|^[#;]|\s$/.test(re)) throw new Error(`sandbox jail ${jail.name}: unsupported failregex ${JSON.stringify(re)}`);
    return iniValue(re);
  });
  return `[Definition]
failregex = ${regexes.join("\n            ")}
ignoreregex =
datepattern = {NONE}
`;
}

// fail2ban's configparser interpolates %(name)s, so a literal % must be doubled; a newline
// would start a new key.
function iniValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`fail2ban config value contains a newline: ${JSON.stringify(value)}`);
  return value.replaceAll("%", "%%");
}

import type { AnyCommand } from "../src/core/services.js";
import { audit } from "./audit.js";
import { ban } from "./ban.js";
import { banned } from "./banned.js";
import { cancel } from "./cancel.js";
import { help } from "./help.js";
import { idle } from "./idle.js";
import { ignore } from "./ignore.js";
import { ignoreself } from "./ignoreself.js";
import { ip } from "./ip.js";
import { jail } from "./jail.js";
import { jails } from "./jails.js";
import { reload } from "./reload.js";
import { reloadAll } from "./reload-all.js";
import { start } from "./start.js";
import { status } from "./status.js";
import { stop } from "./stop.js";
import { unban } from "./unban.js";
import { unbanAll } from "./unban-all.js";

/** The catalogue, in the order help lists it. Every surface (console, Slack, Discord) uses this list. */
export const COMMANDS: readonly AnyCommand[] = [
  help,
  status,
  jails,
  jail,
  banned,
  ip,
  ban,
  unban,
  ignore,
  ignoreself,
  idle,
  reload,
  start,
  stop,
  reloadAll,
  unbanAll,
  audit,
  cancel,
];

import type { AnyCommand } from "../src/core/services.js";
import { alerts } from "./alerts.js";
import { alertsMute } from "./alerts-mute.js";
import { alertsTest } from "./alerts-test.js";
import { alertsUnmute } from "./alerts-unmute.js";
import { audit } from "./audit.js";
import { ban } from "./ban.js";
import { banned } from "./banned.js";
import { blocklistAdd } from "./blocklist-add.js";
import { blocklistDisable } from "./blocklist-disable.js";
import { blocklistEdit } from "./blocklist-edit.js";
import { blocklistEnable } from "./blocklist-enable.js";
import { blocklistImport } from "./blocklist-import.js";
import { blocklistRemove } from "./blocklist-remove.js";
import { blocklists } from "./blocklists.js";
import { cancel } from "./cancel.js";
import { help } from "./help.js";
import { history } from "./history.js";
import { stats } from "./stats.js";
import { top } from "./top.js";
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
  blocklists,
  blocklistImport,
  blocklistAdd,
  blocklistEdit,
  blocklistEnable,
  blocklistDisable,
  blocklistRemove,
  history,
  top,
  stats,
  alerts,
  alertsMute,
  alertsUnmute,
  alertsTest,
  audit,
  cancel,
];

import type { AlertKind } from "../../config/file-schema.js";
import type { Reply } from "../reply.js";

/**
 * One message about an incident. An incident's messages share `incident`: the first posts, updates
 * replace it in place, and the resolution follows up in its thread.
 */
export interface Alert {
  kind: AlertKind | "test";
  jail?: string;
  incident: string;
  step: "open" | "update" | "resolve";
  /** Distinguishes successive updates of one incident. */
  seq?: number;
  reply: Reply;
}

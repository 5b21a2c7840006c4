import type { Reply } from "../reply.js";

export const ALERT_KINDS = ["health", "spike", "blocklist", "silent", "digest"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

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

import type { Role } from "../command/model.js";
import type { Identity } from "../identity.js";
import type { Reply } from "../reply.js";

/** What a host's agent made of a command: the dispatcher's outcome, or `interrupted` (it stopped while running it). */
export type HostOutcome = "ok" | "invalid" | "refused" | "confirm" | "error" | "incident" | "interrupted";

/**
 * Why a host gave no answer. `no_agent`: nothing listens on its command subject (agent down, or not
 * connected to NATS); `timeout`: the deadline passed first; `not_connected`: the front itself has no
 * NATS connection; `bad_answer`: it answered something unreadable; `failed`: sending failed.
 */
export type NoAnswer = "no_agent" | "timeout" | "not_connected" | "bad_answer" | "failed";

/** One host's part of a fleet command: its answer, or why there is none. */
export type HostAnswer =
  | { host: string; answered: true; outcome: HostOutcome; repeated: boolean; reply: Reply }
  | { host: string; answered: false; reason: NoAnswer; detail?: string };

/** What the front knows of a host's life, from its heartbeats. */
export interface HostPresence {
  host: string;
  /** `alive`: beats on time; `gone`: beats stopped (or never came); `stopped`: it said it was stopping. */
  state: "alive" | "gone" | "stopped";
  /** When its last beat arrived, by the front's clock; undefined if none has since the front started. */
  lastSeen?: number;
  /** When its agent started, by its own clock. */
  startedAt?: number;
}

/**
 * The fleet as the front's dispatcher needs it (fleet mode only): which hosts a target names, and
 * running a command line on them. The front is the authority on roles and confirmation: `role` is
 * the one it found, and `confirmed` says the actor confirmed here.
 */
export interface FleetHosts {
  /** Where a line without `on …` runs (`fleet.default_target`). */
  defaultTarget: string;
  /** The hosts of `on <target>`; a UserError naming the known ones when it names none. */
  resolve(target: string): string[];
  /** Every host's answer or why there is none, within the fleet's deadline. */
  run(line: string, hosts: readonly string[], command: { actor: Identity; role: Role; confirmed: boolean }): Promise<HostAnswer[]>;
  /**
   * For suggestions: the jails of `hosts`, or the addresses they ban (in `jail`, else in any), all
   * together; a host that does not answer within the fleet's deadline adds nothing (no error).
   */
  names(kind: "jails" | "banned-ips", hosts: readonly string[], jail?: string): Promise<string[]>;
  /** The hosts the config lists and every other heard from, by name. */
  presence(): HostPresence[];
  /** Every name `on` takes, for suggestions: `all`, the groups, the hosts listed and those heard from. */
  targets(): string[];
}

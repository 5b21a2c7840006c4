import type { Identity } from "../identity.js";
import type { Reply } from "../reply.js";

/** Each role allows what the ones before it do. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

// The closed set of option kinds: every surface derives its input from these (the console/Slack
// text parser, Discord's typed options), so adding a kind means teaching every adapter.
export type OptionKind = "ip" | "ip-or-cidr" | "jail" | "duration" | "int" | "enum" | "text";

interface OptionBase {
  name: string;
  description: string;
  required?: boolean;
  /** Introduced by a word in text syntax, e.g. `for` in `ban 192.0.2.1 sshd for 2h`. */
  keyword?: string;
  /** Several values (text: consecutive tokens of this kind). */
  multiple?: boolean;
  /** What Discord may suggest while typing. */
  autocomplete?: "jails" | "banned-ips";
  /** Filled by buttons (paging cursors), never typed: left out of usage, help and Discord's schema. */
  internal?: boolean;
}

export type OptionSpec = OptionBase &
  (
    | { kind: "ip" | "ip-or-cidr" | "jail" | "duration" }
    | { kind: "int"; min?: number; max?: number }
    | { kind: "enum"; values: readonly string[] }
    | { kind: "text"; /** Takes the rest of the line. */ rest?: boolean }
  );

type Scalar<S extends OptionSpec> = S extends { kind: "enum"; values: readonly (infer V)[] }
  ? V
  : S extends { kind: "int" | "duration" }
    ? number
    : string;
type ValueOf<S extends OptionSpec> = S extends { multiple: true } ? Scalar<S>[] : Scalar<S>;

/** Parsed option values: durations in milliseconds, addresses normalised; optional ones may be absent. */
export type Values<O extends readonly OptionSpec[]> = {
  [S in O[number] as S extends { required: true } ? S["name"] : never]: ValueOf<S>;
} & {
  [S in O[number] as S extends { required: true } ? never : S["name"]]?: ValueOf<S>;
};

/** What every command gets besides its services. */
export interface Invocation {
  actor: Identity;
  /**
   * Interim status of a long run (e.g. "Banned 20,000 of 50,000"), when the surface can show it;
   * each call replaces the last. Commands call it sparingly: surfaces may rate-limit edits.
   */
  progress?: (text: string) => void;
}

/** A command as its file declares it (defineCommand names it after its path). */
export interface CommandSpec<O extends readonly OptionSpec[] = readonly OptionSpec[], C = never> {
  /**
   * The words that name it, as typed: `["blocklist", "add"]`, `["status"]`. The parser takes the
   * longest path a line starts with; help lists a first word's commands; Discord makes a first word
   * shared by several commands a subcommand group.
   */
  path: readonly [string, ...string[]];
  summary: string;
  /** Complete example lines, without the `/f2b` prefix. */
  examples: readonly string[];
  options: O;
  role: Role;
  /** `change` and `destructive` are audited; `destructive` asks for confirmation first. */
  effect: "read" | "change" | "destructive";
  /** Only run by buttons (e.g. Cancel): left out of help and Discord's schema. */
  internal?: boolean;
  /** About BanBot and its people (help, audit, alert routes), not a host: a fleet's front runs it itself. */
  front?: boolean;
  /**
   * For a change that is harmless except in some cases (banning your own network): why to ask for
   * confirmation before running, or undefined to run at once. `destructive` commands always ask.
   */
  confirm?(values: Values<O>, ctx: C & Invocation): Promise<string | undefined>;
  /**
   * For a `destructive` command: what confirming it will do, shown with the Confirm button (e.g. how
   * many bans it lifts). Without one, the confirmation warns that it cannot be undone from here.
   */
  consequence?(values: Values<O>, ctx: C & Invocation): Promise<string>;
  run(values: Values<O>, ctx: C & Invocation): Promise<Reply>;
  /** How a fleet's front makes one reply of several hosts' answers, when joining them is not enough. */
  acrossHosts?: AcrossHosts<Values<O>>;
}

/** One host's answer to a command asked in parts (see AcrossHosts). */
export interface HostPart {
  host: string;
  reply: Reply;
}

/**
 * A command whose answers over several hosts must be summed or merged (`top`, `stats`, `history`):
 * each host is asked for its part (an internal option says so: raw counts, not a chart), and the front
 * makes one reply of them. Hosts whose part it cannot read are named in `unread`.
 */
export interface AcrossHosts<V> {
  /** The values each host is asked with; `now` is the front's clock, so every host counts the same window. */
  ask(values: V, now: number): Readonly<Record<string, unknown>>;
  merge(values: V, parts: readonly HostPart[]): { reply: Reply; unread: string[] };
}

export interface CommandDef<O extends readonly OptionSpec[] = readonly OptionSpec[], C = never> extends CommandSpec<O, C> {
  /**
   * The path as one word, `blocklist-add`: what the audit log records, what canonical lines (and
   * so buttons) start with, and another way to type it.
   */
  name: string;
}

/** Names the command after its path, and keeps option names and kinds as literal types so `run` sees exact value types. */
export function defineCommand<const O extends readonly OptionSpec[], C>(spec: CommandSpec<O, C>): CommandDef<O, C> {
  return { ...spec, name: spec.path.join("-") };
}

export function roleAllows(has: Role | undefined, needs: Role): boolean {
  return has !== undefined && ROLES.indexOf(has) >= ROLES.indexOf(needs);
}

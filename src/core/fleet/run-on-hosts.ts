import type { Role } from "../command/model.js";
import type { Identity } from "../identity.js";
import type { FleetHosts, HostAnswer } from "../ports/fleet.js";
import type { Reply } from "../reply.js";
import { fleetReply, onTarget, type MergeParts } from "./aggregate.js";

// The front's half of a fleet command, after its dispatcher parsed the line and checked the role:
// the hosts are asked, and the front keeps what is about people: its confirmation (the agents say
// what would need confirming; the button is the front's, for the whole target) and its audit.

const AUDIT_MESSAGE_MAX = 500;

export interface HostsCommand {
  fleet: FleetHosts;
  actor: Identity;
  role: Role;
  /** The canonical line, without target or token: what the hosts run. */
  commandLine: string;
  effect: "read" | "change" | "destructive";
  /** As typed after `on`; undefined: the fleet's default target. */
  target?: string;
  confirmToken?: string;
  /**
   * For a command whose answers are summed or merged (`top`, `stats`, `history`): the line each host
   * is asked (for its part) and how the parts become one reply. Used over several hosts, or when the
   * line asks for parts already (a merged listing's Next button).
   */
  across?: { line: string; merge: MergeParts };
}

/** The dispatcher's confirmation and audit, for the line with its target. */
export interface FrontGate {
  /** Consumes the token: undefined when it confirms `commandLine`, else the reply that says why not. */
  check(commandLine: string, token: string): Reply | undefined;
  /** The Confirm/Cancel reply for `commandLine`, `why` leading its text. */
  ask(commandLine: string, why: string): Reply;
  audit(commandLine: string, outcome: "ok" | "error", message: string): void;
}

export async function runOnHosts(cmd: HostsCommand, gate: FrontGate): Promise<{ reply: Reply; outcome: "ok" | "error" | "confirm" | "invalid" }> {
  const target = cmd.target ?? cmd.fleet.defaultTarget;
  const hosts = cmd.fleet.resolve(target);
  const line = onTarget(cmd.commandLine, target);
  if (cmd.confirmToken !== undefined) {
    const refused = gate.check(line, cmd.confirmToken);
    if (refused) return { reply: refused, outcome: "invalid" };
  }
  const across = cmd.across && (hosts.length > 1 || cmd.across.line === cmd.commandLine) ? cmd.across : undefined;
  const answers = await cmd.fleet.run(across?.line ?? cmd.commandLine, hosts, { actor: cmd.actor, role: cmd.role, confirmed: cmd.confirmToken !== undefined });
  const asking = answers.filter((a) => a.answered && a.outcome === "confirm");
  if (asking.length > 0) return { reply: gate.ask(line, whyConfirm(asking, answers)), outcome: "confirm" };
  const reply = fleetReply(cmd.commandLine, answers, across?.merge);
  const failed = reply.tone === "error";
  if (cmd.effect !== "read") gate.audit(line, failed ? "error" : "ok", auditMessage(answers));
  return { reply, outcome: failed ? "error" : "ok" };
}

/** Each asking host's reason (once, when they agree), and the hosts where it was done already. */
function whyConfirm(asking: readonly HostAnswer[], answers: readonly HostAnswer[]): string {
  const reasons = new Map<string, string[]>();
  for (const a of asking) if (a.answered) reasons.set(a.reply.text ?? a.reply.title, [...(reasons.get(a.reply.text ?? a.reply.title) ?? []), a.host]);
  const lines = [...reasons].map(([why, hosts]) => (reasons.size === 1 && hosts.length === answers.length ? why : `${hosts.join(", ")}: ${why}`));
  const done = answers.filter((a) => a.answered && a.outcome === "ok").map((a) => a.host);
  if (done.length > 0) lines.push(`Already done on ${done.join(", ")}: nothing to confirm there.`);
  return lines.join("\n");
}

function auditMessage(answers: readonly HostAnswer[]): string {
  const text = answers.map((a) => `${a.host}: ${a.answered ? a.reply.title : `no answer (${a.reason})`}`).join("; ");
  return text.length > AUDIT_MESSAGE_MAX ? `${text.slice(0, AUDIT_MESSAGE_MAX - 1)}…` : text;
}

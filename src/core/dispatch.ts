import type { Logger } from "pino";
import type { Grant } from "../config/file-schema.js";
import type { AuditOutcome } from "../store/audit-log.js";
import { refusalMessage, roleOf } from "./access.js";
import { formatCommandLine } from "./command/format.js";
import { roleAllows } from "./command/model.js";
import { parseCommandLine, suggest, withConfirmToken } from "./command/parse.js";
import { isUserError, type UserError } from "./errors.js";
import type { Identity } from "./identity.js";
import { newIncident } from "./incident.js";
import type { RateLimiter } from "./rate-limit.js";
import { errorReply, type Reply } from "./reply.js";
import type { AnyCommand, Services } from "./services.js";
import { formatDuration } from "./time-format.js";

export interface DispatcherDeps {
  services: Services;
  grants: readonly Grant[];
  rateLimiter: RateLimiter;
  log: Logger;
  /** How long a destructive command's Confirm button stays valid. */
  confirmTtlMs: number;
  /** Told about every command run, for metrics. */
  observe?: (event: CommandEvent) => void;
}

export interface CommandEvent {
  /** Empty when the line named no known command. */
  command: string;
  outcome: "ok" | "invalid" | "refused" | "confirm" | "error" | "incident";
  durationMs: number;
}

/**
 * Runs a command line for someone: the single path every surface uses, typed commands and clicked
 * buttons alike (a button carries a command line), so the role check, confirmation, audit and error
 * hygiene cannot differ between them.
 */
export class Dispatcher {
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly deps: DispatcherDeps) {}

  /** Resolves once no command is running (or after `timeoutMs`): shutdown lets commands finish. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** `opts.progress` receives a long command's interim status, where the surface can show it. */
  async run(line: string, actor: Identity, opts: { progress?: (text: string) => void } = {}): Promise<Reply> {
    const started = this.deps.services.clock.now();
    this.inFlight++;
    try {
      const { reply, command, outcome } = await this.dispatch(line, actor, opts, started);
      this.deps.observe?.({ command, outcome, durationMs: this.deps.services.clock.now() - started });
      return reply;
    } finally {
      if (--this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  private async dispatch(
    line: string,
    actor: Identity,
    opts: { progress?: (text: string) => void },
    started: number,
  ): Promise<{ reply: Reply; command: string; outcome: CommandEvent["outcome"] }> {
    const { services, log } = this.deps;
    if (actor.platform !== "console") {
      const taken = this.deps.rateLimiter.take(`${actor.platform}:${actor.userId}`);
      if (!taken.ok) {
        const message = `Slow down: try again in ${formatDuration(taken.retryAfterMs)}.`;
        this.audit(actor, { command: "", commandLine: line.slice(0, 200) }, "refused", message, started);
        return { reply: errorReply(message, "Too many commands"), command: "", outcome: "refused" };
      }
    }

    let parsed: ReturnType<typeof parseCommandLine>;
    try {
      parsed = parseCommandLine(services.catalogue, line);
    } catch (err) {
      if (!isUserError(err)) throw err;
      return { reply: errorReply(err.message, "Cannot read that command"), command: "", outcome: "invalid" };
    }
    const command = parsed.command as AnyCommand;
    const commandLine = formatCommandLine(command, parsed.values);
    const who = { command: command.name, commandLine };
    const result = (reply: Reply, outcome: CommandEvent["outcome"]) => ({ reply, command: command.name, outcome });

    const role = roleOf(actor, this.deps.grants);
    if (!roleAllows(role, command.role)) {
      const message = refusalMessage(actor, command.role, role, this.deps.grants);
      this.audit(actor, who, "refused", message, started);
      return result(errorReply(message, "Not allowed"), "refused");
    }

    if (command.effect === "destructive") {
      const gate = this.confirmationGate(actor, who, parsed.confirmToken, started);
      if (gate) return result(gate, gate.tone === "error" ? "invalid" : "confirm");
    }

    try {
      const reply = await command.run(parsed.values as never, { ...services, actor, commandLine, progress: opts.progress });
      // A command can answer a failure without throwing, to keep its details (a blocklist import's
      // counts): the audit log records it as the error it is.
      const failed = reply.tone === "error";
      if (command.effect !== "read") this.audit(actor, who, failed ? "error" : "ok", failed && reply.text ? `${reply.title}: ${reply.text}` : reply.title, started);
      return result(reply, failed ? "error" : "ok");
    } catch (err) {
      if (isUserError(err)) {
        const message = await this.withSuggestion(err, parsed.values);
        if (command.effect !== "read") this.audit(actor, who, "error", message, started);
        return result(errorReply(message), "error");
      }
      const incident = newIncident();
      log.error({ err, incident: incident.id, commandLine, platform: actor.platform, userId: actor.userId }, "command failed");
      this.audit(actor, who, "error", `incident ${incident.id}`, started);
      return result(incident.reply, "incident");
    }
  }

  /** Returns the reply to send instead of running the command, or undefined to go ahead. */
  private confirmationGate(
    actor: Identity,
    who: { command: string; commandLine: string },
    token: string | undefined,
    now: number,
  ): Reply | undefined {
    const { confirmations } = this.deps.services;
    const { commandLine } = who;
    if (token === undefined) {
      const created = confirmations.create({ commandLine, platform: actor.platform, userId: actor.userId, now, ttlMs: this.deps.confirmTtlMs });
      this.audit(actor, who, "confirm", "confirmation asked", now);
      return {
        title: `Confirm: ${commandLine}`,
        tone: "warn",
        text: `This cannot be undone from here. The button expires in ${formatDuration(this.deps.confirmTtlMs)}.`,
        private: true,
        actions: [
          { label: "Confirm", command: withConfirmToken(commandLine, created), style: "danger" },
          { label: "Cancel", command: `cancel ${created}` },
        ],
      };
    }
    const result = confirmations.consume({ token, commandLine, now });
    if (result === "ok") return undefined;
    const message =
      result === "expired"
        ? "This confirmation has expired; run the command again to get a new one."
        : "This confirmation is not valid (already used, cancelled or for another command); run the command again.";
    this.audit(actor, who, "expired", message, now);
    return errorReply(message, "Not confirmed");
  }

  private async withSuggestion(err: UserError, values: Record<string, unknown>): Promise<string> {
    const jail = values.jail;
    if (err.code !== "unknown_jail" || typeof jail !== "string") return err.message;
    try {
      const close = suggest(jail, (await this.deps.services.fail2ban.status()).jails);
      return close ? `${err.message} Did you mean \`${close}\`?` : `${err.message} Type \`jails\` for the list.`;
    } catch {
      return err.message;
    }
  }

  private audit(
    actor: Identity,
    what: { command: string; commandLine: string },
    outcome: AuditOutcome,
    message: string,
    started: number,
  ): void {
    const { services, log } = this.deps;
    try {
      services.audit.record({
        at: started,
        host: services.host,
        platform: actor.platform,
        userId: actor.userId,
        userName: actor.userName,
        channelId: actor.channelId,
        command: what.command,
        commandLine: what.commandLine,
        outcome,
        message,
        durationMs: services.clock.now() - started,
      });
    } catch (err) {
      // A full disk must not turn every command into an error; it must not go unnoticed either.
      log.error({ err }, "audit write failed");
    }
  }
}

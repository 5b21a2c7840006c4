import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { AuditOutcome } from "./ports/audit-log.js";
import { NOT_YOURS, refusalMessage, roleOf, type Grant } from "./access.js";
import { formatCommandLine } from "./command/format.js";
import { roleAllows, type HostPart, type Role } from "./command/model.js";
import { nearMiss, parseCommandLine, suggest } from "./command/parse.js";
import { isUserError, UserError, type ErrorCode } from "./errors.js";
import type { Identity } from "./identity.js";
import { newIncident } from "./incident.js";
import { STORE_LOCKED_MESSAGE, STORE_LOCKED_MIDWAY_MESSAGE, isStoreBusy } from "./store-busy.js";
import type { RateLimiter } from "./rate-limit.js";
import { confirmationReply } from "./confirmation-reply.js";
import { errorReply, type Reply } from "./reply.js";
import { runOnHosts } from "./fleet/run-on-hosts.js";
import { splitTarget } from "./fleet/target.js";
import type { FleetHosts } from "./ports/fleet.js";
import type { AnyCommand, Services } from "./services.js";
import { formatDuration } from "./time-format.js";

const CONSEQUENCE_MS = 1_500;
const UNDESCRIBED = "This cannot be undone from here.";
// Describing the consequence found nothing to act on: the command would fail the same way. Any other
// trouble (fail2ban not answering) is no reason to refuse the question.
const NOTHING_TO_ACT_ON = new Set<ErrorCode>(["unknown_jail", "invalid_argument"]);

export interface DispatcherDeps {
  services: Services;
  grants: readonly Grant[];
  rateLimiter: RateLimiter;
  log: Logger;
  /** How long a destructive command's Confirm button stays valid. */
  confirmTtlMs: number;
  /** Told about every command run, for metrics. */
  observe?: (event: CommandEvent) => void;
  /**
   * Whether the store takes writes (another process may hold its lock); commands that change
   * anything are refused, saying so, when it does not. Must not block the event loop.
   */
  storeWritable?: () => boolean | Promise<boolean>;
  /** Fleet mode (the front): commands run on the hosts a line's `on …` names, or the default target. */
  fleet?: FleetHosts;
}

/**
 * What a fleet agent is told with a command its front sends: the front is the only authority on chat
 * roles (the agent has no grants) and asks for confirmations itself, with its own buttons.
 */
export interface Vouched {
  /** The role the front found the actor has where they asked. */
  role: Role;
  /** The actor confirmed the command at the front; false: say what would need confirming, do nothing. */
  confirmed: boolean;
}

export interface CommandResult {
  reply: Reply;
  /** Empty when the line named no known command. */
  command: string;
  outcome: CommandEvent["outcome"];
}

export interface CommandEvent {
  /** Empty when the line named no known command. */
  command: string;
  outcome: "ok" | "invalid" | "refused" | "confirm" | "error" | "incident";
  durationMs: number;
}

interface DispatchOptions {
  progress?: (text: string) => void;
  vouched?: Vouched;
}

// formatCommandLine refuses text it cannot quote; the line as typed then stands in, so that reading
// the line (also from a timer, where a throw would end the process) never fails.
function canonicalLine(command: AnyCommand, values: Record<string, unknown>, typed: string): string {
  try {
    return formatCommandLine(command, values);
  } catch {
    return typed;
  }
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

  /**
   * Whether `actor` may run `command` where it is: for surfaces that show what a command would read
   * (autocomplete) without running it. An unknown command is allowed to nobody.
   */
  mayRun(actor: Identity, command: string): boolean {
    const needed = this.deps.services.catalogue.find((c) => c.name === command)?.role;
    return needed !== undefined && roleAllows(roleOf(actor, this.deps.grants), needed);
  }

  /** `opts.progress` receives a long command's interim status, where the surface can show it. */
  async run(line: string, actor: Identity, opts: { progress?: (text: string) => void } = {}): Promise<Reply> {
    return (await this.execute(line, actor, opts)).reply;
  }

  /**
   * A command a fleet agent got from its front: `vouched` stands in for the grants and the rate
   * limit, which are the front's; audited here like any other, under the actor the front names.
   */
  async runVouched(line: string, actor: Identity, vouched: Vouched): Promise<CommandResult> {
    return await this.execute(line, actor, { vouched });
  }

  private async execute(line: string, actor: Identity, opts: DispatchOptions): Promise<CommandResult> {
    const started = this.deps.services.clock.now();
    this.inFlight++;
    try {
      const result = await this.dispatch(line, actor, opts, started);
      this.deps.observe?.({ command: result.command, outcome: result.outcome, durationMs: this.deps.services.clock.now() - started });
      return result;
    } finally {
      if (--this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  private async dispatch(line: string, actor: Identity, opts: DispatchOptions, started: number): Promise<CommandResult> {
    const { services, log } = this.deps;
    const { vouched } = opts;
    if (actor.platform !== "console" && !vouched) {
      const taken = this.deps.rateLimiter.take(`${actor.platform}:${actor.userId}`);
      if (!taken.ok) {
        const message = `Slow down: try again in ${formatDuration(taken.retryAfterMs)}.`;
        this.audit(actor, { command: "", commandLine: line.slice(0, 200) }, "refused", message, started);
        return { reply: errorReply(message, "Too many commands"), command: "", outcome: "refused" };
      }
    }

    // The front takes the hosts off the line; an agent (vouched) gets lines without them.
    const { fleet } = vouched ? {} : this.deps;
    const targeted = fleet ? splitTarget(line) : { line };
    let parsed: ReturnType<typeof parseCommandLine>;
    try {
      parsed = parseCommandLine(services.catalogue, targeted.line);
    } catch (err) {
      if (!isUserError(err)) throw err;
      return { reply: errorReply(err.message, "Cannot read that command"), command: "", outcome: "invalid" };
    }
    const command = parsed.command as AnyCommand;
    // The canonical line, for the audit log and the logs, formatted when first read: for a `ban` of
    // 20,000 addresses it is 300 KB of text and 30 ms, which are spent while fail2ban works (below).
    let formatted: string | undefined;
    const lineOf = (): string => (formatted ??= canonicalLine(command, parsed.values, targeted.line));
    const who = {
      command: command.name,
      get commandLine() {
        return lineOf();
      },
    };
    const result = (reply: Reply, outcome: CommandEvent["outcome"]) => ({ reply, command: command.name, outcome });

    const role = vouched ? vouched.role : roleOf(actor, this.deps.grants);
    if (!roleAllows(role, command.role)) {
      const message = refusalMessage(actor, command.role, role, this.deps.grants);
      this.audit(actor, who, "refused", message, started);
      return result(errorReply(message, "Not allowed"), "refused");
    }

    // A change BanBot could not record (nor audit) is not made: refused at once, not after the busy timeout.
    if (command.effect !== "read" && (await this.deps.storeWritable?.()) === false) {
      log.warn({ commandLine: lineOf(), platform: actor.platform, userId: actor.userId }, "command refused: the store is locked");
      return result(errorReply(STORE_LOCKED_MESSAGE, "Not done"), "error");
    }

    // The services are the prototype, not copied: they are built when a command first reads one, and
    // a spread would build them all.
    const ctx: Parameters<AnyCommand["run"]>[1] = Object.assign(Object.create(services) as Services, { actor, progress: opts.progress });
    try {
      if (fleet && command.front && targeted.target !== undefined) {
        throw new UserError("invalid_argument", `\`${command.name}\` is about BanBot itself, not a host: leave out \`on ${targeted.target}\`.`);
      }
      if (fleet && !command.front) {
        const { confirmToken } = parsed;
        const gate = {
          check: (line: string, token: string) => this.confirmationGate(actor, { command: command.name, commandLine: line }, token, started),
          ask: (line: string, why: string) => this.askConfirmation(actor, { command: command.name, commandLine: line }, why, started),
          audit: (line: string, outcome: "ok" | "error", message: string) => this.audit(actor, { command: command.name, commandLine: line }, outcome, message, started),
        };
        const { acrossHosts } = command;
        const across = acrossHosts && {
          line: formatCommandLine(command, acrossHosts.ask(parsed.values as never, services.clock.now())),
          merge: (parts: readonly HostPart[]) => acrossHosts.merge(parsed.values as never, parts),
        };
        const { reply, outcome } = await runOnHosts({ fleet, actor, role: role!, commandLine: lineOf(), effect: command.effect, target: targeted.target, confirmToken, across }, gate);
        return result(reply, outcome);
      }
      if (vouched && !vouched.confirmed) {
        // The front asks with its own button; what it would ask is only known here (this host's jails, addresses).
        const why = command.effect === "destructive" ? await this.consequenceOf(command, parsed.values, ctx) : await command.confirm?.(parsed.values as never, ctx);
        if (why instanceof UserError) throw why;
        if (why !== undefined) return result({ title: `Confirm: ${lineOf()}`, tone: "warn", text: why, private: true }, "confirm");
      }
      // A token is checked whatever the command: a confirmed `ban` of a risky address carries one too.
      if (!vouched && (command.effect === "destructive" || parsed.confirmToken !== undefined)) {
        const consequence = command.effect === "destructive" && parsed.confirmToken === undefined ? await this.consequenceOf(command, parsed.values, ctx) : undefined;
        // What it would act on does not exist (no such jail or blocklist): no question to ask.
        if (consequence instanceof UserError) {
          const message = await this.withSuggestion(consequence, command, parsed.values);
          this.audit(actor, who, "error", message, started);
          return result(errorReply(message), "error");
        }
        const gate = this.confirmationGate(actor, who, parsed.confirmToken, started, consequence);
        if (gate) return result(gate, gate.tone === "error" ? "invalid" : "confirm");
      }
      const risk = parsed.confirmToken === undefined && !vouched ? await command.confirm?.(parsed.values as never, ctx) : undefined;
      if (risk !== undefined) return result(this.askConfirmation(actor, who, risk, started), "confirm");
      const running = command.run(parsed.values as never, ctx);
      // A change's audit line is formatted at the first turn of the event loop after the command
      // began waiting (on fail2ban, for a bulk ban), not before it sent anything.
      if (command.effect !== "read") setImmediate(lineOf);
      const reply = await running;
      // A command can answer a failure without throwing, to keep its details (a blocklist import's
      // counts): the audit log records it as the error it is.
      const failed = reply.tone === "error";
      if (command.effect !== "read") this.audit(actor, who, failed ? "error" : "ok", failed && reply.text ? `${reply.title}: ${reply.text}` : reply.title, started);
      return result(reply, failed ? "error" : "ok");
    } catch (err) {
      if (isStoreBusy(err)) {
        log.warn({ err, commandLine: lineOf(), platform: actor.platform, userId: actor.userId }, "command failed: the store is locked");
        // The store took writes when the command began: a change may have reached fail2ban already.
        const midway = command.effect !== "read";
        this.audit(actor, who, "error", midway ? STORE_LOCKED_MIDWAY_MESSAGE : STORE_LOCKED_MESSAGE, started);
        return result(midway ? errorReply(STORE_LOCKED_MIDWAY_MESSAGE, "Maybe done, not recorded") : errorReply(STORE_LOCKED_MESSAGE, "Not done"), "error");
      }
      if (isUserError(err)) {
        const message = await this.withSuggestion(err, command, parsed.values);
        const refused = err.code === "not_allowed";
        if (command.effect !== "read" || refused) this.audit(actor, who, refused ? "refused" : "error", message, started);
        return refused ? result(errorReply(message, "Not allowed"), "refused") : result(errorReply(message), "error");
      }
      const incident = newIncident();
      log.error({ err, incident: incident.id, commandLine: lineOf(), platform: actor.platform, userId: actor.userId }, "command failed");
      this.audit(actor, who, "error", `incident ${incident.id}`, started);
      return result(incident.reply, "incident");
    }
  }

  // What the command says confirming it will do, or the UserError that says it cannot be done (no
  // such jail). When it cannot tell in time (fail2ban slow), that much: bounded, so the question
  // comes before a surface's "working on it" (Slack's after 2 s).
  private async consequenceOf(command: AnyCommand, values: Record<string, unknown>, ctx: Parameters<AnyCommand["run"]>[1]): Promise<string | UserError> {
    if (!command.consequence) return UNDESCRIBED;
    const unknown = (why: string) => `BanBot could not work out what this changes (${why}); confirm only if you mean it.`;
    const described = Promise.resolve()
      .then(() => command.consequence!(values as never, ctx))
      .catch((err: unknown) => {
        if (isUserError(err) && NOTHING_TO_ACT_ON.has(err.code)) return err;
        if (!isUserError(err)) this.deps.log.error({ err, command: command.name }, "describing a confirmation failed");
        return unknown(isUserError(err) ? err.message : "see BanBot's log");
      });
    const late = delay(CONSEQUENCE_MS, undefined, { ref: false }).then(() => unknown("fail2ban is slow to answer"));
    return await Promise.race([described, late]);
  }

  /** Returns the reply to send instead of running the command, or undefined to go ahead. */
  private confirmationGate(
    actor: Identity,
    who: { command: string; commandLine: string },
    token: string | undefined,
    now: number,
    consequence = UNDESCRIBED,
  ): Reply | undefined {
    const { confirmations } = this.deps.services;
    const { commandLine } = who;
    if (token === undefined) return this.askConfirmation(actor, who, consequence, now);
    const result = confirmations.consume({ token, commandLine, now, by: actor });
    if (result === "ok") return undefined;
    if (result === "not_yours") {
      this.audit(actor, who, "refused", NOT_YOURS, now);
      return errorReply(NOT_YOURS, "Not yours to confirm");
    }
    const message =
      result === "expired"
        ? "This confirmation has expired; run the command again to get a new one."
        : "This confirmation is not valid (already used, cancelled or for another command); run the command again.";
    this.audit(actor, who, "expired", message, now);
    return errorReply(message, "Not confirmed");
  }

  /** The Confirm/Cancel reply; `why` leads its text. */
  private askConfirmation(actor: Identity, who: { command: string; commandLine: string }, why: string, now: number): Reply {
    const { commandLine } = who;
    const created = this.deps.services.confirmations.create({ commandLine, platform: actor.platform, userId: actor.userId, now, ttlMs: this.deps.confirmTtlMs });
    this.audit(actor, who, "confirm", "confirmation asked", now);
    return confirmationReply({ commandLine, why, token: created, ttlMs: this.deps.confirmTtlMs });
  }

  /** An unknown jail's message plus what the word was probably meant to be: a jail, or another option's value (`stats 7x`). */
  private async withSuggestion(err: UserError, command: AnyCommand, values: Record<string, unknown>): Promise<string> {
    const jail = values.jail;
    if (err.code !== "unknown_jail" || typeof jail !== "string") return err.message;
    let close: string | undefined;
    try {
      close = suggest(jail, (await this.deps.services.fail2ban.status()).jails);
    } catch {
      // fail2ban is down: another option's value may still fit.
    }
    close ??= command.options.flatMap((o) => (o.name in values ? [] : [nearMiss(o, jail)])).find((v) => v !== undefined);
    return close ? `${err.message} Did you mean \`${close}\`?` : `${err.message} Type \`jails\` for the list.`;
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
      // A full disk must not turn every command into an error; it must not go unnoticed either. A
      // store another process locked is expected, and the command said so.
      if (isStoreBusy(err)) log.warn({ err }, "audit write failed: the store is locked");
      else log.error({ err }, "audit write failed");
    }
  }
}

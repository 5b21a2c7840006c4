import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { CommandResult, Dispatcher } from "../../core/dispatch.js";
import { newIncident } from "../../core/incident.js";
import { errorReply } from "../../core/reply.js";
import type { FleetRequests } from "../../core/ports/fleet-requests.js";
import { CommandAnswerSchema, CommandRequestSchema, decodeWire, encodeWire, NAMES_MAX, NamesRequestSchema, withoutImages, type CommandAnswer, type CommandRequest, type NamesRequest } from "../wire.js";

const KEEP_MS = 24 * 3_600_000;
const PURGE_EVERY_MS = 3_600_000;

export interface ResponderDeps {
  dispatcher: Pick<Dispatcher, "runVouched">;
  requests: FleetRequests;
  /** What a command does, by name; a read's answer is not kept (running it again is harmless). */
  effectOf: (command: string) => "read" | "change" | "destructive" | undefined;
  /** Names for the front's suggestions (jails, banned addresses), read from this host's fail2ban. */
  names: (request: NamesRequest) => Promise<readonly string[]>;
  now: () => number;
  log: Logger;
}

/**
 * An agent's side of commands: each request from the front runs once through the dispatcher's
 * vouched path (the front checked the role and asks for confirmations), and whatever comes again
 * under the same request id (the front retried, NATS delivered twice, a button was clicked twice)
 * gets the first answer without running anything.
 */
export class CommandResponder {
  private readonly running = new Map<string, Promise<CommandAnswer>>();
  private lastPurge = Number.NEGATIVE_INFINITY;
  private sub: Subscription | undefined;

  constructor(private readonly deps: ResponderDeps) {}

  /** Answers the requests on `subject` (this host's command subject) until stop. */
  listen(nc: NatsConnection, subject: string): void {
    this.sub = nc.subscribe(subject, { callback: (err, msg) => (err ? this.deps.log.error({ err }, "command subscription failed") : void this.respond(nc, msg)) });
  }

  /** Takes no more requests; those under way still get their answers. */
  async stop(): Promise<void> {
    await this.sub?.drain().catch(() => undefined);
    await Promise.allSettled(this.running.values());
  }

  async answer(data: Uint8Array): Promise<CommandAnswer> {
    const decoded = decodeWire(CommandRequestSchema, data);
    if (!decoded.ok) {
      this.deps.log.warn({ error: decoded.error }, "unreadable command request");
      return refusal("unreadable", `This agent could not read the request (${decoded.error}). Are the front and this agent the same BanBot version?`);
    }
    const request = decoded.value;
    const same = this.running.get(request.id);
    if (same) return { ...(await same), repeated: true };
    this.purge();
    const claim = this.deps.requests.claim(request.id, request.line, this.deps.now());
    if (claim.state === "done") {
      const kept = decodeWire(CommandAnswerSchema, new TextEncoder().encode(claim.answer));
      if (kept.ok) return { ...kept.value, repeated: true };
      this.deps.log.error({ id: request.id, error: kept.error }, "a kept answer is unreadable");
      return { ...interrupted(request), repeated: true };
    }
    if (claim.state === "running") return interrupted(request);
    if (claim.state === "other") return refusal(request.id, "This request id was used before for another command; nothing was run.");
    const run = this.run(request);
    this.running.set(request.id, run);
    try {
      return await run;
    } finally {
      this.running.delete(request.id);
    }
  }

  private async run(request: CommandRequest): Promise<CommandAnswer> {
    const { dispatcher, requests, effectOf, log } = this.deps;
    let result: CommandResult;
    try {
      result = await dispatcher.runVouched(request.line, request.actor, { role: request.role, confirmed: request.confirmed });
    } catch (err) {
      const incident = newIncident();
      log.error({ err, incident: incident.id, id: request.id }, "fleet command failed");
      result = { reply: incident.reply, command: "", outcome: "incident" };
    }
    const answer: CommandAnswer = { v: 1, id: request.id, outcome: result.outcome, repeated: false, reply: result.reply };
    // Kept where something may have changed; forgotten where nothing ran (refused, a question, a read).
    const changed = ["ok", "error", "incident"].includes(result.outcome) && effectOf(result.command) !== "read";
    try {
      requests.finish(request.id, changed ? new TextDecoder().decode(encodeWire(answer)) : undefined);
    } catch (err) {
      log.error({ err, id: request.id }, "could not keep a fleet answer; a retry of this request would be answered as interrupted");
    }
    return answer;
  }

  private async respond(nc: NatsConnection, msg: Msg): Promise<void> {
    try {
      const names = decodeWire(NamesRequestSchema, msg.data);
      if (names.ok) {
        // A jail that is gone, or fail2ban down, suggests nothing; the command itself will say why.
        const found = await this.deps.names(names.value).catch((err: unknown) => (this.deps.log.debug({ err }, "no names for suggestions"), []));
        msg.respond(encodeWire({ v: 1, names: found.slice(0, NAMES_MAX) }));
        return;
      }
      msg.respond(fitted(await this.answer(msg.data), nc.info?.max_payload));
    } catch (err) {
      this.deps.log.error({ err }, "could not answer a fleet command");
    }
  }

  private purge(): void {
    const now = this.deps.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    this.deps.requests.purge(now - KEEP_MS);
  }
}

/** The answer's bytes, within what the server carries: charts go first, then the reply says it was too large. */
export function fitted(answer: CommandAnswer, maxPayload = Number.POSITIVE_INFINITY): Uint8Array {
  let bytes = encodeWire(answer);
  if (bytes.length <= maxPayload) return bytes;
  bytes = encodeWire({ ...answer, reply: withoutImages(answer.reply, "The chart was left out: too large for the fleet's messages.") });
  if (bytes.length <= maxPayload) return bytes;
  const text = "The answer is too large for the fleet's messages; ask for less (a page, a jail, a shorter period).";
  return encodeWire({ ...answer, reply: errorReply(text, "Answer too large") });
}

function interrupted(request: CommandRequest): CommandAnswer {
  const text = `This agent stopped while running \`${request.line}\` under this request id; it did not run it again. Check the result (\`status\`, \`ip\`, \`audit\`) before trying once more.`;
  return { v: 1, id: request.id, outcome: "interrupted", repeated: true, reply: errorReply(text, "Interrupted") };
}

function refusal(id: string, text: string): CommandAnswer {
  return { v: 1, id, outcome: "invalid", repeated: false, reply: errorReply(text, "Not run") };
}

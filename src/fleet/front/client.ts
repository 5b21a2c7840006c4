import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { errors, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { Role } from "../../core/command/model.js";
import type { Identity } from "../../core/identity.js";
import type { HostAnswer, NoAnswer } from "../../core/ports/fleet.js";
import type { FleetSubjects } from "../subjects.js";
import { CommandAnswerSchema, decodeWire, encodeWire, NamesAnswerSchema, type CommandRequest, type NamesRequest } from "../wire.js";

// A host with no listener now may be reconnecting: ask again after this, until the deadline.
const NO_RESPONDERS_RETRY_MS = 250;
const HOST = /^[A-Za-z0-9_-]{1,64}$/;

export interface FleetCommand {
  actor: Identity;
  /** The role the front found `actor` has: agents trust it (they hold no grants). */
  role: Role;
  /** The actor confirmed it here; false makes agents answer `confirm` with what would need confirming. */
  confirmed: boolean;
  /** From sending to the last answer. */
  deadlineMs: number;
  /** The request id; the same id sent again never runs twice on a host. Default a new one. */
  id?: string;
}

export interface FleetClientDeps {
  connection: () => NatsConnection | undefined;
  subjects: FleetSubjects;
  log: Logger;
}

/**
 * The front's way to run one command line on a set of hosts: every host is asked at once, and the
 * answers come back together within the deadline, each host's Reply or the reason it gave none.
 * Never waits longer than the deadline, whatever the hosts or NATS do.
 */
export class FleetClient {
  constructor(private readonly deps: FleetClientDeps) {}

  /** A fresh request id, for callers that retry under the same one. */
  static newId(): string {
    return randomBytes(12).toString("base64url");
  }

  async run(line: string, hosts: readonly string[], command: FleetCommand): Promise<HostAnswer[]> {
    const { actor, role, confirmed } = command;
    const request: CommandRequest = {
      v: 1,
      id: command.id ?? FleetClient.newId(),
      line,
      actor: { platform: actor.platform, userId: actor.userId, userName: actor.userName, channelId: actor.channelId, groups: [...actor.groups] },
      role,
      confirmed,
    };
    const payload = encodeWire(request);
    const deadline = performance.now() + command.deadlineMs;
    return await Promise.all([...new Set(hosts)].map((host) => this.ask(host, payload, deadline)));
  }

  /**
   * The names `hosts` give for suggestions, together; a host that does not answer within
   * `deadlineMs` (or answers something else: an older agent) adds none. One try, no retries.
   */
  async names(request: Omit<NamesRequest, "v">, hosts: readonly string[], deadlineMs: number): Promise<string[]> {
    const nc = this.deps.connection();
    if (!nc) return [];
    const payload = encodeWire({ v: 1, ...request });
    const each = await Promise.all(
      [...new Set(hosts)].filter((host) => HOST.test(host)).map(async (host) => {
        try {
          const answer = decodeWire(NamesAnswerSchema, (await nc.request(this.deps.subjects.command(host), payload, { timeout: deadlineMs })).data);
          return answer.ok ? answer.value.names : [];
        } catch {
          return [];
        }
      }),
    );
    return [...new Set(each.flat())];
  }

  private async ask(host: string, payload: Uint8Array, deadline: number): Promise<HostAnswer> {
    // A name with dots or wildcards would address other subjects than this host's.
    if (!HOST.test(host)) return { host, answered: false, reason: "failed", detail: "not a host name" };
    // Until it answers, a host that had no listener is reported as such, not as slow.
    let silent: NoAnswer = "timeout";
    for (;;) {
      const nc = this.deps.connection();
      if (!nc) return { host, answered: false, reason: "not_connected" };
      const left = Math.floor(deadline - performance.now());
      if (left <= 0) return { host, answered: false, reason: silent };
      try {
        const msg = await nc.request(this.deps.subjects.command(host), payload, { timeout: left });
        const answer = decodeWire(CommandAnswerSchema, msg.data);
        if (!answer.ok) {
          this.deps.log.warn({ host, error: answer.error }, "unreadable answer from an agent");
          return { host, answered: false, reason: "bad_answer", detail: answer.error };
        }
        const { outcome, repeated, reply } = answer.value;
        return { host, answered: true, outcome, repeated, reply };
      } catch (err) {
        if (isNoResponders(err)) {
          silent = "no_agent";
          await delay(Math.max(0, Math.min(NO_RESPONDERS_RETRY_MS, deadline - performance.now())));
          continue;
        }
        if (isTimeout(err)) return { host, answered: false, reason: silent };
        this.deps.log.warn({ err, host }, "fleet command not sent");
        return { host, answered: false, reason: "failed", detail: err instanceof Error ? err.message : String(err) };
      }
    }
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof errors.TimeoutError || (err instanceof errors.RequestError && err.cause instanceof errors.TimeoutError);
}

function isNoResponders(err: unknown): boolean {
  return err instanceof errors.NoRespondersError || (err instanceof errors.RequestError && err.isNoResponders());
}

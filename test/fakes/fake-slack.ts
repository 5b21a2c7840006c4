import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import type { SlackConfig } from "../../src/adapters/slack/entry.js";
import { readSlackRequest, type SlackFault, type SlackRequest } from "./fake-slack-http.js";
import { FakeSocketMode } from "./fake-slack-socket.js";

export type { SlackFault, SlackRequest } from "./fake-slack-http.js";

export const FAKE_TOKENS = { bot: "xoxb-fake-bot", app: "xapp-fake-app", signingSecret: "fake-signing-secret" } as const;

type Args = Record<string, unknown>;

/** A message in a channel, as conversations.history and conversations.replies return it. */
export interface SlackMessage {
  ts: string;
  text: unknown;
  blocks: unknown;
  thread_ts?: string;
  metadata?: unknown;
}

/**
 * Slack for tests and benchmarks, on one port of 127.0.0.1: the Web API methods BanBot calls
 * under `/api/`, response_url sinks under `/hooks/`, a files upload sink under `/upload/`, and the
 * Socket Mode WebSocket that `apps.connections.open` points at. Everything received is recorded;
 * `failNext` answers the next matching request with a fault instead. No vitest imports.
 */
export class FakeSlack {
  readonly requests: SlackRequest[] = [];
  /** Messages refused for a missing block type (see withoutBlocks) so far. */
  readonly refusedBlocks: SlackRequest[] = [];
  /** Uploaded file bytes by file ID. */
  readonly uploads = new Map<string, Buffer>();
  readonly socket: FakeSocketMode;
  /** What chat.postMessage put in each channel, oldest first. */
  readonly channels = new Map<string, SlackMessage[]>();
  private readonly faults: SlackFault[] = [];
  private readonly outages: SlackFault[] = [];
  private readonly groups = new Map<string, string[]>();
  private readonly watchers = new Set<(request: SlackRequest) => void>();
  /** Block types this workspace does not have yet; a message using one is refused whole. */
  private readonly missingBlocks = new Set<string>();
  private seq = 0;

  private constructor(private readonly server: Server) {
    this.socket = new FakeSocketMode(new WebSocketServer({ server }));
    server.on("request", (req, res) => {
      void readSlackRequest(req).then((request) => {
        this.requests.push(request);
        this.answer(request, res);
        for (const watch of this.watchers) watch(request);
      });
    });
  }

  static async start(): Promise<FakeSlack> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new FakeSlack(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** SLACK_API_URL for the bot. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** BanBot's Slack settings against this fake: HTTP mode, or Socket Mode with `"socket"`. */
  slackConfig(mode: "http" | "socket" = "http"): SlackConfig {
    return {
      botToken: FAKE_TOKENS.bot,
      appToken: mode === "socket" ? FAKE_TOKENS.app : undefined,
      signingSecret: FAKE_TOKENS.signingSecret,
      port: 0,
      apiUrl: this.apiUrl,
    };
  }

  /** The environment of a `banbot` process talking to this fake in Socket Mode. */
  socketModeEnv(): Record<string, string> {
    return { SLACK_BOT_TOKEN: FAKE_TOKENS.bot, SLACK_APP_TOKEN: FAKE_TOKENS.app, SLACK_API_URL: this.apiUrl };
  }

  /** A fresh response_url, as Slack puts one in every slash command and click. */
  responseUrl(): string {
    return `${this.url}/hooks/${++this.seq}`;
  }

  /** Web API calls of one method, oldest first. */
  calls(method: string): SlackRequest[] {
    return this.requests.filter((r) => r.path === `/api/${method}`);
  }

  /** What the bot sent to one response_url, oldest first. */
  responses(responseUrl: string): Args[] {
    const path = new URL(responseUrl).pathname;
    return this.requests.filter((r) => r.path === path).map((r) => r.args);
  }

  /** The first request from now on to `path` (e.g. a response_url's path). */
  async nextRequest(path: string, timeoutMs = 15_000): Promise<SlackRequest> {
    return await new Promise<SlackRequest>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(watch);
        reject(new Error(`FakeSlack: nothing arrived at ${path} within ${timeoutMs} ms`));
      }, timeoutMs);
      const watch = (request: SlackRequest) => {
        if (request.path !== path) return;
        clearTimeout(timer);
        this.watchers.delete(watch);
        resolve(request);
      };
      this.watchers.add(watch);
    });
  }

  setUserGroups(groups: Record<string, string[]>): void {
    this.groups.clear();
    for (const [id, users] of Object.entries(groups)) this.groups.set(id, users);
  }

  failNext(fault: SlackFault): void {
    this.faults.push(fault);
  }

  /**
   * Makes this a workspace without these block types (by default Slack's data_table and
   * data_visualization), answering a message that uses one as Slack does: `invalid_blocks` from
   * the Web API, and a 400 from a response_url. `[]` gives them back.
   */
  withoutBlocks(types: readonly string[] = ["data_table", "data_visualization"]): void {
    this.missingBlocks.clear();
    for (const type of types) this.missingBlocks.add(type);
  }

  /**
   * An outage: until the returned function is called, every request to one of `targets` (Web API
   * methods, or path prefixes such as `/api/` and `/hooks/`) gets `fault`. Socket Mode keeps working.
   */
  outage(targets: readonly string[], fault: Omit<SlackFault, "target">): () => void {
    const phase = targets.map((target) => ({ ...fault, target }));
    this.outages.push(...phase);
    return () => {
      for (const f of phase) this.outages.splice(this.outages.indexOf(f), 1);
    };
  }

  async close(): Promise<void> {
    await this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: SlackRequest, res: ServerResponse): void {
    const fault = this.takeFault(request.path);
    if (fault?.drop) {
      // Slack did the work; the answer never reaches the bot.
      this.call(request.path.replace(/^\/api\//, ""), request.args);
      request.status = 0;
      res.socket?.destroy();
      return;
    }
    if (fault) {
      request.status = fault.status ?? 200;
      res.writeHead(request.status, { "content-type": "application/json", ...fault.headers });
      res.end(JSON.stringify({ ok: false, error: fault.error ?? "fault_injected" }));
      return;
    }
    if (this.usesMissingBlock(request)) {
      this.refusedBlocks.push(request);
      const hook = request.path.startsWith("/hooks/");
      request.status = hook ? 400 : 200;
      res.writeHead(request.status, { "content-type": hook ? "text/plain" : "application/json" });
      res.end(hook ? "invalid_blocks" : JSON.stringify({ ok: false, error: "invalid_blocks", errors: ["unsupported block type"] }));
      return;
    }
    request.status = 200;
    if (request.path.startsWith("/hooks/") || request.path.startsWith("/upload/")) {
      if (request.path.startsWith("/upload/")) this.uploads.set(request.path.slice("/upload/".length), request.raw);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      return;
    }
    const method = request.path.replace(/^\/api\//, "");
    const token = (request.headers.authorization ?? "").replace(/^Bearer /, "");
    const wanted = method === "apps.connections.open" ? FAKE_TOKENS.app : FAKE_TOKENS.bot;
    const body = token === wanted ? this.call(method, request.args) : { ok: false, error: "invalid_auth" };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private call(method: string, args: Args): Args {
    const channel = typeof args.channel === "string" ? args.channel : "C0TEST";
    switch (method) {
      case "auth.test":
        return { ok: true, url: `${this.url}/`, team: "Fake", user: "banbot", team_id: "T0FAKE", user_id: "U0BOT", bot_id: "B0BOT" };
      case "chat.postMessage": {
        const thread = typeof args.thread_ts === "string" ? { thread_ts: args.thread_ts } : {};
        const message: SlackMessage = { ts: this.ts(), text: args.text, blocks: args.blocks, ...thread, ...(args.metadata ? { metadata: args.metadata } : {}) };
        this.channels.set(channel, [...(this.channels.get(channel) ?? []), message]);
        return { ok: true, channel, ts: message.ts, message };
      }
      case "conversations.history":
      case "conversations.replies":
        return { ok: true, messages: this.history(channel, args, method === "conversations.replies") };
      case "chat.update":
        return { ok: true, channel, ts: args.ts, text: args.text };
      case "usergroups.list":
        return { ok: true, usergroups: [...this.groups].map(([id, users]) => ({ id, handle: id.toLowerCase(), users })) };
      case "files.getUploadURLExternal": {
        const id = `F0${++this.seq}`;
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal":
        return { ok: true, files: Array.isArray(args.files) ? args.files : [] };
      case "apps.connections.open":
        return { ok: true, url: `ws://${this.url.slice("http://".length)}/link/?ticket=fake` };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  private usesMissingBlock(request: SlackRequest): boolean {
    const blocks = request.args.blocks;
    return Array.isArray(blocks) && blocks.some((b) => this.missingBlocks.has(String((b as { type?: unknown }).type)));
  }

  // Seconds of the wall clock, made unique per message as Slack's are.
  private ts(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, "0")}`;
  }

  /** Newest first, after `oldest`, at most `limit`: the channel's top level, or one thread. */
  private history(channel: string, args: Args, thread: boolean): SlackMessage[] {
    const oldest = Number(args.oldest ?? 0);
    const all = this.channels.get(channel) ?? [];
    const wanted = thread ? all.filter((m) => m.ts === args.ts || m.thread_ts === args.ts) : all.filter((m) => m.thread_ts === undefined);
    const shown = wanted.filter((m) => Number(m.ts) > oldest).map((m) => (args.include_all_metadata === true || args.include_all_metadata === "true" ? m : { ...m, metadata: undefined }));
    return (thread ? shown : shown.reverse()).slice(0, Number(args.limit ?? 100));
  }

  private takeFault(path: string): SlackFault | undefined {
    const matches = (f: SlackFault) => path === `/api/${f.target}` || (f.target.startsWith("/") && path.startsWith(f.target));
    const i = this.faults.findIndex(matches);
    return i < 0 ? this.outages.find(matches) : this.faults.splice(i, 1)[0];
  }
}

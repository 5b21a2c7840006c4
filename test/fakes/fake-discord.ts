import { EventEmitter } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { readRequest, snowflakes, type Fault, type RecordedRequest } from "./fake-discord-http.js";
import { componentsRefusal } from "./fake-discord-v2.js";
import { guildCreate, messageJson, ready, type FakeGuild } from "./fake-discord-payloads.js";

export type { RecordedRequest } from "./fake-discord-http.js";

/**
 * Discord for tests and benchmarks: REST under `/api/v10` and the gateway WebSocket on one port of
 * 127.0.0.1, enough for a real discord.js Client to log in, receive interactions and answer them.
 * Every REST request is recorded; `failNext` answers the next matching one with a fault instead.
 * No vitest imports: the benchmarks use it too.
 */
export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Registered commands by route (`/applications/A/commands` or `…/guilds/G/commands`). */
  readonly commands = new Map<string, unknown[]>();
  readonly id = snowflakes();
  private readonly events = new EventEmitter();
  private readonly faults: Fault[] = [];
  private readonly threads = new Set<string>();
  /** Flags of the messages an edit may change: channel messages by ID, interaction originals by token. */
  private readonly flagsOf = new Map<string, number>();
  /** Messages created per channel (thread channels included), oldest first. */
  readonly messages = new Map<string, { id: string; nonce?: string; body: Record<string, unknown> | undefined; at: number }[]>();
  // Discord remembers a nonce "for the past few minutes" per author; the fake, five.
  private readonly nonces = new Map<string, { id: string; at: number }>();
  private readonly sockets = new Set<WebSocket>();
  private gateway: WebSocket | undefined;
  private seq = 0;
  /** Gateway upgrades accepted over TCP but never answered (see `stallHandshakes`), or undefined: answered. */
  private stalled: Socket[] | undefined;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly guild: FakeGuild,
  ) {
    this.events.setMaxListeners(0);
    server.on("request", (req, res) => {
      void readRequest(req).then((request) => this.answer(request, res));
    });
    wss.on("connection", (ws) => this.connect(ws));
    server.on("upgrade", (req, socket: Socket, head) => {
      if (!this.stalled) return wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
      this.stalled.push(socket);
      this.events.emit("stalled");
    });
  }

  static async start(guild: FakeGuild): Promise<FakeDiscord> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new FakeDiscord(server, wss, guild);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** DISCORD_API_URL for the bot. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** The environment of a `banbot` process talking to this fake (commands registered in its guild). */
  env(): Record<string, string> {
    return { DISCORD_TOKEN: "fake-bot-token", DISCORD_APPLICATION_ID: this.guild.applicationId, DISCORD_GUILD_ID: this.guild.id, DISCORD_API_URL: `${this.apiUrl}/` };
  }

  failNext(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Discord's few minutes have passed: no create's nonce is remembered any more. */
  forgetNonces(): void {
    this.nonces.clear();
  }

  /** A one-shot 429 as Discord sends it; @discordjs/rest waits `seconds` and retries. */
  rateLimitNext(method: string, path: RegExp, seconds: number): void {
    this.failNext({
      method,
      path,
      status: 429,
      body: { message: "You are being rate limited.", retry_after: seconds, global: false },
      headers: { "retry-after": String(seconds), "x-ratelimit-scope": "user", "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": String(seconds) },
    });
  }

  /** Sends a gateway dispatch (op 0), e.g. INTERACTION_CREATE. */
  dispatch(t: string, d: unknown): void {
    if (!this.gateway) throw new Error("FakeDiscord: no gateway connection yet");
    // A component's interaction edits the message it is on; a command's, the reply it makes.
    const interaction = d as { token?: string; message?: { flags?: number } };
    if (t === "INTERACTION_CREATE" && interaction.token) this.flagsOf.set(`token:${interaction.token}`, interaction.message?.flags ?? 0);
    this.gateway.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  /** The first request (recorded so far or later) that matches. */
  async request(match: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    const seen = this.requests.find(match);
    if (seen) return seen;
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off("request", listener);
        const log = this.requests.map((r) => `${r.method} ${r.path}`).join("\n  ");
        reject(new Error(`FakeDiscord: no matching request within ${timeoutMs} ms; got:\n  ${log}`));
      }, timeoutMs);
      const listener = (r: RecordedRequest) => {
        if (!match(r)) return;
        clearTimeout(timer);
        this.events.off("request", listener);
        resolve(r);
      };
      this.events.on("request", listener);
    });
  }

  /** A message the bot posted earlier (say an alert of an older BanBot), made through the REST route. */
  async postAsBot(channel: string, body: Record<string, unknown>): Promise<{ platform: "discord"; channel: string; id: string }> {
    const res = await fetch(`${this.apiUrl}/v10/channels/${channel}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { platform: "discord", channel, id: ((await res.json()) as { id: string }).id };
  }

  /**
   * The gateway drops its connections and then leaves every new one in its WebSocket handshake (TCP
   * accepted, no 101): discord.js is reconnecting, its connection CONNECTING, until `failStalled`.
   */
  stallHandshakes(): void {
    this.stalled = [];
    for (const ws of this.sockets) ws.terminate();
  }

  /** Resolves once a reconnect is held in its handshake. */
  async handshakeStalled(): Promise<void> {
    if (this.stalled?.length) return;
    await new Promise((resolve) => this.events.once("stalled", resolve));
  }

  /** The held handshakes fail: their sockets close without an answer ("socket hang up" for ws). New ones are still held. */
  failStalled(): void {
    for (const socket of this.stalled ?? []) socket.destroy();
    this.stalled = [];
  }

  async close(): Promise<void> {
    this.failStalled();
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Why Discord would refuse what this request sends, keeping the flags of what it accepts. */
  private refusal(route: Route, request: Omit<RecordedRequest, "fault">, raw: Record<string, unknown> | undefined): string | undefined {
    const message = messageOf(route, raw);
    if (!message) return undefined;
    const before = message.edit && message.key ? (this.flagsOf.get(message.key) ?? 0) : 0;
    const refused = componentsRefusal(message.body, { before, files: request.files.map((f) => f.name) });
    if (refused) return refused;
    const flags = (typeof message.body.flags === "number" ? message.body.flags : 0) | before;
    if (message.key) this.flagsOf.set(message.key, flags);
    return undefined;
  }

  private connect(ws: WebSocket): void {
    this.gateway = ws;
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, s: null, t: null, d: { heartbeat_interval: 41_250 } }));
    ws.on("message", (data: Buffer) => {
      const packet = JSON.parse(data.toString("utf8")) as { op: number };
      if (packet.op === 1) ws.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
      if (packet.op !== 2) return;
      this.dispatch("READY", ready(this.guild, `ws://127.0.0.1:${this.port}`));
      this.dispatch("GUILD_CREATE", guildCreate(this.guild));
    });
  }

  private answer(request: Omit<RecordedRequest, "fault">, res: ServerResponse): void {
    const fault = this.faults.findIndex((f) => (f.method ?? request.method) === request.method && f.path.test(request.path));
    const recorded: RecordedRequest = { ...request, fault: fault >= 0 };
    this.requests.push(recorded);
    this.events.emit("request", recorded);
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      if (f!.drop) {
        // Discord did the work; the answer never reaches the bot.
        this.route(request);
        res.socket?.destroy();
        return;
      }
      return json(res, f!.status, f!.body ?? { message: "fault", code: 0 }, f!.headers);
    }
    const { status, body, headers } = this.route(request);
    json(res, status, body, headers);
  }

  private route(request: Omit<RecordedRequest, "fault">): Answer {
    const route = routeOf(request.method, request.path.replace(/^\/api\/v10/, ""));
    const body = request.body as Record<string, unknown> | undefined;
    const refused = route && this.refusal(route, request, body);
    if (refused) return answer(400, { message: "Invalid Form Body", code: 50035, errors: { components: { _errors: [{ code: "BASE_TYPE_INVALID", message: refused }] } } });
    switch (route?.name) {
      case "gateway":
        return answer(200, { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
      case "callback":
      case "delete-original":
        return answer(204);
      case "edit-original":
      case "follow-up":
        return answer(200, messageJson(this.id(), this.guild.channelId, this.guild.bot, body));
      case "commands-get":
        return answer(200, this.commands.get(route.path) ?? []);
      case "commands-put": {
        const list = (request.body as Record<string, unknown>[]).map((c) => ({ ...c, id: this.id(), application_id: this.guild.applicationId, version: this.id() }));
        this.commands.set(route.path, list);
        return answer(200, list);
      }
      case "message-create": {
        const created = this.create(route.channel!, body);
        this.flagsOf.set(`message:${created.id}`, typeof body?.flags === "number" ? body.flags : 0);
        return answer(200, created);
      }
      case "message-edit":
        return answer(200, messageJson(route.message!, route.channel!, this.guild.bot, body));
      case "messages-list":
        return answer(200, this.list(route.channel!, request.query));
      case "thread-create":
        if (this.threads.has(route.message!)) return answer(400, { message: "A thread has already been created for this message", code: 160004 });
        this.threads.add(route.message!);
        return answer(201, { id: route.message, type: 11, parent_id: route.channel, guild_id: this.guild.id, name: body?.name });
      default:
        return answer(404, { message: "404: Not Found", code: 0 });
    }
  }

  /** A new message, or with enforce_nonce the one made for the same nonce within five minutes. */
  private create(channel: string, body: Record<string, unknown> | undefined) {
    const nonce = typeof body?.nonce === "string" ? body.nonce : undefined;
    const known = nonce !== undefined && body?.enforce_nonce === true ? this.nonces.get(`${channel}:${nonce}`) : undefined;
    if (known && Date.now() - known.at < 5 * 60_000) return messageJson(known.id, channel, this.guild.bot, body);
    const id = this.id();
    if (nonce !== undefined) this.nonces.set(`${channel}:${nonce}`, { id, at: Date.now() });
    this.messages.set(channel, [...(this.messages.get(channel) ?? []), { id, nonce, body, at: Date.now() }]);
    return messageJson(id, channel, this.guild.bot, body);
  }

  /**
   * GET a channel's messages, newest first, as Discord lists them: `after` a message ID (a snowflake,
   * so a moment: IDs grow with time), at most `limit` (50 by default, 100 at most). A nonce is not
   * kept with a message: the list never shows one.
   */
  private list(channel: string, query: URLSearchParams) {
    const after = query.get("after");
    const since = after === null ? 0 : Number((BigInt(after) >> 22n) + DISCORD_EPOCH);
    const limit = Math.min(100, Number(query.get("limit") ?? 50));
    return (this.messages.get(channel) ?? [])
      .filter((m) => m.at > since)
      .reverse()
      .slice(0, limit)
      .map((m) => messageJson(m.id, channel, this.guild.bot, m.body));
  }
}

/** The message a request creates or edits: its body, and the key under which its flags are kept. */
function messageOf(route: Route, body: Record<string, unknown> | undefined): { body: Record<string, unknown>; key?: string; edit: boolean } | undefined {
  if (!body) return undefined;
  switch (route.name) {
    case "callback": {
      // 4: a reply (the interaction's original), 7: an update of the component's message.
      if (body.type !== 4 && body.type !== 7) return undefined;
      return { body: (body.data ?? {}) as Record<string, unknown>, key: `token:${route.token}`, edit: body.type === 7 };
    }
    case "edit-original":
      return { body, key: `token:${route.token}`, edit: true };
    case "follow-up":
      return { body, edit: false };
    case "message-create":
      return { body, edit: false };
    case "message-edit":
      return { body, key: `message:${route.message}`, edit: true };
    default:
      return undefined;
  }
}

// Snowflakes count milliseconds from the first second of 2015.
const DISCORD_EPOCH = 1_420_070_400_000n;

type Route = { name: string; path: string; channel?: string; message?: string; token?: string };
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const answer = (status: number, body?: unknown, headers?: Record<string, string>): Answer => ({ status, body, headers });

function routeOf(method: string, path: string): Route | undefined {
  const table: [string, RegExp, string][] = [
    ["GET", /^\/gateway\/bot$/, "gateway"],
    ["POST", /^\/interactions\/\d+\/(?<token>[^/]+)\/callback$/, "callback"],
    ["PATCH", /^\/webhooks\/\d+\/(?<token>[^/]+)\/messages\/@original$/, "edit-original"],
    ["DELETE", /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, "delete-original"],
    ["POST", /^\/webhooks\/\d+\/[^/]+$/, "follow-up"],
    ["GET", /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/, "commands-get"],
    ["PUT", /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/, "commands-put"],
    ["POST", /^\/channels\/(?<channel>\d+)\/messages$/, "message-create"],
    ["GET", /^\/channels\/(?<channel>\d+)\/messages$/, "messages-list"],
    ["PATCH", /^\/channels\/(?<channel>\d+)\/messages\/(?<message>\d+)$/, "message-edit"],
    ["POST", /^\/channels\/(?<channel>\d+)\/messages\/(?<message>\d+)\/threads$/, "thread-create"],
  ];
  for (const [m, re, name] of table) {
    const match = m === method ? re.exec(path) : null;
    if (match) return { name, path, channel: match.groups?.channel, message: match.groups?.message, token: match.groups?.token };
  }
  return undefined;
}

function json(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

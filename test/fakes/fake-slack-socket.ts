import type { WebSocket, WebSocketServer } from "ws";

export interface SocketAck {
  envelope_id: string;
  /** The acknowledgement's body, if the bot sent one. */
  payload?: unknown;
  /** performance.now() when it arrived. */
  at: number;
}

export type EnvelopeType = "slash_commands" | "interactive";

/**
 * Slack's side of Socket Mode: greets a connecting bot with `hello`, pushes envelopes to it and
 * resolves each with the bot's acknowledgement. Pings every few seconds as Slack does, or the
 * client would decide the connection is dead and reconnect mid-test.
 */
export class FakeSocketMode {
  private readonly sockets = new Set<WebSocket>();
  private readonly waiting = new Map<string, (ack: SocketAck) => void>();
  private readonly onConnect: (() => void)[] = [];
  private seq = 0;

  constructor(private readonly wss: WebSocketServer) {
    wss.on("connection", (ws) => this.connect(ws));
  }

  /** Resolves once a bot is connected (at once if one is). */
  async connected(): Promise<void> {
    if (this.sockets.size > 0) return;
    await new Promise<void>((resolve) => this.onConnect.push(resolve));
  }

  /**
   * Sends an envelope to the connected bot; resolves with its acknowledgement. `retryAttempt`
   * marks a redelivery, as Slack sends one it thinks was lost (same payload, new envelope).
   */
  async send(type: EnvelopeType, payload: unknown, { retryAttempt = 0 } = {}): Promise<SocketAck> {
    const ws = [...this.sockets].at(-1);
    if (!ws) throw new Error("FakeSocketMode: no bot is connected");
    const envelope_id = `env-${++this.seq}`;
    const acked = new Promise<SocketAck>((resolve) => this.waiting.set(envelope_id, resolve));
    const retry = retryAttempt > 0 ? { retry_attempt: retryAttempt, retry_reason: "timeout" } : {};
    ws.send(JSON.stringify({ envelope_id, type, accepts_response_payload: true, payload, ...retry }));
    return await acked;
  }

  /** Cuts every connection, as a network failure or Slack's side going away does. */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** Waits for the bot to hang up (after app.stop()), then closes the server. */
  async close(): Promise<void> {
    const open = [...this.sockets].map((ws) => new Promise<void>((resolve) => ws.once("close", () => resolve())));
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([Promise.all(open), deadline]);
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private connect(ws: WebSocket): void {
    this.sockets.add(ws);
    const pinger = setInterval(() => ws.ping(), 5000);
    ws.on("close", () => {
      clearInterval(pinger);
      this.sockets.delete(ws);
    });
    ws.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString("utf8")) as { envelope_id?: string; payload?: unknown };
      const resolve = frame.envelope_id === undefined ? undefined : this.waiting.get(frame.envelope_id);
      if (resolve && frame.envelope_id) {
        this.waiting.delete(frame.envelope_id);
        resolve({ envelope_id: frame.envelope_id, payload: frame.payload, at: performance.now() });
      }
    });
    ws.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake", approximate_connection_time: 18060 }, connection_info: { app_id: "A0FAKE" } }));
    for (const resolve of this.onConnect.splice(0)) resolve();
  }
}

import { DeliveryError, type ChatAdapter, type PostedMessage } from "../../src/core/chat.js";
import type { Reply } from "../../src/core/reply.js";

interface Post {
  channel: string;
  reply: Reply;
  followUpOf?: PostedMessage;
  replace?: PostedMessage;
  id: string;
}

/** An in-memory chat platform: records posts, and can be told to fail the next ones. */
export class FakeChatAdapter implements ChatAdapter {
  readonly platform = "slack";
  readonly posts: Post[] = [];
  private failures: (Error | undefined)[] = [];
  private seq = 0;

  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  rateLimitNext(retryAfterMs: number): void {
    this.failNext(new DeliveryError("rate limited", { retryAfterMs }));
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  post(channel: string, reply: Reply, opts: { followUpOf?: PostedMessage; replace?: PostedMessage } = {}): Promise<PostedMessage> {
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    const id = opts.replace?.id ?? `m${++this.seq}`;
    this.posts.push({ channel, reply, ...opts, id });
    return Promise.resolve({ platform: this.platform, channel, id, thread: opts.followUpOf ? (opts.followUpOf.thread ?? opts.followUpOf.id) : undefined });
  }
}

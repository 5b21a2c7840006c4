import { DeliveryError, type ChatAdapter, type PostedMessage, type PostOptions } from "../../core/chat.js";
import type { Reply } from "../../core/reply.js";

/**
 * The console as a place alerts are posted to (the demo's; `banbot console` runs no jobs), so a
 * spike alert and its buttons show up there exactly as they would in a channel: through the router,
 * the outbox and the delivery job. While no console is open, posts wait in the outbox.
 */
export class ConsoleChat implements ChatAdapter {
  readonly platform = "console";
  private show: ((reply: Reply) => void) | undefined;
  private posted = 0;

  /** Where posts go from now on; returns the function that stops it. */
  attach(show: (reply: Reply) => void): () => void {
    this.show = show;
    return () => {
      if (this.show === show) this.show = undefined;
    };
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.show = undefined;
    return Promise.resolve();
  }

  post(channel: string, reply: Reply, opts: PostOptions = {}): Promise<PostedMessage> {
    if (!this.show) return Promise.reject(new DeliveryError("the console is not open"));
    // A terminal cannot edit what it printed: an update or a follow-up is printed again, saying so.
    const what = opts.replace ? "Update: " : opts.followUpOf ? "Follow-up: " : "";
    this.show({ ...reply, title: `${what}${reply.title}` });
    this.posted++;
    return Promise.resolve({ platform: "console", channel, id: String(this.posted) });
  }
}

import type { Logger } from "pino";
import type { Core } from "../compose.js";
import type { ChatAdapter } from "../core/chat.js";

export interface StartDeps {
  core: Core;
  adapters: ChatAdapter[];
  log: Logger;
  /** Resolves when the process should shut down (SIGTERM/SIGINT in production). */
  stopSignal: Promise<string>;
}

/** `banbot start`: adapters up in order, run until told to stop, then down in reverse order. */
export async function runStart({ core, adapters, log, stopSignal }: StartDeps): Promise<number> {
  const started: ChatAdapter[] = [];
  try {
    for (const adapter of adapters) {
      await adapter.start();
      started.push(adapter);
      log.info({ platform: adapter.platform }, "chat adapter started");
    }
    log.info({ adapters: adapters.map((a) => a.platform), host: core.services.host }, "BanBot started");
    const signal = await stopSignal;
    log.info({ signal }, "shutting down");
    return 0;
  } finally {
    for (const adapter of started.reverse()) {
      await adapter.stop().catch((err: unknown) => log.error({ err, platform: adapter.platform }, "adapter stop failed"));
    }
  }
}

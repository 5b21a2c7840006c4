import { afterAll, beforeAll } from "vitest";
import { startNatsServer, type NatsServer } from "./nats-server.js";
import { useTempDir } from "./temp-dir.js";

export { startNatsServer, type NatsServer } from "./nats-server.js";

/** One nats-server for the enclosing describe, stopped after it; `config` gets its directory. */
export function useNats(opts: { config?: (dir: string) => string } = {}): { readonly server: NatsServer; readonly dir: string } {
  const tmp = useTempDir("bbnats-");
  let server: NatsServer | undefined;
  beforeAll(async () => {
    server = await startNatsServer({ dir: tmp.path, config: opts.config?.(tmp.path) });
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server(): NatsServer {
      if (!server) throw new Error("useNats: the server is only available inside tests and hooks");
      return server;
    },
    get dir() {
      return tmp.path;
    },
  };
}

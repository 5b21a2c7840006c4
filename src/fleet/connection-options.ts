import { nkeyAuthenticator, usernamePasswordAuthenticator, type ConnectionOptions } from "@nats-io/transport-node";
import { fromSeed } from "@nats-io/nkeys";
import type { Config } from "../config.js";
import { UserError } from "../core/errors.js";
import { fleetSubjects } from "./subjects.js";

/** Who connects: the front (chat side) or the agent of one host. */
export type FleetRole = { kind: "front" } | { kind: "agent"; host: string };

/**
 * NATS connection options from the fleet's config: servers, credentials read from their files now
 * (a missing or unreadable file is a config error, said once at startup), TLS, and an inbox of this
 * process's own, so the server can keep each agent's replies away from the others.
 */
export function fleetConnectionOptions(fleet: Config["fleet"] & { url: string }, role: FleetRole, readFile: (path: string) => string): ConnectionOptions {
  const subjects = fleetSubjects(fleet.name);
  const secret = (key: string, path: string) => {
    try {
      return readFile(path).trim();
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new UserError("config_invalid", `fleet.${key}: cannot read ${path} (${reason}): check the path and that BanBot's user may read it`, { cause: err });
    }
  };
  const { auth, tls } = fleet;
  let authenticator: ConnectionOptions["authenticator"];
  if (auth.kind === "nkey") {
    const seed = new TextEncoder().encode(secret("nkey_seed_file", auth.seedFile));
    try {
      fromSeed(seed);
    } catch (err) {
      throw new UserError("config_invalid", `fleet.nkey_seed_file: ${auth.seedFile} holds no nkey seed (a line starting SU…, as banbot fleet-config writes it)`, { cause: err });
    }
    authenticator = nkeyAuthenticator(seed);
  } else if (auth.kind === "user") {
    authenticator = usernamePasswordAuthenticator(auth.user, secret("password_file", auth.passwordFile));
  }
  const wantsTls = tls !== undefined || fleet.url.split(",").some((u) => u.startsWith("tls://"));
  return {
    servers: fleet.url.split(","),
    name: role.kind === "front" ? "banbot-front" : `banbot-agent-${role.host}`,
    inboxPrefix: role.kind === "front" ? subjects.frontInbox : subjects.agentInbox(role.host),
    ...(authenticator ? { authenticator } : {}),
    ...(wantsTls ? { tls: { ...(tls?.caFile ? { caFile: tls.caFile } : {}), ...(tls?.certFile ? { certFile: tls.certFile, keyFile: tls.keyFile } : {}) } } : {}),
    // A handshake that takes longer is a server that is not there: try again rather than hang.
    timeout: 5_000,
    // Once connected, never give up: an agent outlives any NATS outage, and says so in its log.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 2_000,
  };
}

import { fleetSubjects, type FleetSubjects } from "./subjects.js";

export interface Permissions {
  publish: string[];
  subscribe: string[];
  /** May answer the requests it receives (and nothing else on other inboxes). */
  allowResponses: boolean;
}

/**
 * The front: sends commands to every host, hears every heartbeat, and manages the fleet's stream
 * and its own consumer on it (JetStream's API by subject, for that stream only). It cannot publish
 * events: an alert always comes from the host whose credentials sent it.
 */
export function frontPermissions(s: FleetSubjects): Permissions {
  const consumer = `${s.stream}.${s.consumer}`;
  return {
    publish: [
      s.commands,
      "$JS.API.INFO",
      `$JS.API.STREAM.INFO.${s.stream}`,
      `$JS.API.STREAM.CREATE.${s.stream}`,
      `$JS.API.CONSUMER.INFO.${consumer}`,
      `$JS.API.CONSUMER.CREATE.${consumer}`,
      `$JS.API.CONSUMER.CREATE.${consumer}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${consumer}`,
      `$JS.API.CONSUMER.MSG.NEXT.${consumer}`,
      `$JS.ACK.${consumer}.>`,
    ],
    subscribe: [s.heartbeats, `${s.frontInbox}.>`],
    allowResponses: false,
  };
}

/** One agent: hears its own commands only, publishes its own events and heartbeats only. */
export function agentPermissions(s: FleetSubjects, host: string): Permissions {
  return {
    publish: [s.eventsOf(host), s.heartbeat(host)],
    subscribe: [s.command(host), `${s.agentInbox(host)}.>`],
    allowResponses: true,
  };
}

export interface ServerConfigInput {
  fleet: string;
  /** Public nkeys (U…): the server's config holds no secret. */
  frontKey: string;
  agents: readonly { host: string; key: string }[];
  /** host:port; default 0.0.0.0:4222. */
  listen?: string;
  /** Where JetStream keeps the stream; default /var/lib/nats. */
  storeDir?: string;
}

/** A least-privilege nats-server configuration for one fleet, nkey users only. */
export function natsServerConfig(input: ServerConfigInput): string {
  const s = fleetSubjects(input.fleet);
  const q = (text: string) => JSON.stringify(text);
  const user = (comment: string, key: string, p: Permissions) =>
    [
      `    # ${comment}`,
      "    {",
      `      nkey: ${q(key)}`,
      "      permissions: {",
      `        publish: { allow: [${p.publish.map(q).join(", ")}] }`,
      `        subscribe: { allow: [${p.subscribe.map(q).join(", ")}] }`,
      ...(p.allowResponses ? ["        allow_responses: true"] : []),
      "      }",
      "    }",
    ].join("\n");
  return [
    `# nats-server configuration for the BanBot fleet "${input.fleet}", written by \`banbot fleet-config\`.`,
    "# Least privilege: only the front sends commands; each agent hears only its own commands and",
    "# publishes only its own events and heartbeats. Add a tls { } block for TLS (docs/fleet.md).",
    `listen: ${q(input.listen ?? "0.0.0.0:4222")}`,
    "jetstream {",
    `  store_dir: ${q(input.storeDir ?? "/var/lib/nats")}`,
    "}",
    "authorization {",
    "  users: [",
    user("the front: banbot start, exec and console", input.frontKey, frontPermissions(s)),
    ...input.agents.map((a) => user(`agent ${a.host}`, a.key, agentPermissions(s, a.host))),
    "  ]",
    "}",
    "",
  ].join("\n");
}

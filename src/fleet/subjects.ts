// The NATS names of one fleet. The fleet's name and host names are single subject tokens (the
// config checks them), so a subject's host is always its fourth token and permissions can name it.

export interface FleetSubjects {
  /** Request/reply: commands for one host; only the front may publish here, only that host listen. */
  command(host: string): string;
  /** Every host's command subject, for the front's permissions. */
  commands: string;
  /** One host's alerts, in the JetStream stream. */
  alert(host: string): string;
  /** One host's bans by fail2ban's filters, in the JetStream stream. */
  bans(host: string): string;
  /** Everything one host may publish to the stream. */
  eventsOf(host: string): string;
  /** The stream's subjects. */
  events: string;
  heartbeat(host: string): string;
  heartbeats: string;
  /** Where replies to a process's requests (and JetStream's acks) go: private to its credentials. */
  agentInbox(host: string): string;
  frontInbox: string;
  /** The JetStream stream of the fleet's events, and the front's durable consumer on it. */
  stream: string;
  consumer: string;
  /** The host named by an event or heartbeat subject of this fleet; undefined for any other subject. */
  hostOf(subject: string): string | undefined;
}

export function fleetSubjects(fleet: string): FleetSubjects {
  const root = `banbot.${fleet}`;
  return {
    command: (host) => `${root}.cmd.${host}`,
    commands: `${root}.cmd.*`,
    alert: (host) => `${root}.evt.${host}.alert`,
    bans: (host) => `${root}.evt.${host}.bans`,
    eventsOf: (host) => `${root}.evt.${host}.>`,
    events: `${root}.evt.>`,
    heartbeat: (host) => `${root}.hb.${host}`,
    heartbeats: `${root}.hb.*`,
    agentInbox: (host) => `${root}.inbox.agent.${host}`,
    frontInbox: `${root}.inbox.front`,
    stream: `BANBOT_${fleet}`,
    consumer: "front",
    hostOf(subject) {
      const tokens = subject.split(".");
      if (tokens[0] !== "banbot" || tokens[1] !== fleet || (tokens[2] !== "evt" && tokens[2] !== "hb")) return undefined;
      return tokens[3] || undefined;
    },
  };
}

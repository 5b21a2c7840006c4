import { z } from "zod";
import { duration, list } from "./schema-parts.js";

// Names become single tokens of NATS subjects (banbot.<fleet>.cmd.<host>): no dots, spaces or wildcards.
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const NAME_HINT = "expected a name of letters, digits, - and _ (it becomes part of NATS subjects: no dots, spaces or wildcards)";
/** Words of the `on …` grammar: they cannot name a host or a group. */
export const RESERVED_TARGETS = ["all", "everywhere"] as const;

const name = z.string().regex(NAME, NAME_HINT);
const hostName = name.refine((h) => !(RESERVED_TARGETS as readonly string[]).includes(h), `"all" and "everywhere" are words of \`on …\`, not host names`);
const file = z.string().min(1);

/** BANBOT_HOST's shape, shared with the environment's schema. */
export const fleetHostName = hostName;

// Cross-field checks would only repeat what a misspelt key already explains.
const noIssuesYet = (payload: z.core.ParsePayload) => payload.issues.length === 0;

const SeenAcrossSchema = z
  .strictObject({
    hosts: z.int().min(2, "at least 2 hosts: one host's bans are its own alerts").max(1_000).default(3).describe("how many hosts must ban one address within `window`; default 3"),
    window: duration({ ms: 60_000, text: "1m" }, { ms: 86_400_000, text: "1d" }).default(600_000).describe("the window those bans fall in; default 10m"),
  })
  .transform((s) => ({ hosts: s.hosts, windowMs: s.window }))
  .prefault({})
  .describe("the front's \"seen across the fleet\" alert: an address fail2ban's filters banned on this many hosts within this window, with a Ban everywhere button");

const TlsSchema = z
  .strictObject({
    ca_file: file.optional().describe("PEM file of the CA that signed the NATS server's certificate; default the system's CAs"),
    cert_file: file.optional().describe("this process's client certificate (PEM), where the server asks for one (with key_file)"),
    key_file: file.optional().describe("the client certificate's private key (PEM)"),
  })
  .refine((t) => (t.cert_file === undefined) === (t.key_file === undefined), { message: "cert_file and key_file go together", when: noIssuesYet })
  .transform((t) => ({ caFile: t.ca_file, certFile: t.cert_file, keyFile: t.key_file }))
  .describe("TLS to the NATS server (a tls:// URL needs it): present means required");

export const FleetSchema = z
  .strictObject({
    name: name.default("banbot").describe("the fleet's name: part of every NATS subject (banbot.<name>.…) and of its JetStream stream, so one NATS server can carry several fleets"),
    hosts: list(hostName).describe("the agents (their BANBOT_HOST) the front expects: `all` means these, and one that does not answer is named; empty: the hosts whose heartbeats arrive"),
    groups: z
      .record(name, z.array(hostName).min(1, "list at least one host"))
      .default({})
      .describe("named sets of hosts for `on <group>`, e.g. `web: [web1, web2]`"),
    default_target: z.string().default("all").describe("where a command without `on …` runs: `all`, a group, a host, or several joined by commas"),
    user: z.string().min(1).optional().describe("NATS user name, with password_file"),
    password_file: file.optional().describe("file holding the NATS user's password (keep it 0600)"),
    nkey_seed_file: file.optional().describe("file holding this process's NATS nkey seed (SU…), as `banbot fleet-config` writes it; instead of user/password"),
    tls: TlsSchema.optional(),
    deadline: duration({ ms: 1_000, text: "1s" }, { ms: 300_000, text: "5m" })
      .default(10_000)
      .describe("how long the front waits for agents' answers before naming the hosts that did not answer; default 10s"),
    heartbeat: duration({ ms: 1_000, text: "1s" }, { ms: 300_000, text: "5m" })
      .default(10_000)
      .describe("how often an agent says it is alive; the front calls it gone after three missed; default 10s"),
    seen_across: SeenAcrossSchema,
  })
  .superRefine((f, ctx) => {
    if (ctx.issues?.length) return;
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if ((f.user === undefined) !== (f.password_file === undefined)) issue([f.user === undefined ? "user" : "password_file"], "user and password_file go together");
    if (f.user !== undefined && f.nkey_seed_file !== undefined) issue(["nkey_seed_file"], "use either user/password_file or nkey_seed_file, not both");
    const hosts = new Set(f.hosts);
    for (const [group, members] of Object.entries(f.groups)) {
      if ((RESERVED_TARGETS as readonly string[]).includes(group)) issue(["groups", group], `"${group}" is a word of \`on …\`, not a group name`);
      else if (hosts.has(group)) issue(["groups", group], `"${group}" is a host too: a group needs a name of its own`);
      const unknown = hosts.size === 0 ? [] : members.filter((h) => !hosts.has(h));
      if (unknown.length > 0) issue(["groups", group], `not in fleet.hosts: ${unknown.join(", ")}`);
    }
    for (const target of f.default_target.split(",")) {
      const known = target === "all" || target in f.groups || hosts.has(target) || (hosts.size === 0 && NAME.test(target));
      if (!known) issue(["default_target"], `"${target}" is neither all, a group nor a host of fleet.hosts`);
    }
  })
  .transform((f) => ({
    name: f.name,
    hosts: f.hosts,
    groups: f.groups,
    defaultTarget: f.default_target,
    auth:
      f.nkey_seed_file !== undefined
        ? ({ kind: "nkey", seedFile: f.nkey_seed_file } as const)
        : f.user !== undefined && f.password_file !== undefined
          ? ({ kind: "user", user: f.user, passwordFile: f.password_file } as const)
          : ({ kind: "none" } as const),
    tls: f.tls,
    deadlineMs: f.deadline,
    heartbeatMs: f.heartbeat,
    seenAcross: f.seen_across,
  }))
  .prefault({})
  .describe("fleet mode (docs/fleet.md): applies when BANBOT_NATS_URL is set");

export type FleetFileConfig = z.output<typeof FleetSchema>;

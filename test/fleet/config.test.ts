import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { isUserError } from "../../src/core/errors.js";

function problems(env: Record<string, string>, fileText?: string): string[] {
  try {
    loadConfig(env, fileText);
  } catch (err) {
    if (!isUserError(err, "config_invalid")) throw err;
    return err.message.split("\n").slice(1);
  }
  throw new Error("expected loadConfig to fail");
}

describe("fleet configuration", () => {
  it("is off without BANBOT_NATS_URL, with defaults that need no file", () => {
    expect(loadConfig({}).fleet).toEqual({
      name: "banbot",
      hosts: [],
      groups: {},
      defaultTarget: "all",
      auth: { kind: "none" },
      tls: undefined,
      deadlineMs: 10_000,
      heartbeatMs: 10_000,
      seenAcross: { hosts: 3, windowMs: 600_000 },
      url: undefined,
      host: undefined,
    });
  });

  it("reads the environment's URL and host name and the file's section", () => {
    const yaml = `
fleet:
  name: prod
  hosts: [web1, web2, db1]
  groups:
    web: [web1, web2]
  default_target: web,db1
  nkey_seed_file: /etc/banbot/agent.nk
  tls:
    ca_file: /etc/banbot/ca.pem
  deadline: 3s
  heartbeat: 5s
  seen_across:
    hosts: 2
    window: 1h
`;
    const fleet = loadConfig({ BANBOT_NATS_URL: "tls://nats.internal:4222,nats2.internal", BANBOT_HOST: "web1" }, yaml).fleet;
    expect(fleet).toMatchObject({
      url: "tls://nats.internal:4222,nats2.internal",
      host: "web1",
      name: "prod",
      groups: { web: ["web1", "web2"] },
      defaultTarget: "web,db1",
      auth: { kind: "nkey", seedFile: "/etc/banbot/agent.nk" },
      tls: { caFile: "/etc/banbot/ca.pem" },
      deadlineMs: 3_000,
      heartbeatMs: 5_000,
      seenAcross: { hosts: 2, windowMs: 3_600_000 },
    });
    expect(loadConfig({}, "fleet:\n  user: web1\n  password_file: /run/secrets/nats\n").fleet.auth).toEqual({ kind: "user", user: "web1", passwordFile: "/run/secrets/nats" });
  });

  it("refuses names that cannot be NATS subject tokens, and credentials in the URL", () => {
    expect(problems({ BANBOT_HOST: "web1.example.com", BANBOT_NATS_URL: "nats://web1:secret@nats:4222" }, "fleet:\n  name: my fleet\n")).toEqual([
      "BANBOT_NATS_URL: put the credentials in the config file's fleet section (password_file or nkey_seed_file), not in the URL",
      "BANBOT_HOST: expected a name of letters, digits, - and _ (it becomes part of NATS subjects: no dots, spaces or wildcards)",
      "fleet.name: expected a name of letters, digits, - and _ (it becomes part of NATS subjects: no dots, spaces or wildcards)",
    ]);
    expect(problems({ BANBOT_NATS_URL: "http://nats:8222" })).toEqual([
      'BANBOT_NATS_URL: expected NATS server URLs like nats://nats.internal:4222 or tls://nats.internal:4222, separated by commas; got "http://nats:8222"',
    ]);
  });

  it("checks groups and the default target against the hosts, and credentials that go together", () => {
    const yaml = `
fleet:
  hosts: [web1, web2]
  groups:
    web: [web1, web3]
    web2: [web1]
    all: [web1]
  default_target: web,db
  user: front
  nkey_seed_file: /x
  tls:
    cert_file: client.pem
`;
    expect(problems({}, yaml)).toEqual([
      "fleet.tls: cert_file and key_file go together",
    ]);
    expect(problems({}, yaml.replace("    cert_file: client.pem\n", "    ca_file: ca.pem\n"))).toEqual([
      "fleet.password_file: user and password_file go together",
      "fleet.nkey_seed_file: use either user/password_file or nkey_seed_file, not both",
      "fleet.groups.web: not in fleet.hosts: web3",
      'fleet.groups.web2: "web2" is a host too: a group needs a name of its own',
      'fleet.groups.all: "all" is a word of `on …`, not a group name',
      'fleet.default_target: "db" is neither all, a group nor a host of fleet.hosts',
    ]);
  });

  it("refuses a seen_across watch that would alert on one host's bans or an odd window", () => {
    expect(problems({}, "fleet:\n  seen_across:\n    hosts: 1\n    window: 10s\n    host: 3\n")).toEqual([
      "fleet.seen_across.hosts: at least 2 hosts: one host's bans are its own alerts",
      "fleet.seen_across.window: must be between 1m and 1d (a bare number means milliseconds)",
      "fleet.seen_across.host: unknown key — did you mean hosts?",
    ]);
  });
});

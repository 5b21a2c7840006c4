import { describe, expect, it } from "vitest";
import { describeNonDefaults, loadConfig, readConfigFile } from "../src/config.js";
import { isUserError } from "../src/core/errors.js";

type Env = Record<string, string | undefined>;

/** The problem lines of the config_invalid error, without its header. */
function problems(env: Env, fileText?: string): string[] {
  try {
    loadConfig(env, fileText);
  } catch (err) {
    if (!isUserError(err, "config_invalid")) throw err;
    return err.message.split("\n").slice(1);
  }
  throw new Error("expected loadConfig to fail");
}

const CONTRACT_EXAMPLE = `
access:
  grants:                      # nobody has a role unless granted here
    - role: admin
      slack_users: [U01ADMIN]
      discord_users: ["111111111111111111"]
    - role: operator
      slack_groups: [S01OPS]
      discord_roles: ["222222222222222222"]
    - role: viewer
      slack_users: [U01VIEWER]
      channels: [C01SECOPS]    # optional: only in these channels
alerts:
  routes:
    - kinds: [health, spike, blocklist]
      jails: [sshd]            # optional: default all jails
      slack_channel: C01ALERTS
      discord_channel: "333333333333333333"
blocklists:
  allow_private_hosts: []      # e.g. [127.0.0.1] for an internal mirror; empty by default
`;

describe("loadConfig", () => {
  it("runs with defaults and neither chat platform when nothing is set", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      configFile: undefined,
      dataDir: "./data",
      fail2ban: { socket: "/var/run/fail2ban/fail2ban.sock", timeoutMs: 10_000, clientPath: "fail2ban-client" },
      log: { level: undefined }, // main picks it by mode: info, or warn at a prompt
      http: { port: undefined },
      platforms: { slack: undefined, discord: undefined },
      access: { grants: [] },
      alerts: { routes: [] },
      blocklists: { allowPrivateHosts: [] },
      commands: { rateLimit: { perMinute: 30 } },
    });
  });

  it("treats empty environment values as unset", () => {
    const config = loadConfig({ BANBOT_DATA_DIR: "", SLACK_BOT_TOKEN: "", BANBOT_HTTP_PORT: "", BANBOT_CONFIG: "" });
    expect(config.dataDir).toBe("./data");
    expect(config.platforms.slack).toBeUndefined();
    expect(config.http.port).toBeUndefined();
  });

  it("reads the server settings from the environment", () => {
    const config = loadConfig({
      BANBOT_FAIL2BAN_SOCKET: "/run/fail2ban/fail2ban.sock",
      BANBOT_DATA_DIR: "/var/lib/banbot",
      BANBOT_LOG_LEVEL: "debug",
      BANBOT_HTTP_PORT: "9100",
    });
    expect(config.fail2ban.socket).toBe("/run/fail2ban/fail2ban.sock");
    expect(config.dataDir).toBe("/var/lib/banbot");
    expect(config.log.level).toBe("debug");
    expect(config.http.port).toBe(9100);
  });

  it("enables Slack in Socket Mode with an app token", () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" });
    expect(config.platforms.slack).toEqual({
      botToken: "xoxb-1",
      appToken: "xapp-1",
      signingSecret: undefined,
      port: 3000,
      apiUrl: undefined,
    });
  });

  it("enables Slack in HTTP mode with a signing secret, port and API override", () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "shh",
      BANBOT_SLACK_PORT: "8080",
      SLACK_API_URL: "http://127.0.0.1:9999/api/",
    });
    expect(config.platforms.slack).toMatchObject({ signingSecret: "shh", port: 8080, apiUrl: "http://127.0.0.1:9999/api/" });
  });

  it("says what Slack is missing", () => {
    expect(problems({ SLACK_BOT_TOKEN: "xoxb-1" })).toEqual([
      "SLACK_APP_TOKEN: required with SLACK_BOT_TOKEN: set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode",
    ]);
    expect(problems({ SLACK_APP_TOKEN: "xapp-1" })).toEqual([
      "SLACK_BOT_TOKEN: required because SLACK_APP_TOKEN is set (or unset SLACK_APP_TOKEN)",
    ]);
    expect(problems({ SLACK_BOT_TOKEN: "xapp-1", SLACK_APP_TOKEN: "xoxb-1" })).toEqual([
      "SLACK_BOT_TOKEN: this is an app-level token (xapp-…): put it in SLACK_APP_TOKEN",
      "SLACK_APP_TOKEN: expected an app-level token starting with xapp- (Basic Information → App-Level Tokens)",
    ]);
  });

  it("enables Discord with a token and application ID", () => {
    const config = loadConfig({
      DISCORD_TOKEN: "discord-secret",
      DISCORD_APPLICATION_ID: "123456789012345678",
      DISCORD_GUILD_ID: "876543210987654321",
      DISCORD_API_URL: "https://discord.test/api",
    });
    expect(config.platforms.discord).toEqual({
      token: "discord-secret",
      applicationId: "123456789012345678",
      guildId: "876543210987654321",
      apiUrl: "https://discord.test/api",
    });
  });

  it("says what Discord is missing or malformed", () => {
    expect(problems({ DISCORD_TOKEN: "t" })).toEqual([
      "DISCORD_APPLICATION_ID: required with DISCORD_TOKEN (Developer Portal → your app → General Information)",
    ]);
    expect(problems({ DISCORD_TOKEN: "t", DISCORD_APPLICATION_ID: "my-app" })).toEqual([
      "DISCORD_APPLICATION_ID: expected a Discord ID: 17–20 digits",
    ]);
    expect(problems({ DISCORD_GUILD_ID: "876543210987654321" })).toEqual([
      "DISCORD_TOKEN: required because other DISCORD_* variables are set",
    ]);
  });

  it.each([
    ["BANBOT_HTTP_PORT", "0", "BANBOT_HTTP_PORT: expected a port number 1–65535"],
    ["BANBOT_HTTP_PORT", "80a", "BANBOT_HTTP_PORT: expected a port number 1–65535"],
    ["BANBOT_SLACK_PORT", "70000", "BANBOT_SLACK_PORT: expected a port number 1–65535"],
    [
      "BANBOT_LOG_LEVEL",
      "verbose",
      'BANBOT_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent; got text "verbose"',
    ],
    ["SLACK_API_URL", "slack.com/api", "SLACK_API_URL: expected an http(s) URL like http://127.0.0.1:8080/api/"],
    ["BANBOT_DATADIR", "/tmp", "BANBOT_DATADIR: unknown key — did you mean BANBOT_DATA_DIR?"],
  ])("rejects %s=%j", (name, value, line) => {
    expect(problems({ [name]: value })).toEqual([line]);
  });

  it("reads the documented file shape into camelCase settings", () => {
    const config = loadConfig({ BANBOT_CONFIG: "/etc/banbot.yaml" }, CONTRACT_EXAMPLE);
    expect(config.configFile).toBe("/etc/banbot.yaml");
    expect(config.access.grants).toEqual([
      {
        role: "admin",
        slackUsers: ["U01ADMIN"],
        slackGroups: [],
        discordUsers: ["111111111111111111"],
        discordRoles: [],
        channels: undefined,
      },
      {
        role: "operator",
        slackUsers: [],
        slackGroups: ["S01OPS"],
        discordUsers: [],
        discordRoles: ["222222222222222222"],
        channels: undefined,
      },
      expect.objectContaining({ role: "viewer", slackUsers: ["U01VIEWER"], channels: ["C01SECOPS"] }),
    ]);
    expect(config.alerts.routes).toEqual([
      {
        kinds: ["health", "spike", "blocklist"],
        jails: ["sshd"],
        slackChannel: "C01ALERTS",
        discordChannel: "333333333333333333",
      },
    ]);
    expect(config.blocklists.allowPrivateHosts).toEqual([]);
  });

  it("keeps every digit of Discord IDs written without quotes", () => {
    const text = "access:\n  grants:\n    - role: admin\n      discord_users: [111111111111111119]\n";
    expect(loadConfig({}, text).access.grants[0]?.discordUsers).toEqual(["111111111111111119"]);
  });

  it("reads fail2ban and command settings, with durations as text or milliseconds", () => {
    const text = "fail2ban:\n  timeout: 1m30s\n  client_path: /usr/bin/fail2ban-client\ncommands:\n  rate_limit:\n    per_minute: 5\n";
    const config = loadConfig({}, text);
    expect(config.fail2ban).toMatchObject({ timeoutMs: 90_000, clientPath: "/usr/bin/fail2ban-client" });
    expect(config.commands.rateLimit.perMinute).toBe(5);
    expect(loadConfig({}, "fail2ban:\n  timeout: 2500\n").fail2ban.timeoutMs).toBe(2500);
  });

  it("treats an empty file and empty sections as defaults", () => {
    expect(loadConfig({}, "").access.grants).toEqual([]);
    expect(loadConfig({}, "# nothing yet\nblocklists:\naccess:\n").blocklists.allowPrivateHosts).toEqual([]);
  });

  it("rejects unknown keys with their path and a suggestion", () => {
    const text = "access:\n  grants:\n    - role: admin\n      slack_user: [U01ADMIN]\ncomands: {}\nwhatever: 1\n";
    expect(problems({}, text)).toEqual([
      "access.grants[0].slack_user: unknown key — did you mean slack_users?",
      "comands: unknown key — did you mean commands?",
      "whatever: unknown key — expected one of access, alerts, blocklists, fail2ban, history, commands, geo, fleet",
    ]);
  });

  it.each([
    ["access:\n  grants:\n    - role: root\n      slack_users: [U1X]\n", 'access.grants[0].role: expected one of viewer, operator, admin; got text "root"'],
    ["access:\n  grants:\n    - role: admin\n      slack_users: U01ADMIN\n", 'access.grants[0].slack_users: expected a list, got text "U01ADMIN"'],
    [
      "access:\n  grants:\n    - role: admin\n      slack_users: ['@alice']\n",
      "access.grants[0].slack_users[0]: expected a Slack user ID like U01ABCDEF (the member ID, not the @name)",
    ],
    [
      "access:\n  grants:\n    - role: admin\n      discord_roles: [1234]\n",
      "access.grants[0].discord_roles[0]: expected text, got number 1234",
    ],
    [
      "access:\n  grants:\n    - role: viewer\n      channels: [C01SECOPS]\n",
      "access.grants[0]: a grant must name at least one of slack_users, slack_groups, discord_users, discord_roles",
    ],
    [
      "access:\n  grants:\n    - role: viewer\n      slack_users: [U01X]\n      channels: []\n",
      "access.grants[0].channels: list at least one channel, or leave channels out to allow every channel",
    ],
    ["alerts:\n  routes:\n    - kinds: [health]\n", "alerts.routes[0]: a route needs slack_channel, discord_channel or both"],
    [
      "alerts:\n  routes:\n    - kinds: [spikes]\n      slack_channel: C01A\n",
      'alerts.routes[0].kinds[0]: expected one of health, spike, blocklist, silent, digest; got text "spikes"',
    ],
    ["alerts:\n  health:\n    interval: 7s\n", "alerts.health.interval: must divide a minute evenly: 1s, 2s, 3s, 5s, 10s, 15s, 20s, 30s or 1m"],
    [
      "alerts:\n  routes:\n    - kinds: [health]\n      slack_channel: '#alerts'\n",
      "alerts.routes[0].slack_channel: expected a Slack channel ID like C01ABCDEF (not the #name)",
    ],
    [
      "blocklists:\n  allow_private_hosts: [http://mirror.internal/]\n",
      "blocklists.allow_private_hosts[0]: expected a host name or IP address like mirror.internal or 10.0.0.5 (no scheme, port or path)",
    ],
    ["fail2ban:\n  timeout: soon\n", "fail2ban.timeout: expected a duration like 10s or 1m30s, or a number of milliseconds"],
    ["fail2ban:\n  timeout: 10\n", "fail2ban.timeout: must be between 100ms and 5m (a bare number means milliseconds)"],
    ["commands:\n  rate_limit:\n    per_minute: 0\n", "commands.rate_limit.per_minute: must be at least 1"],
    ["fail2ban:\n  client_path: ''\n", "fail2ban.client_path: must not be empty"],
    ["alerts:\n  routes:\n    - kinds: []\n      slack_channel: C01A\n", "alerts.routes[0].kinds: list at least one alert kind"],
    ["- access\n", "(top level): expected a mapping (key: value), got a list"],
  ])("explains what to fix in %j", (text, line) => {
    expect(problems({}, text)).toEqual([line]);
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(problems({}, "access:\n  grants: [\nalerts: {}\n")).toEqual([
      expect.stringMatching(/^line 3, column 1: .*must be sufficiently indented/),
    ]);
    expect(problems({}, "access: {}\naccess: {}\n")).toEqual(["line 2, column 1: Map keys must be unique"]);
  });

  it("reports every environment and file problem at once, one per line", () => {
    let message = "";
    try {
      loadConfig(
        { BANBOT_CONFIG: "/etc/banbot.yaml", BANBOT_HTTP_PORT: "http", DISCORD_TOKEN: "t" },
        "access:\n  grants:\n    - role: boss\nfail2ban:\n  socket: /tmp/x\n",
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "Invalid configuration (4 problems; config file /etc/banbot.yaml):",
      "BANBOT_HTTP_PORT: expected a port number 1–65535",
      "DISCORD_APPLICATION_ID: required with DISCORD_TOKEN (Developer Portal → your app → General Information)",
      'access.grants[0].role: expected one of viewer, operator, admin; got text "boss"',
      "fail2ban.socket: unknown key — expected one of timeout, client_path, config_dir",
    ]);
  });
});

describe("readConfigFile", () => {
  it("reads nothing when BANBOT_CONFIG is unset or empty", () => {
    const fail = () => {
      throw new Error("should not read");
    };
    expect(readConfigFile({}, fail)).toBeUndefined();
    expect(readConfigFile({ BANBOT_CONFIG: "" }, fail)).toBeUndefined();
  });

  it("reads the named file", () => {
    expect(readConfigFile({ BANBOT_CONFIG: "/etc/banbot.yaml" }, (path) => `# ${path}`)).toBe("# /etc/banbot.yaml");
  });

  it("turns an unreadable file into a config error naming the path", () => {
    const missing = () => {
      throw Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
    };
    expect(() => readConfigFile({ BANBOT_CONFIG: "/nope.yaml" }, missing)).toThrow(
      "BANBOT_CONFIG: cannot read /nope.yaml (ENOENT): check the path and that BanBot's user may read it",
    );
  });
});

describe("describeNonDefaults", () => {
  it("is empty for the defaults", () => {
    expect(describeNonDefaults(loadConfig({}))).toEqual({});
  });

  it("lists changed settings by path and redacts secrets", () => {
    const config = loadConfig(
      {
        BANBOT_DATA_DIR: "/var/lib/banbot",
        SLACK_BOT_TOKEN: "xoxb-secret",
        SLACK_SIGNING_SECRET: "signing-secret",
        DISCORD_TOKEN: "discord-secret",
        DISCORD_APPLICATION_ID: "123456789012345678",
      },
      "fail2ban:\n  timeout: 30s\n",
    );
    const described = describeNonDefaults(config);
    expect(described).toEqual({
      dataDir: "/var/lib/banbot",
      "fail2ban.timeoutMs": 30_000,
      "platforms.slack.botToken": "REDACTED",
      "platforms.slack.signingSecret": "REDACTED",
      "platforms.slack.port": 3000,
      "platforms.discord.token": "REDACTED",
      "platforms.discord.applicationId": "123456789012345678",
    });
    expect(JSON.stringify(described)).not.toMatch(/secret"/);
  });
});

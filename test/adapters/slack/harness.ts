import { afterAll, beforeAll, vi } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/app.js";
import { silentLog } from "../../harness/client.js";
import { useBanBot } from "../../harness/banbot.js";
import { FakeSlack } from "../../fakes/fake-slack.js";
import { httpDriver, socketDriver, type Sent, type SlackDriver } from "../../fakes/fake-slack-driver.js";

export type Mode = "http" | "socket";

/** Test users; grants in ACCESS_YAML. */
export const USERS = { admin: "U0ADMIN", operator: "U0OPER", viewer: "U0VIEW", stranger: "U0NOBODY", groupie: "U0GROUP" } as const;
export const OPS_GROUP = "S0OPS";

// The test clock stands still, so the per-user rate limit would never refill.
export const ACCESS_YAML = `
commands:
  rate_limit:
    per_minute: 10000
access:
  grants:
    - role: admin
      slack_users: [${USERS.admin}]
    - role: operator
      slack_users: [${USERS.operator}]
      slack_groups: [${OPS_GROUP}]
    - role: viewer
      slack_users: [${USERS.viewer}]
`;

/**
 * The real bolt app (through createSlackAdapter) in one connection mode, against a fake Slack on
 * 127.0.0.1, running BanBot's real core against a real fail2ban-server, for one test file.
 */
export function useSlackBot(opts: { mode: Mode; yaml?: string; progressAfterMs?: number; env?: Record<string, string> }) {
  const bot = useBanBot({ yaml: opts.yaml ?? ACCESS_YAML, env: opts.env });
  let fake: FakeSlack | undefined;
  let adapter: SlackAdapter | undefined;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.setUserGroups({ [OPS_GROUP]: [USERS.groupie], S0OTHER: [USERS.viewer] });
    adapter = createSlackAdapter({
      slack: fake.slackConfig(opts.mode),
      commands: bot.config.commands,
      grants: bot.config.access.grants,
      dispatcher: bot.core.dispatcher,
      log: silentLog,
      host: "127.0.0.1",
      progressAfterMs: opts.progressAfterMs,
    });
    await adapter.start();
    if (opts.mode === "socket") await fake.socket.connected();
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useSlackBot: only inside tests");
    return value;
  };
  const endpoint = () => `http://127.0.0.1:${need(adapter).port}/slack/events`;
  let driver: SlackDriver | undefined;
  return {
    bot,
    get fake(): FakeSlack {
      return need(fake);
    },
    get adapter(): SlackAdapter {
      return need(adapter);
    },
    endpoint,
    get slack(): SlackDriver {
      driver ??= opts.mode === "http" ? httpDriver(need(fake), endpoint) : socketDriver(need(fake));
      return driver;
    },
  };
}

/** The messages sent to a response_url once `count` have arrived. */
export async function responsesTo(fake: FakeSlack, sent: Sent, count = 1): Promise<Record<string, unknown>[]> {
  return await vi.waitFor(
    () => {
      const got = fake.responses(sent.responseUrl);
      if (got.length < count) throw new Error(`expected ${count} response(s) to ${sent.responseUrl}, got ${got.length}`);
      return got;
    },
    { timeout: 15_000, interval: 20 },
  );
}

/** The single reply a command or click got. */
export async function replyTo(fake: FakeSlack, sent: Sent): Promise<Record<string, unknown>> {
  return (await responsesTo(fake, sent, 1))[0]!;
}

/** The last message sent to a response_url, once it is no longer a progress note. */
export async function resultOf(fake: FakeSlack, sent: Sent): Promise<Record<string, unknown>> {
  return await vi.waitFor(
    () => {
      const last = fake.responses(sent.responseUrl).at(-1);
      if (last === undefined || String(last.text).startsWith("⏳")) throw new Error(`no result at ${sent.responseUrl} yet`);
      return last;
    },
    { timeout: 15_000, interval: 20 },
  );
}

/** The visible text of a message: header, sections, fields, context and data table rows (cells two spaces apart), entities decoded. */
export function textOf(message: Record<string, unknown>): string {
  const texts: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (typeof record.text === "string" && (record.type === "mrkdwn" || record.type === "plain_text")) texts.push(record.text);
      if (record.type === "data_table") {
        for (const row of record.rows as { text: string }[][]) texts.push(row.map((cell) => cell.text).join("  "));
        return;
      }
      for (const [key, child] of Object.entries(record)) if (key !== "confirm") visit(child);
    }
  };
  visit(message.blocks);
  return texts.join("\n").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
